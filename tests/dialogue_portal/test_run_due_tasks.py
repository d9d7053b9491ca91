"""``manage.py run_due_tasks``: every periodic job once, for the embedded default and cron."""

import datetime
import io

from django.core.management import call_command
from django.utils import timezone

from dialogue_portal.models import AuditEvent
from sessions.models import Dialogue
from tests.factories import DialogueFactory, WorkingGroupSessionFactory

State = Dialogue.State


def open_dialogue(*, comments_deadline: datetime.datetime) -> Dialogue:
    """An open dialogue in ten days whose application deadline passed yesterday."""
    day = timezone.localdate() + datetime.timedelta(days=10)
    return DialogueFactory(
        session=WorkingGroupSessionFactory(first_day=day, last_day=day),
        state=State.OPEN,
        applications_deadline=timezone.now() - datetime.timedelta(days=1),
        comments_deadline=comments_deadline,
    )


def run_due_tasks() -> str:
    out = io.StringIO()
    call_command("run_due_tasks", stdout=out)
    return out.getvalue()


def test_run_due_tasks_closes_dialogue_past_deadlines(db):
    due = open_dialogue(comments_deadline=timezone.now() - datetime.timedelta(hours=1))
    not_due = open_dialogue(comments_deadline=timezone.now() + datetime.timedelta(days=2))

    output = run_due_tasks()

    due.refresh_from_db()
    not_due.refresh_from_db()
    assert due.state == State.CLOSED
    assert not_due.state == State.OPEN
    assert "close-dialogues-past-deadlines: 1" in output


def test_run_due_tasks_twice_writes_one_audit_row(db):
    due = open_dialogue(comments_deadline=timezone.now() - datetime.timedelta(hours=1))

    run_due_tasks()
    output = run_due_tasks()

    assert "close-dialogues-past-deadlines: 0" in output
    due.refresh_from_db()
    assert due.state == State.CLOSED
    event = AuditEvent.objects.for_object(due).get()
    assert (event.from_state, event.to_state, event.actor) == (State.OPEN, State.CLOSED, None)
