"""The stakeholders' services: requests to join an organisation and their decisions."""

import itertools
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from dialogue_portal.transitions import TransitionNotAllowed
from stakeholders import services
from stakeholders.models import Accreditation, JoinRequest
from tests.factories import JoinRequestFactory, UserFactory

from .support import audit_rows, focal_point_emails, on_postgresql, organisation_with_focal_points

# --- Join requests -------------------------------------------------------------------------


def test_join_request_create_emails_focal_points_and_secretariat(secretariat, commit, mailoutbox):
    organisation = organisation_with_focal_points(2, name="Fundación Ñandú")
    requester = UserFactory()

    with commit():
        join_request = services.join_request_create(
            organisation=organisation, user=requester, message="I run the Salta office."
        )

    join_request.refresh_from_db()
    assert (join_request.state, join_request.user, join_request.organisation) == (
        JoinRequest.State.PENDING,
        requester,
        organisation,
    )
    assert [row[:3] for row in audit_rows(join_request)] == [("", "pending", requester.pk)]
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [*focal_point_emails(organisation), secretariat.email]
    )
    for message in mailoutbox:
        assert f"{requester.email} asks to become a focal point of Fundación Ñandú" in message.body
        assert "I run the Salta office." in message.body
    assert not organisation.focal_points.filter(user=requester).exists()


def test_join_request_create_twice_returns_pending_request(commit, mailoutbox):
    organisation = organisation_with_focal_points(1)
    requester = UserFactory()
    with commit():
        first = services.join_request_create(organisation=organisation, user=requester)
    sent = len(mailoutbox)

    with commit():
        second = services.join_request_create(organisation=organisation, user=requester)

    assert second.pk == first.pk
    assert JoinRequest.objects.count() == 1
    assert len(audit_rows(first)) == 1
    assert len(mailoutbox) == sent == 1


def test_join_request_create_by_focal_point_refused(commit, mailoutbox):
    organisation = organisation_with_focal_points(1)
    focal_point = organisation.focal_points.get().user

    with commit(), pytest.raises(ValidationError) as excinfo:
        services.join_request_create(organisation=organisation, user=focal_point)

    assert "already a focal point" in excinfo.value.messages[0]
    assert not JoinRequest.objects.exists()
    assert mailoutbox == []


def test_join_request_decide_approve_adds_focal_point(commit, mailoutbox):
    organisation = organisation_with_focal_points(1, name="Fundación Ñandú")
    approver = organisation.focal_points.get().user
    join_request = JoinRequestFactory(organisation=organisation)

    with commit():
        services.join_request_decide(join_request=join_request, by=approver, approve=True)

    join_request.refresh_from_db()
    assert join_request.state == JoinRequest.State.APPROVED
    assert organisation.focal_points.filter(user=join_request.user).exists()
    assert [row[:3] for row in audit_rows(join_request)] == [("pending", "approved", approver.pk)]
    [message] = mailoutbox
    assert message.to == [join_request.user.email]
    assert "you are now a focal point of Fundación Ñandú" in message.body


def test_join_request_decide_decline_adds_no_focal_point(secretariat, commit, mailoutbox):
    organisation = organisation_with_focal_points(1, name="Fundación Ñandú")
    join_request = JoinRequestFactory(organisation=organisation)

    with commit():
        services.join_request_decide(join_request=join_request, by=secretariat, approve=False)

    join_request.refresh_from_db()
    assert join_request.state == JoinRequest.State.DECLINED
    assert not organisation.focal_points.filter(user=join_request.user).exists()
    assert organisation.focal_points.count() == 1
    assert [row[:3] for row in audit_rows(join_request)] == [("pending", "declined", secretariat.pk)]
    [message] = mailoutbox
    assert message.to == [join_request.user.email]
    assert "Your request to become a focal point of Fundación Ñandú was declined." in message.body
    assert "you are now a focal point" not in message.body


@pytest.mark.parametrize(("first", "second"), list(itertools.product([True, False], [True, False])))
def test_join_request_decide_twice_refused(first, second, secretariat, commit, mailoutbox):
    organisation = organisation_with_focal_points(1)
    join_request = JoinRequestFactory(organisation=organisation)
    services.join_request_decide(join_request=join_request, by=secretariat, approve=first)
    decided = join_request.state
    focal_points = set(organisation.focal_points.values_list("user", flat=True))

    with commit(), pytest.raises(TransitionNotAllowed):
        services.join_request_decide(join_request=join_request, by=secretariat, approve=second)

    join_request.refresh_from_db()
    assert join_request.state == decided
    assert len(audit_rows(join_request)) == 1
    assert set(organisation.focal_points.values_list("user", flat=True)) == focal_points
    assert mailoutbox == []


def while_uncommitted(insert, service):
    """Call ``service`` while another transaction holds ``insert``'s row, uncommitted, and
    commit that row only once the service's own INSERT waits on it: the moment two people
    asking at once meet, made certain."""
    inserted, release = threading.Event(), threading.Event()
    outcome = {}

    def other_transaction():
        try:
            with transaction.atomic():
                outcome["inserted"] = insert()
                inserted.set()
                release.wait(timeout=20)
        finally:
            connection.close()

    def call_service():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                outcome["pid"] = cursor.fetchone()[0]
            outcome["result"] = service()
        except Exception as error:  # handed back to the test's thread
            outcome["result"] = error
        finally:
            connection.close()

    holder = threading.Thread(target=other_transaction)
    holder.start()
    assert inserted.wait(timeout=10)
    caller = threading.Thread(target=call_service)
    caller.start()
    try:
        with connection.cursor() as cursor:
            for _ in range(200):  # until the service waits on the uncommitted row's lock
                cursor.execute(
                    "SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [outcome.get("pid")]
                )
                if cursor.fetchone()[0]:
                    break
                time.sleep(0.05)
            else:
                raise AssertionError("the service never waited on the other transaction")
    finally:
        release.set()
        holder.join(timeout=20)
        caller.join(timeout=20)
    return outcome["inserted"], outcome["result"]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_accreditation_request_at_the_same_moment_refused():
    organisation = organisation_with_focal_points(1)

    other, result = while_uncommitted(
        lambda: Accreditation.objects.create(organisation=organisation),
        lambda: services.accreditation_request(
            organisation=organisation, by=organisation.focal_points.get().user
        ),
    )

    assert isinstance(result, ValidationError)
    assert "already been requested" in result.messages[0]
    assert list(organisation.accreditations.all()) == [other]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_join_request_create_at_the_same_moment_returns_pending_request():
    organisation = organisation_with_focal_points(1)
    requester = UserFactory()

    pending, result = while_uncommitted(
        lambda: JoinRequest.objects.create(organisation=organisation, user=requester),
        lambda: services.join_request_create(organisation=organisation, user=requester),
    )

    assert isinstance(result, JoinRequest), repr(result)
    assert result.pk == pending.pk
    assert JoinRequest.objects.count() == 1


def test_join_request_create_after_decline_allowed(secretariat, commit):
    organisation = organisation_with_focal_points(1)
    declined = JoinRequestFactory(organisation=organisation, state=JoinRequest.State.DECLINED)

    with commit():
        again = services.join_request_create(organisation=organisation, user=declined.user)

    assert again.pk != declined.pk
    assert again.state == JoinRequest.State.PENDING
