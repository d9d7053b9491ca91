"""Races on the dialogue calendar: the dialogue's details against its moves, and the pages moved
between the page and the click."""

import datetime
import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dialogue_portal.models import AuditEvent
from sessions import services
from sessions.models import Dialogue
from tests.concurrency import on_postgresql, refused, run_at_once, stagger
from tests.factories import DialogueFactory, RegistrationFactory, SecretariatFactory, vienna

from .support import ROUNDS, Applied, State, event, open_dialogue, speakers_list

# --- The dialogue's details against its moves ----------------------------------------------


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_dialogue_save_against_cancellation_never_undoes_it_each_round():
    secretariat = SecretariatFactory()
    for round_ in range(ROUNDS):
        dialogue = open_dialogue(room="Boardroom D")

        def save(pk=dialogue.pk):
            read = Dialogue.objects.get(pk=pk)
            read.room = "Conference Room 3"
            return lambda: services.dialogue_save(dialogue=read, by=secretariat)

        def cancel(pk=dialogue.pk):
            read = Dialogue.objects.get(pk=pk)
            return lambda: services.dialogue_cancel(
                dialogue=read, by=secretariat, reason="The room is not available."
            )

        saved, cancelled = run_at_once(save, cancel, delays=stagger(round_))

        assert not refused(cancelled), cancelled
        dialogue.refresh_from_db()
        # The cancellation stands whatever came first, with its higher calendar SEQUENCE.
        assert (dialogue.state, dialogue.sequence) == (State.CANCELLED, 1)
        if refused(saved):
            assert saved.code == "stale_state"
            assert saved.messages == [
                "This dialogue was changed by someone else meanwhile; reload the page and try again."
            ]
            assert dialogue.room == "Boardroom D"
        else:
            assert dialogue.room == "Conference Room 3"


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_dialogue_postpone_against_cancellation_one_after_the_other_each_round():
    secretariat = SecretariatFactory()
    for round_ in range(ROUNDS):
        dialogue = open_dialogue()
        new_date = dialogue.date + datetime.timedelta(days=7)

        def postpone(pk=dialogue.pk, new_date=new_date):
            read = Dialogue.objects.get(pk=pk)
            return lambda: services.dialogue_postpone(
                dialogue=read,
                by=secretariat,
                date=new_date,
                start_time=datetime.time(10, 0),
                end_time=datetime.time(13, 0),
            )

        def cancel(pk=dialogue.pk):
            read = Dialogue.objects.get(pk=pk)
            return lambda: services.dialogue_cancel(
                dialogue=read, by=secretariat, reason="The room is not available."
            )

        postponed, cancelled = run_at_once(postpone, cancel, delays=stagger(round_))

        assert not refused(cancelled), cancelled
        dialogue.refresh_from_db()
        assert dialogue.state == State.CANCELLED
        cancellation = event(dialogue, State.CANCELLED)
        if refused(postponed):
            assert postponed.messages == ["A cancelled dialogue cannot be postponed."]
            assert dialogue.sequence == 1
            assert not AuditEvent.objects.for_object(dialogue).filter(note__startswith="Postponed").exists()
        else:
            # Postponed first, then cancelled: each raised the SEQUENCE, in that order.
            assert (dialogue.date, dialogue.sequence) == (new_date, 2)
            postponement = AuditEvent.objects.for_object(dialogue).get(note__startswith="Postponed")
            assert postponement.pk < cancellation.pk


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_dialogue_postpone_against_a_details_save_never_undoes_the_new_date_each_round():
    secretariat = SecretariatFactory()
    for round_ in range(ROUNDS):
        dialogue = open_dialogue(room=f"Boardroom {round_}")  # each postponed into its own room
        new_date = dialogue.date + datetime.timedelta(days=7)

        def postpone(pk=dialogue.pk, new_date=new_date):
            read = Dialogue.objects.get(pk=pk)
            return lambda: services.dialogue_postpone(
                dialogue=read,
                by=secretariat,
                date=new_date,
                start_time=datetime.time(10, 0),
                end_time=datetime.time(13, 0),
            )

        def save(pk=dialogue.pk, round_=round_):
            read = Dialogue.objects.get(pk=pk)
            read.room = f"Conference Room {round_}"
            return lambda: services.dialogue_save(dialogue=read, by=secretariat)

        postponed, saved = run_at_once(postpone, save, delays=stagger(round_))

        # The postponement stands whatever came first (and neither waits for ever).
        assert not refused(postponed), postponed
        dialogue.refresh_from_db()
        assert (dialogue.date, dialogue.start_time, dialogue.sequence) == (new_date, datetime.time(10, 0), 1)
        if refused(saved):
            assert saved.code == "stale_state"
            assert dialogue.room == f"Boardroom {round_}"
        else:
            assert dialogue.room == f"Conference Room {round_}"


