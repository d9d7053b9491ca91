"""The dialogue's staff page offers exactly the moves the services allow, in every state;
what cannot be undone asks first; a cancellation says why; a held or cancelled dialogue's
agenda no longer moves, and a cancelled one shows no deadlines."""

import datetime
import html
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from dialogue_portal.celery import app
from sessions import services
from sessions.models import AgendaItem, Dialogue, Registration
from sessions.views.staff import LIFECYCLE
from tests.factories import (
    AgendaItemFactory,
    DialogueFactory,
    FocalPointFactory,
    OrganisationFactory,
    RegistrationFactory,
    RepresentativeFactory,
    WorkingGroupSessionFactory,
    vienna,
)
from tests.state_change import allowed_moves, offered_on_page, urls_for

State = Dialogue.State


@pytest.fixture(autouse=True)
def _tasks_in_process():
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


def _dialogue(state: str, when: str = "future") -> Dialogue:
    """``future``: in 40 days, deadlines ahead; ``deadlines-passed``: in 3 days, both
    deadlines yesterday; ``past``: 10 days ago."""
    today = timezone.localdate()
    day = today + datetime.timedelta(days={"future": 40, "deadlines-passed": 3, "past": -10}[when])
    deadline = (
        vienna(day - datetime.timedelta(days=7))
        if when == "future"
        else vienna(day - datetime.timedelta(days=4))
    )
    if when == "deadlines-passed":
        deadline = vienna(today - datetime.timedelta(days=1))
    return DialogueFactory(
        session=WorkingGroupSessionFactory(first_day=day - datetime.timedelta(days=2), last_day=day),
        state=state,
        applications_deadline=deadline,
        comments_deadline=deadline,
    )


def _fresh(dialogue: Dialogue) -> Dialogue:
    return Dialogue.objects.select_related("session__working_group").get(pk=dialogue.pk)


def _service_calls(dialogue: Dialogue, by) -> dict:
    return {
        "open": lambda: services.dialogue_open(dialogue=_fresh(dialogue), by=by),
        "close": lambda: services.dialogue_close(dialogue=_fresh(dialogue), by=by),
        "hold": lambda: services.dialogue_mark_held(dialogue=_fresh(dialogue), by=by),
        "postpone": lambda: services.dialogue_postpone(
            dialogue=_fresh(dialogue),
            by=by,
            date=dialogue.date + datetime.timedelta(days=1),
            start_time=dialogue.start_time,
            end_time=dialogue.end_time,
        ),
        "cancel": lambda: services.dialogue_cancel(dialogue=_fresh(dialogue), by=by, reason="No room."),
    }


def _action_url(dialogue: Dialogue, slug: str) -> str:
    return reverse("staff_dialogue_action", args=[dialogue.pk, slug])


def _text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.mark.parametrize("when", ["future", "deadlines-passed", "past"])
@pytest.mark.parametrize("state", State.values)
def test_dialogue_page_offers_exactly_the_moves_the_services_allow(
    secretariat_client, secretariat, state, when
):
    dialogue = _dialogue(state, when)
    page = secretariat_client.get(reverse("staff_dialogue", args=[dialogue.pk])).content.decode()
    offered = offered_on_page(page, urls_for(LIFECYCLE.actions, lambda slug: _action_url(dialogue, slug)))
    assert offered == allowed_moves(_service_calls(dialogue, secretariat))
    dialogue.refresh_from_db()
    assert dialogue.state == state


# --- Closing and marking held ask first -------------------------------------------------


@pytest.mark.parametrize(
    ("state", "when", "slug", "after"),
    [(State.OPEN, "future", "close", State.CLOSED), (State.CLOSED, "past", "hold", State.HELD)],
)
def test_close_and_hold_ask_first_then_move(secretariat_client, state, when, slug, after):
    dialogue = _dialogue(state, when)
    staff_page = secretariat_client.get(reverse("staff_dialogue", args=[dialogue.pk])).content.decode()
    assert f'href="{_action_url(dialogue, slug)}"' in staff_page
    assert f'action="{_action_url(dialogue, slug)}"' not in staff_page

    confirmation = _text(secretariat_client.get(_action_url(dialogue, slug)))
    assert "This cannot be undone" in confirmation
    assert "Nobody is e-mailed." in confirmation
    dialogue.refresh_from_db()
    assert dialogue.state == state

    response = secretariat_client.post(_action_url(dialogue, slug))
    assert response.url == reverse("staff_dialogue", args=[dialogue.pk])
    dialogue.refresh_from_db()
    assert dialogue.state == after


# --- Cancelling: a reason, required, in the e-mail and on the public page -------------------


