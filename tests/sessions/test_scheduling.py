"""Scheduling a dialogue (each refusal, the room under a lock), its lifecycle with the
e-mails of cancellation and postponement, and the order of the agenda."""

import datetime
import threading

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from dialogue_portal.models import AuditEvent
from sessions import services
from sessions.models import AgendaItem, Dialogue, Registration
from tests.factories import (
    AgendaItemFactory,
    DialogueFactory,
    RegistrationFactory,
    RepresentativeFactory,
    SecretariatFactory,
    WorkingGroupFactory,
    WorkingGroupSessionFactory,
    vienna,
)

State = Dialogue.State

LAST_DAY = datetime.date(2030, 3, 6)  # a Wednesday
NEXT_DAY = datetime.date(2030, 3, 7)
MEETING_LINK = "https://meet.example.org/wg6-dialogue-secret"

on_postgresql = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="two connections booking at once need PostgreSQL's row locks",
)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what the service queued for after the commit (the e-mails), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def session(db):
    return WorkingGroupSessionFactory(
        working_group=WorkingGroupFactory(name="Working Group on Firearms"),
        first_day=datetime.date(2030, 3, 4),
        last_day=LAST_DAY,
    )


def details(session, **overrides):
    """What the secretariat fills in: the session's last day, 15:00–18:00, Boardroom D."""
    fields = {
        "session": session,
        "date": LAST_DAY,
        "start_time": datetime.time(15, 0),
        "end_time": datetime.time(18, 0),
        "venue": "Vienna International Centre",
        "room": "Boardroom D",
        "format": Dialogue.Format.HYBRID,
        "meeting_link": MEETING_LINK,
        "applications_deadline": vienna(LAST_DAY - datetime.timedelta(days=14)),
        "comments_deadline": vienna(LAST_DAY - datetime.timedelta(days=7)),
    }
    fields.update(overrides)
    return fields


def schedule(session, by, **overrides):
    return services.dialogue_schedule(by=by, **details(session, **overrides))


def audit(obj):
    return list(
        AuditEvent.objects.for_object(obj).order_by("id").values_list("from_state", "to_state", "note")
    )


def addresses(mailoutbox):
    return sorted(address for message in mailoutbox for address in message.to)


# --- Scheduling refusals ----------------------------------------------------------------


def test_dialogue_schedule_before_session_last_day_refused(session, secretariat):
    with pytest.raises(ValidationError) as excinfo:
        schedule(session, secretariat, date=LAST_DAY - datetime.timedelta(days=1))

    assert excinfo.value.message_dict == {
        "date": ["A dialogue is held after its working-group session: on 6 March 2030 or later."]
    }
    assert not Dialogue.objects.exists()
    assert not AuditEvent.objects.exists()


def test_dialogue_schedule_on_session_last_day_allowed(session, secretariat):
    dialogue = schedule(session, secretariat)

    dialogue.refresh_from_db()
    assert dialogue.date == LAST_DAY
    assert dialogue.state == State.SCHEDULED
    assert audit(dialogue) == [("", State.SCHEDULED, "Scheduled.")]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime.time(15, 0), datetime.time(18, 0)),  # the same times
        (datetime.time(17, 0), datetime.time(19, 0)),  # starts before the other ends
        (datetime.time(13, 0), datetime.time(15, 30)),  # ends after the other starts
        (datetime.time(16, 0), datetime.time(17, 0)),  # within
        (datetime.time(14, 0), datetime.time(19, 0)),  # around
    ],
)
def test_dialogue_schedule_same_room_overlapping_refused(session, secretariat, start, end):
    booked = schedule(session, secretariat)
    other_group = WorkingGroupSessionFactory(first_day=LAST_DAY, last_day=LAST_DAY)

    with pytest.raises(ValidationError) as excinfo:
        schedule(other_group, secretariat, start_time=start, end_time=end)

    assert excinfo.value.message_dict == {
        "room": [
            "Boardroom D is taken from 6 March 2030, 15:00 to 18:00 "
            "by a dialogue of the Working Group on Firearms."
        ]
    }
    assert list(Dialogue.objects.all()) == [booked]


