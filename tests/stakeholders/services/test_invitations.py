"""The stakeholders' services: invitations, handing over and leaving."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from stakeholders import services
from stakeholders.models import Invitation
from tests.factories import AccreditationFactory, CirculationListFactory, InvitationFactory, UserFactory

from .support import on_postgresql, organisation_with_focal_points, run_at_once

# --- Invitations and leaving ---------------------------------------------------------------


def test_invitation_create_emails_invitee(commit, mailoutbox):
    organisation = organisation_with_focal_points(1, name="Fundación Ñandú")
    inviter = organisation.focal_points.get().user

    with commit():
        invitation = services.invitation_create(
            organisation=organisation, email="new.person@ngo.example.org", by=inviter
        )

    invitation.refresh_from_db()
    assert (invitation.email, invitation.invited_by, invitation.hand_over) == (
        "new.person@ngo.example.org",
        inviter,
        False,
    )
    [message] = mailoutbox
    assert message.to == ["new.person@ngo.example.org"]
    assert f"{inviter.email} invites you to become a focal point of Fundación Ñandú" in message.body
    assert invitation.token in message.body


def test_invitation_create_hand_over_says_so(commit, mailoutbox):
    organisation = organisation_with_focal_points(1, name="Fundación Ñandú")

    with commit():
        services.invitation_create(
            organisation=organisation,
            email="successor@ngo.example.org",
            by=organisation.focal_points.get().user,
            hand_over=True,
        )

    [message] = mailoutbox
    assert "take over as focal point of Fundación Ñandú" in message.body
    assert "they will no longer manage the organisation" in message.body


def test_invitation_create_for_current_focal_point_refused(commit, mailoutbox):
    organisation = organisation_with_focal_points(2)
    inviter, other = (fp.user for fp in organisation.focal_points.order_by("pk"))

    with commit(), pytest.raises(ValidationError) as excinfo:
        services.invitation_create(organisation=organisation, email=other.email.upper(), by=inviter)

    assert list(excinfo.value.message_dict) == ["email"]
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_invitation_accept_adds_focal_point(db):
    organisation = organisation_with_focal_points(1)
    inviter = organisation.focal_points.get().user
    invitee = UserFactory()
    invitation = InvitationFactory(organisation=organisation, email=invitee.email, invited_by=inviter)

    focal_point = services.invitation_accept(invitation=invitation, user=invitee)

    assert (focal_point.organisation, focal_point.user) == (organisation, invitee)
    assert set(organisation.focal_points.values_list("user", flat=True)) == {inviter.pk, invitee.pk}
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_invitation_accept_hand_over_inviter_leaves(db):
    organisation = organisation_with_focal_points(2)
    inviter, stays = (fp.user for fp in organisation.focal_points.order_by("pk"))
    successor = UserFactory()
    invitation = InvitationFactory(
        organisation=organisation, email=successor.email, invited_by=inviter, hand_over=True
    )

    services.invitation_accept(invitation=invitation, user=successor)

    assert set(organisation.focal_points.values_list("user", flat=True)) == {stays.pk, successor.pk}


def test_invitation_accept_hand_over_by_only_focal_point_leaves_successor(db):
    organisation = organisation_with_focal_points(1)
    inviter = organisation.focal_points.get().user
    successor = UserFactory()
    invitation = InvitationFactory(
        organisation=organisation, email=successor.email, invited_by=inviter, hand_over=True
    )

    services.invitation_accept(invitation=invitation, user=successor)

    assert list(organisation.focal_points.values_list("user", flat=True)) == [successor.pk]


def test_invitation_accept_twice_refused(db):
    organisation = organisation_with_focal_points(1)
    invitee, someone_else = UserFactory(), UserFactory()
    invitation = InvitationFactory(organisation=organisation, email=invitee.email)
    services.invitation_accept(invitation=invitation, user=invitee)
    invitation.refresh_from_db()
    accepted_at = invitation.accepted_at

    with pytest.raises(ValidationError) as excinfo:
        services.invitation_accept(invitation=invitation, user=someone_else)

    assert "already been accepted" in excinfo.value.messages[0]
    assert not organisation.focal_points.filter(user=someone_else).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at == accepted_at


def test_focal_point_leave_last_refused(db):
    organisation = organisation_with_focal_points(1)
    only = organisation.focal_points.get().user

    with pytest.raises(ValidationError) as excinfo:
        services.focal_point_leave(organisation=organisation, user=only)

    assert "only focal point" in excinfo.value.messages[0]
    assert list(organisation.focal_points.values_list("user", flat=True)) == [only.pk]


def test_focal_point_leave_with_two_allowed(db):
    organisation = organisation_with_focal_points(2)
    leaving, staying = (fp.user for fp in organisation.focal_points.order_by("pk"))

    services.focal_point_leave(organisation=organisation, user=leaving)

    assert list(organisation.focal_points.values_list("user", flat=True)) == [staying.pk]


def test_focal_point_leave_by_someone_else_refused(db):
    organisation = organisation_with_focal_points(2)

    with pytest.raises(ValidationError):
        services.focal_point_leave(organisation=organisation, user=UserFactory())

    assert organisation.focal_points.count() == 2


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_focal_point_leave_both_at_once_one_stays():
    organisation = organisation_with_focal_points(2)
    first, second = (fp.user for fp in organisation.focal_points.order_by("pk"))

    results = run_at_once(
        lambda: services.focal_point_leave(organisation=organisation, user=first),
        lambda: services.focal_point_leave(organisation=organisation, user=second),
    )

    assert sum(isinstance(result, ValidationError) for result in results) == 1
    assert organisation.focal_points.count() == 1


def test_accreditation_circulate_onto_a_list_too_late_refused(secretariat):
    """A request added after the list went out still gets the whole period for objections."""
    circulation_list = CirculationListFactory(
        circulated_on=datetime.date(2030, 1, 10), deadline=datetime.date(2030, 2, 10)
    )
    accreditation = AccreditationFactory(state="submitted")
    with pytest.raises(ValidationError) as excinfo:
        services.accreditation_circulate(
            accreditation=accreditation,
            circulation_list=circulation_list,
            by=secretariat,
            today=datetime.date(2030, 1, 20),
        )
    assert "less than 30 days to object" in excinfo.value.message_dict["circulation_list"][0]
    accreditation.refresh_from_db()
    assert accreditation.state == "submitted"


def test_objection_record_before_circulation_refused(secretariat):
    accreditation = AccreditationFactory(state="circulated")
    too_early = accreditation.circulation_list.circulated_on - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        services.objection_record(
            by=secretariat, state_party="FR", made_on=too_early, accreditation=accreditation
        )
    assert "cannot be earlier" in excinfo.value.message_dict["made_on"][0]
    accreditation.refresh_from_db()
    assert accreditation.state == "circulated"
