"""The stakeholders' services: the accreditation lifecycle, move by move, and requesting it."""

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError

from dialogue_portal.models import AuditEvent
from dialogue_portal.transitions import TransitionNotAllowed
from stakeholders import services
from stakeholders.models import EcosocStatus, Objection
from tests.factories import AccreditationFactory, OrganisationFactory, SecretariatFactory, UserFactory

from .support import (
    AFTER_DEADLINE,
    DEADLINE,
    State,
    audit_rows,
    focal_point_emails,
    organisation_with_focal_points,
)

# --- The accreditation lifecycle -----------------------------------------------------------


def move(accreditation, to, by, circulation_list):
    """Call the service that moves an accreditation to ``to``."""
    if to == State.ADMITTED:
        return services.accreditation_admit(accreditation=accreditation, by=by, today=AFTER_DEADLINE)
    if to == State.RETURNED:
        return services.accreditation_return(accreditation=accreditation, by=by, note="Add the statutes.")
    if to == State.REJECTED:
        return services.accreditation_reject(accreditation=accreditation, by=by, reason="Not an NGO.")
    if to == State.CIRCULATED:
        return services.accreditation_circulate(
            accreditation=accreditation, circulation_list=circulation_list, by=by
        )
    if to == State.WITHDRAWN:
        return services.accreditation_withdraw(accreditation=accreditation, by=by)
    if to == State.SUBMITTED:
        return services.accreditation_resubmit(accreditation=accreditation, by=by)
    if to == State.OBJECTED:
        return services.objection_record(
            by=by, state_party="FR", made_on=DEADLINE, accreditation=accreditation
        )
    raise AssertionError(f"no service moves an accreditation to {to}")


LEGAL_MOVES = sorted((src, dst) for src, targets in services.NEXT_STATES.items() for dst in targets)


ILLEGAL_MOVES = [
    (src, dst)
    for src, dst in itertools.product(State.values, State.values)
    if dst not in services.NEXT_STATES[src]
]


# DESIGN.md § Vocabulary, Accreditation.
DESIGN_MOVES = [
    (State.SUBMITTED, State.ADMITTED),
    (State.SUBMITTED, State.RETURNED),
    (State.SUBMITTED, State.REJECTED),
    (State.SUBMITTED, State.CIRCULATED),
    (State.SUBMITTED, State.WITHDRAWN),
    (State.RETURNED, State.SUBMITTED),
    (State.RETURNED, State.WITHDRAWN),
    (State.CIRCULATED, State.ADMITTED),
    (State.CIRCULATED, State.OBJECTED),
    (State.OBJECTED, State.ADMITTED),
    (State.OBJECTED, State.REJECTED),
    (State.ADMITTED, State.WITHDRAWN),
]


def test_lifecycle_matches_design():
    assert set(services.NEXT_STATES) == set(State.values)
    assert sorted(DESIGN_MOVES) == LEGAL_MOVES
    assert len(ILLEGAL_MOVES) == 7 * 7 - 12


@pytest.mark.parametrize(("src", "dst"), LEGAL_MOVES)
def test_accreditation_legal_move_done(src, dst, secretariat, circulation_list, commit, mailoutbox):
    # In ECOSOC status, so that "submitted → admitted" is a legal move too.
    organisation = organisation_with_focal_points(1, ecosoc_status=EcosocStatus.SPECIAL)
    accreditation = AccreditationFactory(organisation=organisation, state=src)

    with commit():
        move(accreditation, dst, secretariat, circulation_list)

    accreditation.refresh_from_db()
    assert accreditation.state == dst
    [(from_state, to_state, actor_id, _note)] = audit_rows(accreditation)
    assert (from_state, to_state, actor_id) == (src, dst, secretariat.pk)
    assert (accreditation.decided_at is not None) == (dst in (State.ADMITTED, State.REJECTED))
    assert Objection.objects.filter(accreditation=accreditation).count() == (dst == State.OBJECTED)
    if dst == State.CIRCULATED:
        assert accreditation.circulation_list == circulation_list
    to_organisation = [m for m in mailoutbox if m.to == focal_point_emails(organisation)]
    assert len(to_organisation) == 1
    assert to_organisation[0].subject.endswith(f": {accreditation.get_state_display()}")


