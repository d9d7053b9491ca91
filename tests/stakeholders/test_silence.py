"""Silence is consent: the periodic task that admits circulated requests once the deadline
for objections has passed with none, exactly once however often and however many run it."""

import datetime
import io
import threading

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from dialogue_portal.models import AuditEvent
from stakeholders import services
from stakeholders.models import Accreditation
from tests.factories import (
    AccreditationFactory,
    CirculationListFactory,
    FocalPointFactory,
    OrganisationFactory,
)

State = Accreditation.State

DEADLINE = datetime.date(2030, 2, 10)
AFTER_DEADLINE = DEADLINE + datetime.timedelta(days=1)


@pytest.fixture
def commit(db, django_capture_on_commit_callbacks):
    """Run the on-commit callbacks (the e-mails) of what happens inside, as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def circulated(*, deadline=DEADLINE, focal_points=2, name=None):
    """A request circulated on a list with ``deadline``, of an organisation with focal points."""
    organisation = OrganisationFactory(**({"name": name} if name else {}))
    for _ in range(focal_points):
        FocalPointFactory(organisation=organisation)
    circulation_list = CirculationListFactory(
        circulated_on=deadline - datetime.timedelta(days=30), deadline=deadline
    )
    return AccreditationFactory(
        organisation=organisation, state=State.CIRCULATED, circulation_list=circulation_list
    )


def focal_point_emails(accreditation):
    return sorted(accreditation.organisation.focal_points.values_list("user__email", flat=True))


def admissions(accreditation):
    return AuditEvent.objects.for_object(accreditation).filter(to_state=State.ADMITTED)


def test_admit_after_silence_deadline_passed_admitted(commit, mailoutbox):
    accreditation = circulated(name="Fundación Ñandú")

    with commit():
        count = services.accreditations_admit_after_silence(today=AFTER_DEADLINE)

    assert count == 1
    accreditation.refresh_from_db()
    assert accreditation.state == State.ADMITTED
    assert accreditation.decided_at is not None
    event = AuditEvent.objects.for_object(accreditation).get()
    assert (event.from_state, event.to_state, event.actor) == (State.CIRCULATED, State.ADMITTED, None)
    assert "No State party objected" in event.note
    assert sorted(m.to[0] for m in mailoutbox) == focal_point_emails(accreditation)
    assert all(len(m.to) == 1 for m in mailoutbox)
    for message in mailoutbox:
        assert message.subject == "[Dialogue Portal] Accreditation of Fundación Ñandú: admitted"
        assert "Fundación Ñandú is admitted as an observer." in message.body


@pytest.mark.parametrize("today", [DEADLINE - datetime.timedelta(days=10), DEADLINE])
def test_admit_after_silence_deadline_not_passed_unchanged(today, commit, mailoutbox):
    # The deadline is inclusive: objections are still received on the day itself.
    accreditation = circulated()

    with commit():
        count = services.accreditations_admit_after_silence(today=today)

    assert count == 0
    accreditation.refresh_from_db()
    assert accreditation.state == State.CIRCULATED
    assert accreditation.decided_at is None
    assert not AuditEvent.objects.exists()
    assert mailoutbox == []


def test_admit_after_silence_objection_recorded_stays_objected(secretariat, commit, mailoutbox):
    accreditation = circulated()
    with commit():
        services.objection_record(
            by=secretariat, state_party="FR", made_on=DEADLINE, accreditation=accreditation
        )
    mailoutbox.clear()

    with commit():
        count = services.accreditations_admit_after_silence(today=AFTER_DEADLINE)

    assert count == 0
    accreditation.refresh_from_db()
    assert accreditation.state == State.OBJECTED
    assert not admissions(accreditation).exists()
    assert mailoutbox == []


def test_admit_after_silence_only_due_requests_admitted(commit, mailoutbox):
    due = circulated(deadline=DEADLINE)
    not_due = circulated(deadline=AFTER_DEADLINE)
    submitted = AccreditationFactory()

    with commit():
        count = services.accreditations_admit_after_silence(today=AFTER_DEADLINE)

    assert count == 1
    for accreditation in (due, not_due, submitted):
        accreditation.refresh_from_db()
    assert (due.state, not_due.state, submitted.state) == (State.ADMITTED, State.CIRCULATED, State.SUBMITTED)
    assert sorted(m.to[0] for m in mailoutbox) == focal_point_emails(due)


def test_admit_after_silence_run_twice_admits_once(commit, mailoutbox):
    accreditation = circulated(focal_points=1)

    with commit():
        first = services.accreditations_admit_after_silence(today=AFTER_DEADLINE)
    with commit():
        second = services.accreditations_admit_after_silence(today=AFTER_DEADLINE)

    assert (first, second) == (1, 0)
    accreditation.refresh_from_db()
    assert accreditation.state == State.ADMITTED
    assert AuditEvent.objects.for_object(accreditation).count() == 1
    assert [m.to for m in mailoutbox] == [focal_point_emails(accreditation)]


def test_run_due_tasks_admits_after_silence(commit, mailoutbox):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    due = circulated(deadline=yesterday, focal_points=1)
    today = circulated(deadline=timezone.localdate(), focal_points=1)
    out = io.StringIO()

    with commit():
        call_command("run_due_tasks", stdout=out)

    assert "admit-accreditations-after-silence: 1" in out.getvalue()
    due.refresh_from_db()
    today.refresh_from_db()
    assert (due.state, today.state) == (State.ADMITTED, State.CIRCULATED)
    assert admissions(due).get().actor is None
    assert [m.to for m in mailoutbox] == [focal_point_emails(due)]


def test_run_due_tasks_twice_admits_once(commit, mailoutbox):
    due = circulated(deadline=timezone.localdate() - datetime.timedelta(days=1), focal_points=1)

    with commit():
        call_command("run_due_tasks", stdout=io.StringIO())
    out = io.StringIO()
    with commit():
        call_command("run_due_tasks", stdout=out)

    assert "admit-accreditations-after-silence: 0" in out.getvalue()
    due.refresh_from_db()
    assert due.state == State.ADMITTED
    assert admissions(due).count() == 1
    assert len(mailoutbox) == 1


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="two workers at the same moment: row locks and concurrent transactions need PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_admit_after_silence_two_workers_at_once_admit_each_once(mailoutbox):
    deadline = timezone.localdate() - datetime.timedelta(days=1)
    requests = [circulated(deadline=deadline, focal_points=2) for _ in range(3)]
    barrier = threading.Barrier(2)
    counts = []
    crashes = []

    def worker():
        try:
            connection.ensure_connection()  # connected before the barrier: both query at once
            barrier.wait(timeout=10)
            counts.append(services.accreditations_admit_after_silence())
        except Exception as error:  # handed back to the test's thread
            crashes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not any(thread.is_alive() for thread in threads)
    assert crashes == []
    for accreditation in requests:
        accreditation.refresh_from_db()
        assert accreditation.state == State.ADMITTED
        assert admissions(accreditation).count() == 1
        assert admissions(accreditation).get().actor is None
    sent = sorted(address for message in mailoutbox for address in message.to)
    assert sent == sorted(
        address for accreditation in requests for address in focal_point_emails(accreditation)
    )
    # Each request admitted by one worker or the other, never by both.
    assert len(counts) == 2
    assert sum(counts) == len(requests)
