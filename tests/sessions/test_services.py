"""The dialogue calendar's services: scheduling rules and the dialogue's lifecycle."""

import datetime
import itertools
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dialogue_portal.models import AuditEvent
from dialogue_portal.transitions import TransitionNotAllowed
from sessions import services
from sessions.models import Dialogue
from tests.factories import DialogueFactory, WorkingGroupSessionFactory, vienna

State = Dialogue.State

LAST_DAY = datetime.date(2030, 3, 6)


@pytest.fixture
def session(db):
    return WorkingGroupSessionFactory(first_day=datetime.date(2030, 3, 4), last_day=LAST_DAY)


def details(session, **overrides):
    """What the secretariat fills in to schedule a dialogue: on the session's last day."""
    fields = {
        "session": session,
        "date": LAST_DAY,
        "start_time": datetime.time(15, 0),
        "end_time": datetime.time(18, 0),
        "room": "Boardroom D",
        "applications_deadline": vienna(LAST_DAY - datetime.timedelta(days=14)),
        "comments_deadline": vienna(LAST_DAY - datetime.timedelta(days=7)),
    }
    fields.update(overrides)
    return fields


def move(dialogue, to, by):
    """Call the service that moves a dialogue to ``to``."""
    if to == State.OPEN:
        return services.dialogue_open(dialogue=dialogue, by=by)
    if to == State.CLOSED:
        return services.dialogue_close(dialogue=dialogue, by=by)
    if to == State.HELD:
        return services.dialogue_mark_held(dialogue=dialogue, by=by, today=dialogue.date)
    if to == State.CANCELLED:
        return services.dialogue_cancel(dialogue=dialogue, by=by, reason="The room is not available.")
    raise AssertionError(f"no service moves a dialogue to {to}")


LEGAL_MOVES = [(src, dst) for src, targets in services.NEXT_STATES.items() for dst in targets]
ILLEGAL_MOVES = [
    (src, dst)
    for src, dst in itertools.product(State.values, [State.OPEN, State.CLOSED, State.HELD, State.CANCELLED])
    if dst not in services.NEXT_STATES[src]
]


def test_lifecycle_matches_design():
    assert sorted(LEGAL_MOVES) == sorted(
        [
            (State.SCHEDULED, State.OPEN),
            (State.OPEN, State.CLOSED),
            (State.CLOSED, State.HELD),
            (State.SCHEDULED, State.CANCELLED),
            (State.OPEN, State.CANCELLED),
            (State.CLOSED, State.CANCELLED),
        ]
    )


# --- Scheduling -----------------------------------------------------------------------


def test_dialogue_schedule_before_session_last_day_refused(session, secretariat):
    with pytest.raises(ValidationError) as excinfo:
        services.dialogue_schedule(
            by=secretariat, **details(session, date=LAST_DAY - datetime.timedelta(days=1))
        )

    assert "date" in excinfo.value.message_dict
    assert "6 March 2030" in excinfo.value.message_dict["date"][0]
    assert not Dialogue.objects.exists()
    assert not AuditEvent.objects.exists()


def test_dialogue_schedule_on_session_last_day_allowed(session, secretariat):
    dialogue = services.dialogue_schedule(by=secretariat, **details(session, date=LAST_DAY))

    dialogue.refresh_from_db()
    assert dialogue.date == LAST_DAY
    assert dialogue.state == State.SCHEDULED


def test_dialogue_schedule_after_session_allowed(session, secretariat):
    later = LAST_DAY + datetime.timedelta(days=30)

    dialogue = services.dialogue_schedule(by=secretariat, **details(session, date=later))

    dialogue.refresh_from_db()
    assert dialogue.date == later


@pytest.mark.parametrize("field", ["applications_deadline", "comments_deadline"])
def test_dialogue_schedule_deadline_after_start_refused(session, secretariat, field):
    a_minute_late = vienna(LAST_DAY, 15, 1)

    with pytest.raises(ValidationError) as excinfo:
        services.dialogue_schedule(by=secretariat, **details(session, **{field: a_minute_late}))

    assert set(excinfo.value.message_dict) == {field}
    assert not Dialogue.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("field", ["applications_deadline", "comments_deadline"])
def test_dialogue_schedule_deadline_at_start_allowed(session, secretariat, field):
    dialogue = services.dialogue_schedule(
        by=secretariat, **details(session, **{field: vienna(LAST_DAY, 15, 0)})
    )

    dialogue.refresh_from_db()
    assert getattr(dialogue, field) == vienna(LAST_DAY, 15, 0)