@pytest.mark.parametrize(("src", "dst"), ILLEGAL_MOVES)
def test_accreditation_illegal_move_refused(src, dst, secretariat, circulation_list, commit, mailoutbox):
    organisation = organisation_with_focal_points(1, ecosoc_status=EcosocStatus.SPECIAL)
    accreditation = AccreditationFactory(organisation=organisation, state=src)
    before = accreditation.circulation_list_id

    with commit(), pytest.raises(TransitionNotAllowed) as excinfo:
        move(accreditation, dst, secretariat, circulation_list)

    assert excinfo.value.messages
    assert str(excinfo.value.messages[0])
    accreditation.refresh_from_db()
    assert accreditation.state == src
    assert accreditation.circulation_list_id == before
    assert accreditation.decided_at is None
    assert accreditation.message == ""
    assert not AuditEvent.objects.exists()
    assert not Objection.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize("status", [EcosocStatus.GENERAL, EcosocStatus.SPECIAL, EcosocStatus.ROSTER])
def test_accreditation_admit_submitted_in_ecosoc_status_admitted(status, secretariat, commit):
    accreditation = AccreditationFactory(organisation=OrganisationFactory(ecosoc_status=status))

    with commit():
        services.accreditation_admit(accreditation=accreditation, by=secretariat)

    accreditation.refresh_from_db()
    assert accreditation.state == State.ADMITTED
    assert [row[:2] for row in audit_rows(accreditation)] == [(State.SUBMITTED, State.ADMITTED)]


def test_accreditation_admit_submitted_without_ecosoc_status_refused(secretariat, commit, mailoutbox):
    organisation = organisation_with_focal_points(1, ecosoc_status=EcosocStatus.NONE)
    accreditation = AccreditationFactory(organisation=organisation)

    with commit(), pytest.raises(ValidationError) as excinfo:
        services.accreditation_admit(accreditation=accreditation, by=secretariat)

    assert "circulate" in excinfo.value.messages[0]
    accreditation.refresh_from_db()
    assert accreditation.state == State.SUBMITTED
    assert audit_rows(accreditation) == []
    assert mailoutbox == []


@pytest.mark.parametrize("today", [DEADLINE - datetime.timedelta(days=20), DEADLINE])
def test_accreditation_admit_circulated_before_deadline_refused(today, secretariat, commit, mailoutbox):
    accreditation = AccreditationFactory(state=State.CIRCULATED)

    with commit(), pytest.raises(ValidationError) as excinfo:
        services.accreditation_admit(accreditation=accreditation, by=secretariat, today=today)

    assert "10 February 2030" in excinfo.value.messages[0]
    accreditation.refresh_from_db()
    assert accreditation.state == State.CIRCULATED
    assert audit_rows(accreditation) == []
    assert mailoutbox == []


def test_accreditation_admit_circulated_with_objection_refused(secretariat, commit, mailoutbox):
    accreditation = AccreditationFactory(state=State.CIRCULATED)
    # Still "circulated": as if the objection were being recorded at this very moment.
    Objection.objects.create(accreditation=accreditation, state_party="FR", made_on=DEADLINE)

    with commit(), pytest.raises(ValidationError) as excinfo:
        services.accreditation_admit(accreditation=accreditation, by=secretariat, today=AFTER_DEADLINE)

    assert "Conference" in excinfo.value.messages[0]
    accreditation.refresh_from_db()
    assert accreditation.state == State.CIRCULATED
    assert audit_rows(accreditation) == []
    assert mailoutbox == []


@pytest.mark.parametrize("note", ["", "   \n "])
def test_accreditation_return_without_note_refused(note, secretariat, commit, mailoutbox):
    accreditation = AccreditationFactory()

    with commit(), pytest.raises(ValidationError) as excinfo:
        services.accreditation_return(accreditation=accreditation, by=secretariat, note=note)

    assert list(excinfo.value.message_dict) == ["note"]
    accreditation.refresh_from_db()
    assert (accreditation.state, accreditation.message) == (State.SUBMITTED, "")
    assert audit_rows(accreditation) == []
    assert mailoutbox == []