def test_dialogue_cancel_read_before_a_postponement_raises_the_sequence_from_it(db, secretariat):
    dialogue = open_dialogue()
    read = Dialogue.objects.get(pk=dialogue.pk)
    services.dialogue_postpone(
        dialogue=dialogue,
        by=secretariat,
        date=dialogue.date + datetime.timedelta(days=7),
        start_time=datetime.time(10, 0),
        end_time=datetime.time(13, 0),
    )

    services.dialogue_cancel(dialogue=read, by=secretariat, reason="The room is not available.")

    dialogue.refresh_from_db()
    assert (dialogue.state, dialogue.sequence) == (State.CANCELLED, 2)
    assert read.sequence == 2


def test_dialogue_save_read_before_a_postponement_is_refused_and_keeps_the_new_date(db, secretariat):
    dialogue = open_dialogue()
    read = Dialogue.objects.get(pk=dialogue.pk)
    new_date = dialogue.date + datetime.timedelta(days=7)
    services.dialogue_postpone(
        dialogue=dialogue,
        by=secretariat,
        date=new_date,
        start_time=datetime.time(10, 0),
        end_time=datetime.time(13, 0),
    )
    read.room = "Conference Room 3"

    with pytest.raises(ValidationError) as excinfo:
        services.dialogue_save(dialogue=read, by=secretariat)

    assert excinfo.value.code == "stale_state"
    dialogue.refresh_from_db()
    assert (dialogue.date, dialogue.room, dialogue.sequence) == (new_date, "Boardroom D", 1)


def test_dialogue_postpone_read_before_a_cancellation_is_refused(db, secretariat):
    dialogue = open_dialogue()
    read = Dialogue.objects.get(pk=dialogue.pk)
    services.dialogue_cancel(dialogue=dialogue, by=secretariat, reason="The room is not available.")

    with pytest.raises(ValidationError) as excinfo:
        services.dialogue_postpone(
            dialogue=read,
            by=secretariat,
            date=dialogue.date + datetime.timedelta(days=7),
            start_time=datetime.time(10, 0),
            end_time=datetime.time(13, 0),
        )

    assert excinfo.value.messages == ["A cancelled dialogue cannot be postponed."]
    dialogue.refresh_from_db()
    assert (dialogue.date, dialogue.sequence) == (read.date, 1)


def test_dialogue_postpone_keeps_details_changed_meanwhile(db, secretariat):
    dialogue = open_dialogue(room="Boardroom D")
    read = Dialogue.objects.get(pk=dialogue.pk)
    dialogue.room = "Conference Room 3"
    services.dialogue_save(dialogue=dialogue, by=secretariat)

    services.dialogue_postpone(
        dialogue=read,
        by=secretariat,
        date=dialogue.date + datetime.timedelta(days=7),
        start_time=datetime.time(10, 0),
        end_time=datetime.time(13, 0),
    )

    dialogue.refresh_from_db()
    assert (dialogue.room, dialogue.start_time, dialogue.sequence) == (
        "Conference Room 3",
        datetime.time(10, 0),
        1,
    )