@pytest.fixture
def applied_dialogue(db):
    dialogue = _dialogue(State.OPEN)
    organisation = OrganisationFactory(name="Applied Network")
    FocalPointFactory(organisation=organisation, user__email="focal@applied.example")
    RegistrationFactory(
        dialogue=dialogue,
        organisation=organisation,
        state=Registration.State.APPROVED,
        representatives=[RepresentativeFactory(organisation=organisation, email="rep@applied.example")],
    )
    return dialogue


def test_cancel_confirmation_names_who_is_emailed_and_changes_nothing(secretariat_client, applied_dialogue):
    response = secretariat_client.get(_action_url(applied_dialogue, "cancel"))
    text = _text(response)
    assert "This cannot be undone" in text
    assert "every approved representative, are e-mailed the cancellation with its reason" in text
    assert 'id="id_cancel_reason"' in response.content.decode()
    applied_dialogue.refresh_from_db()
    assert (applied_dialogue.state, applied_dialogue.sequence) == (State.OPEN, 0)
    assert mail.outbox == []


def test_cancel_without_a_reason_is_refused_next_to_the_field(secretariat_client, applied_dialogue):
    response = secretariat_client.post(_action_url(applied_dialogue, "cancel"), {"reason": "  "})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_cancel_reason_error"' in page
    assert "Give the reason for the cancellation" in page
    applied_dialogue.refresh_from_db()
    assert applied_dialogue.state == State.OPEN
    assert mail.outbox == []


def test_cancel_with_a_reason_emails_it_and_shows_it_without_deadlines(
    secretariat_client, client, applied_dialogue, django_capture_on_commit_callbacks
):
    reason = "The plenary ran over into the dialogue's slot."
    with django_capture_on_commit_callbacks(execute=True):
        secretariat_client.post(_action_url(applied_dialogue, "cancel"), {"reason": reason})
    applied_dialogue.refresh_from_db()
    assert (applied_dialogue.state, applied_dialogue.cancellation_reason) == (State.CANCELLED, reason)
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "focal@applied.example",
        "rep@applied.example",
    ]
    assert all(reason in message.body for message in mail.outbox)

    public = _text(client.get(reverse("dialogue_detail", args=[applied_dialogue.pk])))
    assert "This dialogue has been cancelled." in public
    assert reason in public
    assert "Applications to take part" not in public
    assert "Written comments until" not in public

    staff = _text(secretariat_client.get(reverse("staff_dialogue", args=[applied_dialogue.pk])))
    assert reason in staff
    assert "Deadline for applications" not in staff
    assert "Deadline for written comments" not in staff


def test_live_dialogue_shows_its_deadlines(secretariat_client, client):
    dialogue = _dialogue(State.OPEN)
    assert "Applications to take part" in _text(client.get(reverse("dialogue_detail", args=[dialogue.pk])))
    assert "Deadline for applications" in _text(
        secretariat_client.get(reverse("staff_dialogue", args=[dialogue.pk]))
    )


# --- Postponing to the same date and times ----------------------------------------------


def test_postpone_to_the_same_date_and_times_is_refused_next_to_the_date(
    secretariat_client, applied_dialogue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(
            _action_url(applied_dialogue, "postpone"),
            {
                "date": applied_dialogue.date.isoformat(),
                "start_time": applied_dialogue.start_time.strftime("%H:%M"),
                "end_time": applied_dialogue.end_time.strftime("%H:%M"),
                "note": "Same as before.",
            },
        )
    page = response.content.decode()
    match = re.search(r'id="id_postpone_date_error"[^>]*>(.*?)</ul>', page, re.S)
    assert match, "no error next to the date"
    assert "already on this date at these times" in match.group(1)
    assert 'value="Same as before."' in page or "Same as before.</textarea>" in page
    applied_dialogue.refresh_from_db()
    assert applied_dialogue.sequence == 0
    assert mail.outbox == []


# --- The agenda of a held or cancelled dialogue ------------------------------------------


@pytest.mark.parametrize(
    ("state", "moves"), [(State.OPEN, True), (State.HELD, False), (State.CANCELLED, False)]
)
def test_agenda_moves_only_while_the_dialogue_is_live(secretariat_client, state, moves):
    dialogue = _dialogue(state, "past" if state == State.HELD else "future")
    first = AgendaItemFactory(dialogue=dialogue, number=1, title="Opening")
    second = AgendaItemFactory(dialogue=dialogue, number=2, title="Firearms")
    move_url = reverse("staff_agenda_move", args=[dialogue.pk, second.pk])
    page = secretariat_client.get(reverse("staff_dialogue", args=[dialogue.pk])).content.decode()
    assert (move_url in page) is moves

    response = secretariat_client.post(move_url, {"direction": "up"}, follow=True)
    numbers = dict(AgendaItem.objects.filter(dialogue=dialogue).values_list("pk", "number"))
    if moves:
        assert numbers == {first.pk: 2, second.pk: 1}
    else:
        assert numbers == {first.pk: 1, second.pk: 2}
        assert "its agenda no longer changes" in _text(response)