@pytest.mark.parametrize("src", [State.SUBMITTED, State.OBJECTED])
@pytest.mark.parametrize("reason", ["", "   "])
def test_accreditation_reject_without_reason_refused(src, reason, secretariat, commit, mailoutbox):
    accreditation = AccreditationFactory(state=src)

    with commit(), pytest.raises(ValidationError) as excinfo:
        services.accreditation_reject(accreditation=accreditation, by=secretariat, reason=reason)

    assert list(excinfo.value.message_dict) == ["reason"]
    accreditation.refresh_from_db()
    assert (accreditation.state, accreditation.message, accreditation.decided_at) == (src, "", None)
    assert audit_rows(accreditation) == []
    assert mailoutbox == []


def test_accreditation_return_note_kept_for_organisation(secretariat, commit):
    accreditation = AccreditationFactory()

    with commit():
        services.accreditation_return(
            accreditation=accreditation, by=secretariat, note="  Attach the statutes.  "
        )

    accreditation.refresh_from_db()
    assert accreditation.message == "Attach the statutes."
    [(_from, _to, _actor, note)] = audit_rows(accreditation)
    assert note == "Attach the statutes."


# --- Requesting accreditation --------------------------------------------------------------


def test_accreditation_request_creates_submitted_request(commit):
    organisation = organisation_with_focal_points(1)
    focal_point = organisation.focal_points.get().user

    with commit():
        accreditation = services.accreditation_request(organisation=organisation, by=focal_point)

    accreditation.refresh_from_db()
    assert accreditation.state == State.SUBMITTED
    assert list(organisation.accreditations.all()) == [accreditation]
    assert [row[:3] for row in audit_rows(accreditation)] == [("", State.SUBMITTED, focal_point.pk)]


def test_accreditation_request_emails_secretariat_and_focal_points(commit, mailoutbox):
    organisation = organisation_with_focal_points(2, name="Fundación Ñandú", country="KE")
    secretariat = [SecretariatFactory(), SecretariatFactory()]
    SecretariatFactory(is_active=False)
    UserFactory(is_staff=True)  # staff, but not of the secretariat

    with commit():
        services.accreditation_request(organisation=organisation, by=organisation.focal_points.first().user)

    to_secretariat = [m for m in mailoutbox if "New accreditation request" in m.subject]
    receipts = [m for m in mailoutbox if m not in to_secretariat]
    assert sorted(m.to[0] for m in to_secretariat) == sorted(user.email for user in secretariat)
    assert all(len(m.to) == 1 for m in mailoutbox)
    for message in to_secretariat:
        assert "Fundación Ñandú" in message.subject
        assert "Fundación Ñandú requests accreditation." in message.body
        assert "Kenya" in message.body
        assert "Non-governmental organization" in message.body
    assert sorted(m.to[0] for m in receipts) == focal_point_emails(organisation)
    for message in receipts:
        assert "We received the request for accreditation of Fundación Ñandú" in message.body


@pytest.mark.parametrize(
    "state", [State.SUBMITTED, State.RETURNED, State.CIRCULATED, State.OBJECTED, State.ADMITTED]
)
def test_accreditation_request_while_one_current_refused(state, commit, mailoutbox):
    SecretariatFactory()
    organisation = organisation_with_focal_points(1)
    current = AccreditationFactory(organisation=organisation, state=state)

    with commit(), pytest.raises(ValidationError) as excinfo:
        services.accreditation_request(organisation=organisation, by=organisation.focal_points.get().user)

    assert current.get_state_display() in excinfo.value.messages[0]
    assert list(organisation.accreditations.all()) == [current]
    assert not AuditEvent.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize("state", [State.REJECTED, State.WITHDRAWN])
def test_accreditation_request_after_rejection_or_withdrawal_allowed(state, commit):
    organisation = organisation_with_focal_points(1)
    previous = AccreditationFactory(organisation=organisation, state=state)

    with commit():
        accreditation = services.accreditation_request(
            organisation=organisation, by=organisation.focal_points.get().user
        )

    assert accreditation != previous
    assert set(organisation.accreditations.values_list("state", flat=True)) == {state, State.SUBMITTED}
    previous.refresh_from_db()
    assert previous.state == state