def test_dialogue_open_read_before_a_postponement_goes_by_its_new_deadlines(db, secretariat):
    passed = timezone.now() - datetime.timedelta(days=1)
    dialogue = DialogueFactory(applications_deadline=passed, comments_deadline=passed)
    read = Dialogue.objects.get(pk=dialogue.pk)
    services.dialogue_postpone(
        dialogue=dialogue,
        by=secretariat,
        date=dialogue.date + datetime.timedelta(days=1),
        start_time=dialogue.start_time,
        end_time=dialogue.end_time,
        applications_deadline=vienna(dialogue.date - datetime.timedelta(days=14)),
        comments_deadline=vienna(dialogue.date - datetime.timedelta(days=7)),
    )

    services.dialogue_open(dialogue=read, by=secretariat)

    dialogue.refresh_from_db()
    assert dialogue.state == State.OPEN


def test_dialogue_mark_held_read_before_a_postponement_is_refused(db, secretariat):
    dialogue = DialogueFactory(state=State.CLOSED)
    read = Dialogue.objects.get(pk=dialogue.pk)
    services.dialogue_postpone(
        dialogue=dialogue,
        by=secretariat,
        date=dialogue.date + datetime.timedelta(days=14),
        start_time=dialogue.start_time,
        end_time=dialogue.end_time,
    )

    with pytest.raises(ValidationError) as excinfo:
        services.dialogue_mark_held(
            dialogue=read, by=secretariat, today=read.date + datetime.timedelta(days=4)
        )

    assert excinfo.value.messages == ["A dialogue can be marked as held only on its date or later."]
    dialogue.refresh_from_db()
    assert dialogue.state == State.CLOSED


# --- The pages: moved between the page and the click ---------------------------------------


def _text(response) -> str:
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(text))


def test_application_page_approve_after_cancellation_shows_refusal_and_no_longer_offers_it(
    secretariat_client, secretariat
):
    dialogue = open_dialogue()
    registration = RegistrationFactory(dialogue=dialogue, travel_support_requested=True)
    url = reverse("staff_application", args=[dialogue.pk, registration.pk])
    assert "Grant travel support" in _text(secretariat_client.get(url))
    # By someone else, meanwhile.
    services.dialogue_cancel(dialogue=dialogue, by=secretariat, reason="The room is not available.")

    response = secretariat_client.post(url, {"decision": "approve", "travel_support_granted": "on"})

    assert response.status_code == 200
    assert "The dialogue is cancelled: applications can no longer be approved." in _text(response)
    # The page offers only what the service allows now: declining, not approving.
    page = response.content.decode()
    assert 'id="id_approve_travel_support_granted"' not in page
    assert reverse("staff_application_action", args=[dialogue.pk, registration.pk, "decline"]) in page
    registration.refresh_from_db()
    assert registration.state == Applied.APPLIED


def test_dialogue_page_postpone_after_cancellation_shows_refusal(secretariat_client, secretariat):
    dialogue = open_dialogue()
    assert (
        "postpone" in secretariat_client.get(reverse("staff_dialogue", args=[dialogue.pk])).context["forms"]
    )
    services.dialogue_cancel(
        dialogue=dialogue, by=secretariat, reason="The room is not available."
    )  # by someone else, meanwhile

    response = secretariat_client.post(
        reverse("staff_dialogue_action", args=[dialogue.pk, "postpone"]),
        {"date": "2030-03-13", "start_time": "10:00", "end_time": "13:00", "note": "For the interpreters."},
    )

    assert response.status_code == 200
    assert "A cancelled dialogue cannot be postponed." in _text(response)
    dialogue.refresh_from_db()
    assert (dialogue.state, dialogue.sequence) == (State.CANCELLED, 1)


def test_speakers_page_move_of_a_speaker_withdrawn_meanwhile_shows_refusal(secretariat_client, secretariat):
    dialogue = open_dialogue()
    _item, (first, second, third) = speakers_list(dialogue, secretariat)
    services.intervention_withdraw(intervention=third, by=secretariat)  # by someone else, meanwhile

    response = secretariat_client.post(
        reverse("staff_speaker_action", args=[dialogue.pk, third.pk, "up"]), follow=True
    )

    assert f"{third.speaker.name}: Only a speaker waiting on the list can be moved." in _text(response)
    for intervention in (first, second, third):
        intervention.refresh_from_db()
    assert [first.position, second.position, third.position] == [1, 2, None]