def test_dialogue_schedule_deadline_compared_in_venue_time_zone(session, secretariat):
    new_york = zoneinfo.ZoneInfo("America/New_York")
    starts = datetime.datetime.combine(LAST_DAY, datetime.time(10, 0), tzinfo=new_york)
    fields = details(
        session,
        time_zone="America/New_York",
        start_time=datetime.time(10, 0),
        end_time=datetime.time(12, 0),
    )

    with pytest.raises(ValidationError) as excinfo:
        services.dialogue_schedule(
            by=secretariat,
            **{**fields, "comments_deadline": starts + datetime.timedelta(minutes=1)},
        )
    assert "comments_deadline" in excinfo.value.message_dict

    dialogue = services.dialogue_schedule(by=secretariat, **{**fields, "comments_deadline": starts})
    dialogue.refresh_from_db()
    assert dialogue.comments_deadline == starts


def test_dialogue_schedule_end_before_start_refused(session, secretariat):
    with pytest.raises(ValidationError) as excinfo:
        services.dialogue_schedule(
            by=secretariat,
            **details(session, start_time=datetime.time(15, 0), end_time=datetime.time(14, 0)),
        )

    assert "end_time" in excinfo.value.message_dict
    assert not Dialogue.objects.exists()
    assert not AuditEvent.objects.exists()


def test_dialogue_schedule_writes_one_audit_row(session, secretariat):
    dialogue = services.dialogue_schedule(by=secretariat, **details(session))

    event = AuditEvent.objects.for_object(dialogue).get()
    assert event.from_state == ""
    assert event.to_state == State.SCHEDULED
    assert event.actor == secretariat
    assert AuditEvent.objects.count() == 1


def test_dialogue_schedule_ignores_a_state_given_with_details(session, secretariat):
    dialogue = services.dialogue_schedule(by=secretariat, **details(session, state=State.HELD))

    dialogue.refresh_from_db()
    assert dialogue.state == State.SCHEDULED


# --- Saving details ---------------------------------------------------------------------


def test_dialogue_save_existing_never_changes_state(session, secretariat):
    dialogue = DialogueFactory(session=session, state=State.OPEN)
    dialogue.room = "Conference Room 3"

    services.dialogue_save(dialogue=dialogue, by=secretariat)

    dialogue.refresh_from_db()
    assert dialogue.state == State.OPEN
    assert dialogue.room == "Conference Room 3"
    assert not AuditEvent.objects.exists()


def test_dialogue_save_read_in_another_state_is_refused_and_changes_nothing(session, secretariat):
    # The object says held, the row says open: what the edit was based on is gone.
    dialogue = DialogueFactory(session=session, state=State.OPEN)
    dialogue.state = State.HELD
    dialogue.room = "Conference Room 3"

    with pytest.raises(ValidationError) as excinfo:
        services.dialogue_save(dialogue=dialogue, by=secretariat)

    assert excinfo.value.code == "stale_state"
    dialogue.refresh_from_db()
    assert (dialogue.state, dialogue.room) == (State.OPEN, "Boardroom D")
    assert not AuditEvent.objects.exists()


def test_dialogue_save_existing_checks_schedule(session, secretariat):
    dialogue = DialogueFactory(session=session)
    dialogue.date = LAST_DAY - datetime.timedelta(days=2)
    dialogue.room = "Conference Room 3"

    with pytest.raises(ValidationError) as excinfo:
        services.dialogue_save(dialogue=dialogue, by=secretariat)

    assert "date" in excinfo.value.message_dict
    dialogue.refresh_from_db()
    assert dialogue.date == LAST_DAY
    assert dialogue.room == "Boardroom D"


# --- Lifecycle ----------------------------------------------------------------------------


@pytest.mark.parametrize(("src", "dst"), LEGAL_MOVES)
def test_dialogue_legal_move_saved_with_one_audit_row(session, secretariat, src, dst):
    dialogue = DialogueFactory(session=session, state=src)

    move(dialogue, dst, secretariat)

    dialogue.refresh_from_db()
    assert dialogue.state == dst
    event = AuditEvent.objects.for_object(dialogue).get()
    assert (event.from_state, event.to_state, event.actor) == (src, dst, secretariat)


