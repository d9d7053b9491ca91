"""The one transition helper behind every lifecycle, applied to a dialogue."""

import pytest
from django.contrib.auth.models import AnonymousUser

from dialogue_portal.models import AuditEvent
from dialogue_portal.transitions import TransitionNotAllowed, save_in_state, transition
from sessions.models import Dialogue
from tests.factories import DialogueFactory

State = Dialogue.State

# A lifecycle of our own, smaller than the dialogue's, so these tests are about the
# helper and not about the dialogue's rules.
NEXT_STATES = {
    State.SCHEDULED: frozenset({State.OPEN}),
    State.OPEN: frozenset({State.CLOSED}),
}


@pytest.fixture
def dialogue(db):
    return DialogueFactory(room="Boardroom D")


def test_transition_illegal_move_refused_naming_both_states(dialogue, secretariat):
    with pytest.raises(TransitionNotAllowed) as excinfo:
        transition(dialogue, to=State.CLOSED, by=secretariat, next_states=NEXT_STATES)

    message = excinfo.value.messages[0]
    assert "scheduled" in message
    assert "closed" in message
    assert excinfo.value.code == "illegal_transition"


def test_transition_illegal_move_writes_nothing(dialogue, secretariat):
    with pytest.raises(TransitionNotAllowed):
        transition(
            dialogue,
            to=State.CLOSED,
            by=secretariat,
            next_states=NEXT_STATES,
            changes={"room": "Boardroom B"},
        )

    dialogue.refresh_from_db()
    assert dialogue.state == State.SCHEDULED
    assert dialogue.room == "Boardroom D"
    assert not AuditEvent.objects.exists()


def test_transition_from_state_without_entry_refused(dialogue, secretariat):
    Dialogue.objects.filter(pk=dialogue.pk).update(state=State.HELD)
    dialogue.refresh_from_db()

    with pytest.raises(TransitionNotAllowed):
        transition(dialogue, to=State.OPEN, by=secretariat, next_states=NEXT_STATES)

    dialogue.refresh_from_db()
    assert dialogue.state == State.HELD
    assert not AuditEvent.objects.exists()


def test_transition_legal_move_saves_state_and_one_audit_row(dialogue, secretariat):
    transition(dialogue, to=State.OPEN, by=secretariat, next_states=NEXT_STATES, note="Call published.")

    dialogue.refresh_from_db()
    assert dialogue.state == State.OPEN
    event = AuditEvent.objects.get()
    assert event.actor == secretariat
    assert event.from_state == State.SCHEDULED
    assert event.to_state == State.OPEN
    assert event.note == "Call published."
    assert event.subject == dialogue
    assert list(AuditEvent.objects.for_object(dialogue)) == [event]


def test_transition_legal_move_saves_changes_with_state(dialogue, secretariat):
    transition(
        dialogue,
        to=State.OPEN,
        by=secretariat,
        next_states=NEXT_STATES,
        changes={"room": "Boardroom B"},
    )

    dialogue.refresh_from_db()
    assert dialogue.state == State.OPEN
    assert dialogue.room == "Boardroom B"


def test_transition_updates_the_instance_in_hand(dialogue, secretariat):
    transition(dialogue, to=State.OPEN, by=secretariat, next_states=NEXT_STATES)

    # The same instance can take the next step without a reload.
    transition(dialogue, to=State.CLOSED, by=secretariat, next_states=NEXT_STATES)

    dialogue.refresh_from_db()
    assert dialogue.state == State.CLOSED
    assert AuditEvent.objects.for_object(dialogue).count() == 2


def test_transition_stale_instance_refused_and_writes_nothing(dialogue, secretariat, user):
    mine = Dialogue.objects.get(pk=dialogue.pk)
    theirs = Dialogue.objects.get(pk=dialogue.pk)
    transition(theirs, to=State.OPEN, by=user, next_states=NEXT_STATES)

    # "mine" still believes the dialogue is scheduled, and scheduled → open is legal.
    with pytest.raises(TransitionNotAllowed) as excinfo:
        transition(
            mine,
            to=State.OPEN,
            by=secretariat,
            next_states=NEXT_STATES,
            changes={"room": "Boardroom B"},
        )

    assert excinfo.value.code == "stale_state"
    assert "someone else" in excinfo.value.messages[0]
    dialogue.refresh_from_db()
    assert dialogue.state == State.OPEN
    assert dialogue.room == "Boardroom D"
    event = AuditEvent.objects.get()
    assert event.actor == user


def test_transition_system_move_has_no_actor(dialogue):
    transition(dialogue, to=State.OPEN, by=None, next_states=NEXT_STATES)

    dialogue.refresh_from_db()
    assert dialogue.state == State.OPEN
    assert AuditEvent.objects.get().actor is None


def test_transition_anonymous_user_recorded_without_actor(dialogue):
    transition(dialogue, to=State.OPEN, by=AnonymousUser(), next_states=NEXT_STATES)

    assert AuditEvent.objects.get().actor is None


def test_transition_marks_the_row_updated(dialogue, secretariat):
    before = Dialogue.objects.get(pk=dialogue.pk).updated_at
    transition(dialogue, to=State.OPEN, by=secretariat, next_states=NEXT_STATES)
    dialogue.refresh_from_db()
    assert dialogue.updated_at > before


# --- save_in_state: the edit of a row with a lifecycle ------------------------------------


def test_save_in_state_writes_only_the_named_fields(dialogue):
    # Someone else changed the venue meanwhile; this edit names only the room.
    Dialogue.objects.filter(pk=dialogue.pk).update(venue="Vienna International Centre, C Building")
    dialogue.room = "Boardroom B"
    dialogue.venue = "stale venue in hand"

    save_in_state(dialogue, fields=["room"], states=[State.SCHEDULED])

    dialogue.refresh_from_db()
    assert dialogue.room == "Boardroom B"
    assert dialogue.venue == "Vienna International Centre, C Building"


def test_save_in_state_refused_once_the_row_moved(dialogue, secretariat):
    Dialogue.objects.filter(pk=dialogue.pk).update(state=State.OPEN)
    dialogue.room = "Boardroom B"

    with pytest.raises(TransitionNotAllowed) as excinfo:
        save_in_state(dialogue, fields=["room"], states=[State.SCHEDULED])

    assert excinfo.value.code == "stale_state"
    dialogue.refresh_from_db()
    assert dialogue.room == "Boardroom D"
    assert dialogue.state == State.OPEN


def test_save_in_state_marks_the_row_updated(dialogue):
    before = dialogue.updated_at
    dialogue.room = "Boardroom B"

    save_in_state(dialogue, fields=["room"], states=[State.SCHEDULED])

    dialogue.refresh_from_db()
    assert dialogue.updated_at > before