def test_dialogue_schedule_same_room_other_spelling_refused(session, secretariat):
    booked = schedule(session, secretariat)

    with pytest.raises(ValidationError) as excinfo:
        schedule(session, secretariat, room="boardroom d", venue="VIENNA International Centre")

    assert list(excinfo.value.message_dict) == ["room"]
    assert list(Dialogue.objects.all()) == [booked]


def test_dialogue_save_overlapping_change_of_existing_refused(session, secretariat):
    schedule(session, secretariat)
    later = schedule(session, secretariat, start_time=datetime.time(18, 0), end_time=datetime.time(20, 0))

    later.start_time = datetime.time(17, 0)
    with pytest.raises(ValidationError) as excinfo:
        services.dialogue_save(dialogue=later, by=secretariat)

    assert list(excinfo.value.message_dict) == ["room"]
    later.refresh_from_db()
    assert later.start_time == datetime.time(18, 0)


def test_dialogue_save_existing_does_not_collide_with_itself(session, secretariat):
    dialogue = schedule(session, secretariat)

    dialogue.end_time = datetime.time(18, 30)
    services.dialogue_save(dialogue=dialogue, by=secretariat)

    dialogue.refresh_from_db()
    assert dialogue.end_time == datetime.time(18, 30)


def test_dialogue_schedule_different_room_same_time_allowed(session, secretariat):
    schedule(session, secretariat)

    other = schedule(session, secretariat, room="Conference Room M3")

    assert Dialogue.objects.filter(pk=other.pk, room="Conference Room M3").exists()
    assert Dialogue.objects.count() == 2


def test_dialogue_schedule_same_room_other_venue_allowed(session, secretariat):
    schedule(session, secretariat)

    schedule(session, secretariat, venue="Palais des Nations")

    assert Dialogue.objects.count() == 2


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime.time(18, 0), datetime.time(20, 0)),  # starts when the other ends
        (datetime.time(12, 0), datetime.time(15, 0)),  # ends when the other starts
    ],
)
def test_dialogue_schedule_same_room_back_to_back_allowed(session, secretariat, start, end):
    schedule(session, secretariat)

    schedule(session, secretariat, start_time=start, end_time=end)

    assert Dialogue.objects.count() == 2


def test_dialogue_schedule_same_room_next_day_allowed(session, secretariat):
    schedule(session, secretariat)

    schedule(session, secretariat, date=NEXT_DAY)

    assert Dialogue.objects.count() == 2


def test_dialogue_schedule_room_of_cancelled_dialogue_allowed(session, secretariat):
    cancelled = schedule(session, secretariat)
    services.dialogue_cancel(dialogue=cancelled, by=secretariat, reason="The room is not available.")

    other = schedule(session, secretariat)

    other.refresh_from_db()
    assert other.state == State.SCHEDULED
    assert Dialogue.objects.count() == 2


@pytest.mark.parametrize(
    ("first", "second"), [("online", "hybrid"), ("hybrid", "online"), ("online", "online")]
)
def test_dialogue_schedule_online_format_ignores_room(session, secretariat, first, second):
    schedule(session, secretariat, format=first)

    schedule(session, secretariat, format=second)

    assert Dialogue.objects.count() == 2