@pytest.mark.parametrize(("src", "dst"), ILLEGAL_MOVES)
def test_dialogue_illegal_move_refused_and_writes_nothing(session, secretariat, src, dst):
    dialogue = DialogueFactory(session=session, state=src)

    with pytest.raises(TransitionNotAllowed):
        move(dialogue, dst, secretariat)

    dialogue.refresh_from_db()
    assert dialogue.state == src
    assert not AuditEvent.objects.exists()


def test_dialogue_mark_held_future_date_refused(secretariat):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    dialogue = DialogueFactory(
        session=WorkingGroupSessionFactory(first_day=tomorrow, last_day=tomorrow),
        state=State.CLOSED,
    )

    with pytest.raises(ValidationError):
        services.dialogue_mark_held(dialogue=dialogue, by=secretariat)

    dialogue.refresh_from_db()
    assert dialogue.state == State.CLOSED
    assert not AuditEvent.objects.exists()


def test_dialogue_mark_held_past_date_allowed(secretariat):
    last_week = timezone.localdate() - datetime.timedelta(days=7)
    dialogue = DialogueFactory(
        session=WorkingGroupSessionFactory(first_day=last_week, last_day=last_week),
        state=State.CLOSED,
    )

    services.dialogue_mark_held(dialogue=dialogue, by=secretariat)

    dialogue.refresh_from_db()
    assert dialogue.state == State.HELD


def past_deadlines_dialogue(state, *, comments_deadline=None):
    """A dialogue in ten days whose application deadline passed yesterday."""
    now = timezone.now()
    day = timezone.localdate() + datetime.timedelta(days=10)
    return DialogueFactory(
        session=WorkingGroupSessionFactory(first_day=day, last_day=day),
        state=state,
        applications_deadline=now - datetime.timedelta(days=1),
        comments_deadline=comments_deadline or now - datetime.timedelta(hours=1),
    )


def test_dialogue_open_both_deadlines_passed_refused(secretariat):
    dialogue = past_deadlines_dialogue(State.SCHEDULED)

    with pytest.raises(ValidationError) as excinfo:
        services.dialogue_open(dialogue=dialogue, by=secretariat)

    assert "deadlines" in excinfo.value.messages[0]
    dialogue.refresh_from_db()
    assert dialogue.state == State.SCHEDULED
    assert not AuditEvent.objects.exists()


def test_dialogue_open_comment_deadline_ahead_allowed(secretariat):
    dialogue = past_deadlines_dialogue(
        State.SCHEDULED, comments_deadline=timezone.now() + datetime.timedelta(days=2)
    )

    services.dialogue_open(dialogue=dialogue, by=secretariat)

    dialogue.refresh_from_db()
    assert dialogue.state == State.OPEN


def test_dialogues_close_past_deadlines_closes_only_those_due(db):
    due = past_deadlines_dialogue(State.OPEN)
    comments_still_open = past_deadlines_dialogue(
        State.OPEN, comments_deadline=timezone.now() + datetime.timedelta(days=2)
    )
    not_yet_open = past_deadlines_dialogue(State.SCHEDULED)

    closed = services.dialogues_close_past_deadlines()

    assert closed == 1
    for dialogue in (due, comments_still_open, not_yet_open):
        dialogue.refresh_from_db()
    assert due.state == State.CLOSED
    assert comments_still_open.state == State.OPEN
    assert not_yet_open.state == State.SCHEDULED
    event = AuditEvent.objects.get()
    assert event.subject == due
    assert (event.from_state, event.to_state, event.actor) == (State.OPEN, State.CLOSED, None)


def test_dialogues_close_past_deadlines_second_run_closes_nothing(db):
    due = past_deadlines_dialogue(State.OPEN)
    services.dialogues_close_past_deadlines()

    closed = services.dialogues_close_past_deadlines()

    assert closed == 0
    due.refresh_from_db()
    assert due.state == State.CLOSED
    assert AuditEvent.objects.for_object(due).count() == 1


def test_dialogues_close_past_deadlines_deadline_is_inclusive(db):
    now = timezone.now()
    dialogue = past_deadlines_dialogue(State.OPEN, comments_deadline=now)

    assert services.dialogues_close_past_deadlines(now=now) == 0
    assert services.dialogues_close_past_deadlines(now=now + datetime.timedelta(seconds=1)) == 1

    dialogue.refresh_from_db()
    assert dialogue.state == State.CLOSED
