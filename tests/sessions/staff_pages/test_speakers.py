"""The secretariat's dialogue pages: the speakers' list."""

import re

from sessions.models import Intervention
from tests.factories import DialogueChairFactory, UserFactory

from .support import _page, _request, _text, _url

# --- The speakers' list --------------------------------------------------------------------


def _order(response) -> list[str]:
    return re.findall(r"<strong><bdi>([^<]+)</bdi></strong>", _page(response))


def test_speakers_list_order_after_schedule_and_move(post, secretariat_client, item):
    ana, bo, cy = (_request(item, name) for name in ("Ana", "Bo", "Cy"))
    dora = _request(item, "Dora")  # asks, is never scheduled: after those on the list
    for intervention in (cy, ana, bo):
        post(_url("staff_speaker_action", item.dialogue_id, intervention.pk, "schedule"))
    response = post(_url("staff_speaker_action", item.dialogue_id, bo.pk, "up"), follow=True)
    assert "Bo is now in place 2." in _text(response)
    assert _order(response) == ["Cy", "Bo", "Ana", "Dora"]
    positions = dict(Intervention.objects.values_list("speaker__name", "position"))
    assert positions == {"Cy": 1, "Bo": 2, "Ana": 3, "Dora": None}
    post(_url("staff_speaker_action", item.dialogue_id, cy.pk, "down"))
    assert _order(secretariat_client.get(_url("staff_speakers", item.dialogue_id))) == [
        "Bo",
        "Cy",
        "Ana",
        "Dora",
    ]
    assert dora.state == Intervention.State.REQUESTED


def test_speakers_list_deliver_and_withdraw(post, item):
    ana, bo = _request(item, "Ana"), _request(item, "Bo")
    post(_url("staff_speaker_action", item.dialogue_id, ana.pk, "schedule"))
    post(_url("staff_speaker_action", item.dialogue_id, ana.pk, "deliver"))
    response = post(_url("staff_speaker_action", item.dialogue_id, bo.pk, "withdraw"), follow=True)
    ana.refresh_from_db()
    bo.refresh_from_db()
    assert (ana.state, bo.state, bo.position) == ("delivered", "withdrawn", None)
    assert _order(response) == ["Ana"]  # a withdrawn request leaves the list
    refused = post(_url("staff_speaker_action", item.dialogue_id, ana.pk, "withdraw"), follow=True)
    assert "Ana: This intervention cannot go from “delivered” to “withdrawn”." in _text(refused)
    ana.refresh_from_db()
    assert ana.state == Intervention.State.DELIVERED


def test_speakers_list_totals_and_warning_when_too_long(secretariat_client, item):
    dialogue = item.dialogue
    dialogue.minutes_per_speaker = 60
    dialogue.save()  # 15:00–18:00: 180 minutes
    for name in ("Ana", "Bo", "Cy"):
        _request(item, name)
    text = _text(secretariat_client.get(_url("staff_speakers", dialogue.pk)))
    assert "Minutes requested 180 Minutes available 180" in text
    assert "3 speakers, 180 minutes." in text
    assert "The list is too long" not in text
    _request(item, "Dora")
    text = _text(secretariat_client.get(_url("staff_speakers", dialogue.pk)))
    assert "Minutes requested 240 Minutes available 180" in text
    assert "The list is too long" in text
    assert "The speakers ask for 240 minutes; the dialogue has 180: 60 minutes too many." in text


def test_speakers_list_readable_by_a_chair_without_buttons(client, item):
    chair = DialogueChairFactory(dialogue=item.dialogue, user=UserFactory())
    ana = _request(item, "Ana")
    client.force_login(chair.user)
    response = client.get(_url("staff_speakers", item.dialogue_id))
    assert response.status_code == 200
    assert _order(response) == ["Ana"]
    assert "<button" not in _page(response).split("<main", 1)[1].split("</main>", 1)[0]
    assert client.post(_url("staff_speaker_action", item.dialogue_id, ana.pk, "schedule")).status_code == 404
    ana.refresh_from_db()
    assert ana.state == Intervention.State.REQUESTED


def test_speakers_list_answers_404_to_a_chair_of_another_dialogue(client, item):
    other_chair = DialogueChairFactory(user=UserFactory())
    client.force_login(other_chair.user)
    assert client.get(_url("staff_speakers", item.dialogue_id)).status_code == 404