@pytest.mark.parametrize("field", ["applications_deadline", "comments_deadline"])
def test_dialogue_schedule_deadline_after_dialogue_refused(session, secretariat, field):
    with pytest.raises(ValidationError) as excinfo:
        schedule(session, secretariat, **{field: vienna(LAST_DAY, 15, 1)})

    assert excinfo.value.message_dict == {
        field: ["The deadline cannot be after the dialogue starts (6 March 2030, 15:00)."]
    }
    assert not Dialogue.objects.exists()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_dialogue_schedule_same_room_at_the_same_moment_only_one_booked():
    session = WorkingGroupSessionFactory(
        working_group=WorkingGroupFactory(name="Working Group on Firearms"),
        first_day=datetime.date(2030, 3, 4),
        last_day=LAST_DAY,
    )
    secretariat = SecretariatFactory()
    barrier = threading.Barrier(2)
    outcomes = []

    def book(start, end):
        try:
            barrier.wait(timeout=10)
            outcomes.append(schedule(session, secretariat, start_time=start, end_time=end).pk)
        except ValidationError as exc:
            outcomes.append(exc.message_dict)
        except Exception as exc:  # noqa: BLE001 (shown in the assertion below)
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=book, args=(datetime.time(15, 0), datetime.time(18, 0))),
        threading.Thread(target=book, args=(datetime.time(16, 0), datetime.time(19, 0))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    booked = [outcome for outcome in outcomes if isinstance(outcome, int)]
    refused = [outcome for outcome in outcomes if not isinstance(outcome, int)]
    assert len(booked) == 1, outcomes
    assert len(refused) == 1, outcomes
    assert list(refused[0]) == ["room"], outcomes
    assert list(Dialogue.objects.values_list("pk", flat=True)) == booked


# --- Open, close, cancel ----------------------------------------------------------------


def test_dialogue_open_and_close_recorded(session, secretariat):
    dialogue = schedule(session, secretariat)

    services.dialogue_open(dialogue=dialogue, by=secretariat)
    dialogue.refresh_from_db()
    assert dialogue.state == State.OPEN

    services.dialogue_close(dialogue=dialogue, by=secretariat, note="Enough applications.")
    dialogue.refresh_from_db()
    assert dialogue.state == State.CLOSED
    assert audit(dialogue) == [
        ("", State.SCHEDULED, "Scheduled."),
        (State.SCHEDULED, State.OPEN, ""),
        (State.OPEN, State.CLOSED, "Enough applications."),
    ]
    assert AuditEvent.objects.for_object(dialogue).filter(actor=secretariat).count() == 3


@pytest.fixture
def applicants(session, secretariat):
    """An open dialogue with applications in every state; returns the dialogue and who
    must hear of a change (focal points of live applications, approved representatives)
    and who must not."""
    dialogue = schedule(session, secretariat)
    services.dialogue_open(dialogue=dialogue, by=secretariat)
    applied = RegistrationFactory(focal_point=True, dialogue=dialogue, state=Registration.State.APPLIED)
    approved = RegistrationFactory(focal_point=True, dialogue=dialogue, state=Registration.State.APPROVED)
    second_rep = RepresentativeFactory(organisation=approved.organisation)
    approved.representatives.add(second_rep)
    declined = RegistrationFactory(focal_point=True, dialogue=dialogue, state=Registration.State.DECLINED)
    withdrawn = RegistrationFactory(focal_point=True, dialogue=dialogue, state=Registration.State.WITHDRAWN)
    other_dialogue = RegistrationFactory(
        focal_point=True,
        dialogue=DialogueFactory(room="Conference Room M3"),
        state=Registration.State.APPROVED,
    )

    def focal_points(registration):
        return [fp.user.email for fp in registration.organisation.focal_points.all()]

    def reps(registration):
        return [rep.email for rep in registration.representatives.all()]

    told = sorted([*focal_points(applied), *focal_points(approved), *reps(approved)])
    untold = [
        *focal_points(declined),
        *reps(declined),
        *focal_points(withdrawn),
        *reps(withdrawn),
        *reps(applied),  # not approved: hears through its focal points only
        *focal_points(other_dialogue),
        *reps(other_dialogue),
    ]
    assert len(told) == 4
    return dialogue, told, untold


def test_dialogue_cancel_emails_every_applicant(applicants, secretariat, commit, mailoutbox):
    dialogue, told, untold = applicants

    with commit():
        services.dialogue_cancel(dialogue=dialogue, by=secretariat, reason="The session ran over.")

    dialogue.refresh_from_db()
    assert dialogue.state == State.CANCELLED
    assert dialogue.sequence == 1
    assert audit(dialogue)[-1] == (State.OPEN, State.CANCELLED, "The session ran over.")
    assert addresses(mailoutbox) == told
    assert not set(untold) & set(addresses(mailoutbox))
    for message in mailoutbox:
        assert message.subject.startswith("[Dialogue Portal] Cancelled: ")
        assert "onstructive dialogue of 6 March 2030 after the " in message.subject
        assert "Working Group on Firearms has been cancelled" in message.body
        assert "The session ran over." in message.body
        assert settings.SITE_URL + reverse("dialogue_detail", args=[dialogue.pk]) in message.body
        assert MEETING_LINK not in message.body


def test_dialogue_cancel_held_refused(session, secretariat, commit, mailoutbox):
    dialogue = DialogueFactory(session=session, state=State.HELD)

    with pytest.raises(ValidationError), commit():
        services.dialogue_cancel(dialogue=dialogue, by=secretariat, reason="The room is not available.")

    dialogue.refresh_from_db()
    assert dialogue.state == State.HELD
    assert dialogue.sequence == 0
    assert not AuditEvent.objects.for_object(dialogue).exists()
    assert mailoutbox == []


# --- Postponement -------------------------------------------------------------------------


def postpone(dialogue, by, **overrides):
    fields = {"date": NEXT_DAY, "start_time": datetime.time(10, 0), "end_time": datetime.time(13, 0)}
    fields.update(overrides)
    return services.dialogue_postpone(dialogue=dialogue, by=by, **fields)


def test_dialogue_postpone_emails_every_applicant_the_new_date(applicants, secretariat, commit, mailoutbox):
    dialogue, told, untold = applicants

    with commit():
        postpone(dialogue, secretariat, note="The plenary needs the room.")

    dialogue.refresh_from_db()
    assert (dialogue.date, dialogue.start_time, dialogue.end_time) == (
        NEXT_DAY,
        datetime.time(10, 0),
        datetime.time(13, 0),
    )
    assert dialogue.state == State.OPEN
    assert dialogue.sequence == 1
    assert addresses(mailoutbox) == told
    assert not set(untold) & set(addresses(mailoutbox))
    for message in mailoutbox:
        assert message.subject == (f"[Dialogue Portal] Postponed to Thursday 7 March 2030, 10:00: {dialogue}")
        assert "planned for Wednesday 6 March 2030, 15:00 is postponed" in message.body
        assert "New date: Thursday 7 March 2030, 10:00–13:00 (Europe/Vienna time)." in message.body
        assert "The plenary needs the room." in message.body
        assert MEETING_LINK not in message.body


def test_dialogue_postpone_recorded_with_note(session, secretariat):
    dialogue = schedule(session, secretariat)

    postpone(dialogue, secretariat, note="At the Bureau's request.")

    event = AuditEvent.objects.for_object(dialogue).order_by("-id").first()
    assert (event.from_state, event.to_state) == (State.SCHEDULED, State.SCHEDULED)
    assert event.note == "Postponed from 6 March 2030, 15:00 to 7 March 2030, 10:00. At the Bureau's request."
    assert event.actor == secretariat


def test_dialogue_postpone_and_cancel_raise_sequence_by_one_each(session, secretariat):
    dialogue = schedule(session, secretariat)
    assert dialogue.sequence == 0

    postpone(dialogue, secretariat)
    dialogue.refresh_from_db()
    assert dialogue.sequence == 1

    postpone(dialogue, secretariat, date=datetime.date(2030, 3, 8))
    dialogue.refresh_from_db()
    assert dialogue.sequence == 2

    services.dialogue_cancel(dialogue=dialogue, by=secretariat, reason="The room is not available.")
    dialogue.refresh_from_db()
    assert dialogue.sequence == 3


def test_dialogue_postpone_moves_deadlines_when_given(session, secretariat):
    dialogue = schedule(session, secretariat)
    new_deadline = vienna(datetime.date(2030, 3, 1), 12, 0)

    postpone(dialogue, secretariat, applications_deadline=new_deadline)

    dialogue.refresh_from_db()
    assert dialogue.applications_deadline == new_deadline
    assert dialogue.comments_deadline == vienna(LAST_DAY - datetime.timedelta(days=7))


@pytest.mark.parametrize("state", [State.HELD, State.CANCELLED])
def test_dialogue_postpone_held_or_cancelled_refused(session, secretariat, commit, mailoutbox, state):
    dialogue = DialogueFactory(session=session, state=state)
    RegistrationFactory(focal_point=True, dialogue=dialogue, state=Registration.State.APPROVED)

    with pytest.raises(ValidationError) as excinfo, commit():
        postpone(dialogue, secretariat)

    assert excinfo.value.messages == [f"A {state.label} dialogue cannot be postponed."]
    dialogue.refresh_from_db()
    assert (dialogue.date, dialogue.start_time, dialogue.sequence) == (LAST_DAY, datetime.time(15, 0), 0)
    assert not AuditEvent.objects.for_object(dialogue).exists()
    assert mailoutbox == []


def test_dialogue_postpone_onto_busy_room_refused(applicants, secretariat, commit, mailoutbox):
    dialogue, _told, _untold = applicants
    other_session = WorkingGroupSessionFactory(first_day=NEXT_DAY, last_day=NEXT_DAY)
    busy = schedule(
        other_session,
        secretariat,
        date=NEXT_DAY,
        start_time=datetime.time(9, 0),
        end_time=datetime.time(11, 0),
    )
    events_before = audit(dialogue)

    with pytest.raises(ValidationError) as excinfo, commit():
        postpone(dialogue, secretariat)

    assert list(excinfo.value.message_dict) == ["room"]
    assert str(busy.session.working_group) in excinfo.value.message_dict["room"][0]
    dialogue.refresh_from_db()
    assert (dialogue.date, dialogue.start_time, dialogue.end_time, dialogue.sequence) == (
        LAST_DAY,
        datetime.time(15, 0),
        datetime.time(18, 0),
        0,
    )
    assert audit(dialogue) == events_before
    assert mailoutbox == []


def test_dialogue_postpone_later_same_day_overlapping_itself_allowed(session, secretariat):
    dialogue = schedule(session, secretariat)

    postpone(
        dialogue, secretariat, date=LAST_DAY, start_time=datetime.time(16, 0), end_time=datetime.time(19, 0)
    )

    dialogue.refresh_from_db()
    assert (dialogue.start_time, dialogue.end_time, dialogue.sequence) == (
        datetime.time(16, 0),
        datetime.time(19, 0),
        1,
    )


def test_dialogue_postpone_before_session_last_day_refused(session, secretariat):
    dialogue = schedule(session, secretariat)

    with pytest.raises(ValidationError) as excinfo:
        postpone(dialogue, secretariat, date=datetime.date(2030, 3, 5))

    assert list(excinfo.value.message_dict) == ["date"]
    dialogue.refresh_from_db()
    assert (dialogue.date, dialogue.sequence) == (LAST_DAY, 0)


# --- The agenda ---------------------------------------------------------------------------


@pytest.fixture
def agenda(session):
    dialogue = DialogueFactory(session=session)
    return [AgendaItemFactory(dialogue=dialogue, number=n, title=f"Item {n}") for n in (1, 2, 3)]


def numbers(dialogue):
    return list(
        AgendaItem.objects.filter(dialogue=dialogue).order_by("number").values_list("title", "number")
    )


def test_agenda_item_move_up_swaps_with_previous(agenda, secretariat):
    first, second, third = agenda

    services.agenda_item_move(agenda_item=third, by=secretariat, up=True)

    assert numbers(third.dialogue) == [("Item 1", 1), ("Item 3", 2), ("Item 2", 3)]
    third.refresh_from_db()
    assert third.number == 2


def test_agenda_item_move_down_swaps_with_next(agenda, secretariat):
    first, second, third = agenda

    services.agenda_item_move(agenda_item=first, by=secretariat, up=False)

    assert numbers(first.dialogue) == [("Item 2", 1), ("Item 1", 2), ("Item 3", 3)]


@pytest.mark.parametrize(("index", "up"), [(0, True), (2, False)])
def test_agenda_item_move_at_end_changes_nothing(agenda, secretariat, index, up):
    services.agenda_item_move(agenda_item=agenda[index], by=secretariat, up=up)

    assert numbers(agenda[0].dialogue) == [("Item 1", 1), ("Item 2", 2), ("Item 3", 3)]


def test_agenda_item_move_keeps_other_dialogues_agenda(agenda, secretariat):
    other = DialogueFactory(room="Conference Room M3")
    for n in (1, 2, 3, 4):
        AgendaItemFactory(dialogue=other, number=n, title=f"Other {n}")

    services.agenda_item_move(agenda_item=agenda[1], by=secretariat, up=True)
    services.agenda_item_move(agenda_item=agenda[1], by=secretariat, up=False)

    assert numbers(agenda[0].dialogue) == [("Item 1", 1), ("Item 2", 2), ("Item 3", 3)]
    assert numbers(other) == [(f"Other {n}", n) for n in (1, 2, 3, 4)]
