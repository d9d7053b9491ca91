"""Organisations and the people who act for them: registration and its duplicate checks,
focal points, join requests, invitations, representatives."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dialogue_portal.mail import send_templated
from dialogue_portal.transitions import record, transition

from ..matching import fold_name, registered_domain
from ..models import FocalPoint, Invitation, JoinRequest, Organisation, Representative
from ._common import _focal_point_emails, _secretariat_emails, _url

JOIN_NEXT_STATES = {
    JoinRequest.State.PENDING: frozenset({JoinRequest.State.APPROVED, JoinRequest.State.DECLINED}),
    JoinRequest.State.APPROVED: frozenset(),
    JoinRequest.State.DECLINED: frozenset(),
}


# --- Organisations --------------------------------------------------------------------


class DuplicateOrganisation(ValidationError):
    """The organisation is already registered; ``existing`` is the one it matches."""

    def __init__(self, existing: Organisation, field: str):
        self.existing = existing
        message = (
            _("An organisation with this name is already registered: %(name)s.")
            if field == "name"
            else _("An organisation with this website is already registered: %(name)s.")
        ) % {"name": existing.name}
        super().__init__({field: [message]}, code="duplicate")


def find_duplicate(
    *, name: str, website: str, exclude: Organisation | None = None
) -> DuplicateOrganisation | None:
    """The refusal to give when ``name`` or ``website`` matches another organisation."""
    others = Organisation.objects.all()
    if exclude is not None and exclude.pk:
        others = others.exclude(pk=exclude.pk)
    same_name = others.filter(name_key=fold_name(name)).first()
    if same_name:
        return DuplicateOrganisation(same_name, "name")
    domain = registered_domain(website)
    same_site = others.filter(website_domain=domain).first() if domain else None
    if same_site:
        return DuplicateOrganisation(same_site, "website")
    return None


def _save_organisation(organisation: Organisation) -> None:
    organisation.name_key = fold_name(organisation.name)
    organisation.website_domain = registered_domain(organisation.website)
    duplicate = find_duplicate(name=organisation.name, website=organisation.website, exclude=organisation)
    if duplicate:
        raise duplicate
    organisation.full_clean(exclude=["name_key", "website_domain"])
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError:
        # Registered by someone else between the check and the save: refuse the same way.
        duplicate = find_duplicate(name=organisation.name, website=organisation.website, exclude=organisation)
        if duplicate:
            raise duplicate from None
        raise


@transaction.atomic
def organisation_register(*, user: Any, **fields: Any) -> Organisation:
    """Register an organisation; the user becomes its focal point.

    Side effects: one Organisation row, one FocalPoint row. Raises DuplicateOrganisation
    when the name or the website's registered domain matches one already registered.
    """
    organisation = Organisation(**fields)
    _save_organisation(organisation)
    FocalPoint.objects.create(organisation=organisation, user=user)
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, by: Any) -> Organisation:
    """Save changed details of an organisation (same duplicate rules as registration).

    Side effects: one UPDATE of the organisation's row.
    """
    _save_organisation(organisation)
    return organisation


# --- Focal points ---------------------------------------------------------------------


@transaction.atomic
def join_request_create(*, organisation: Organisation, user: Any, message: str = "") -> JoinRequest:
    """Ask to become a focal point of an existing organisation.

    Side effects: one JoinRequest (or the pending one returned again); e-mail to the
    organisation's focal points and to the secretariat, either of whom may approve.
    """
    if organisation.focal_points.filter(user=user).exists():
        raise ValidationError(_("You are already a focal point of this organisation."))
    pending = JoinRequest.objects.filter(
        organisation=organisation, user=user, state=JoinRequest.State.PENDING
    ).first()
    if pending:
        return pending
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(organisation=organisation, user=user, message=message)
    except IntegrityError:  # asked twice at the same moment: the other request stands
        return JoinRequest.objects.get(organisation=organisation, user=user, state=JoinRequest.State.PENDING)
    record(join_request, by=user, from_state="", to_state=join_request.state)
    context = {"organisation": organisation.name, "requester": user.email, "message": message}
    send_templated(
        "stakeholders/email/join_request_received",
        _focal_point_emails(organisation),
        {**context, "url": _url("stakeholders:manage", organisation.pk)},
    )
    send_templated(
        "stakeholders/email/join_request_received",
        _secretariat_emails(),
        {**context, "url": _url("admin:stakeholders_joinrequest_change", join_request.pk)},
    )
    return join_request


@transaction.atomic
def join_request_decide(*, join_request: JoinRequest, by: Any, approve: bool) -> JoinRequest:
    """Approve (the user becomes a focal point) or decline a join request.

    Side effects: state ``approved`` or ``declined``, one audit row; on approval one
    FocalPoint row; e-mail to the requester.
    """
    to = JoinRequest.State.APPROVED if approve else JoinRequest.State.DECLINED
    transition(join_request, to=to, by=by, next_states=JOIN_NEXT_STATES)
    if approve:
        FocalPoint.objects.get_or_create(organisation=join_request.organisation, user=join_request.user)
    send_templated(
        "stakeholders/email/join_request_decided",
        [join_request.user.email],
        {
            "organisation": join_request.organisation.name,
            "approved": approve,
            "url": _url("stakeholders:manage", join_request.organisation_id)
            if approve
            else settings.SITE_URL,
        },
    )
    return join_request


@transaction.atomic
def invitation_create(
    *, organisation: Organisation, email: str, by: Any, hand_over: bool = False
) -> Invitation:
    """Invite a person, by e-mail, to manage the organisation too (or instead, with ``hand_over``).

    Side effects: one Invitation row (replacing an open one to the same address); e-mail
    to the invitee with the link to accept.
    """
    if organisation.focal_points.filter(user__email__iexact=email).exists():
        raise ValidationError({"email": [_("This person is already a focal point of the organisation.")]})
    invitation = Invitation.objects.create(
        organisation=organisation, email=email, invited_by=by, hand_over=hand_over
    )
    send_templated(
        "stakeholders/email/invitation",
        [email],
        {
            "organisation": organisation.name,
            "inviter": by.email,
            "hand_over": hand_over,
            "url": _url("stakeholders:invitation_accept", invitation.token),
        },
    )
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: Any) -> FocalPoint:
    """The invitee, signed in with the invited address, becomes a focal point.

    Side effects: one FocalPoint row, the invitation marked accepted; with ``hand_over``
    the inviting focal point leaves the organisation.
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been accepted."))
    focal_point, _created = FocalPoint.objects.get_or_create(organisation=invitation.organisation, user=user)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    if invitation.hand_over and invitation.invited_by_id != user.pk:
        FocalPoint.objects.filter(organisation=invitation.organisation, user=invitation.invited_by).delete()
    return focal_point


@transaction.atomic
def focal_point_leave(*, organisation: Organisation, user: Any) -> None:
    """Stop being a focal point. Refused for the last one: an organisation always has one.

    Side effects: one FocalPoint row deleted; the open invitations they sent deleted.
    """
    # Lock the organisation so that two focal points leaving at once cannot both go.
    Organisation.objects.select_for_update().get(pk=organisation.pk)
    focal_points = FocalPoint.objects.filter(organisation=organisation)
    if not focal_points.filter(user=user).exists():
        raise ValidationError(_("You are not a focal point of this organisation."))
    if focal_points.count() == 1:
        raise ValidationError(
            _(
                "You are the organisation's only focal point: invite someone to take over "
                "(hand over) before you leave."
            )
        )
    focal_points.filter(user=user).delete()
    # A former focal point's open invitations would still let people in: they go too.
    Invitation.objects.filter(organisation=organisation, invited_by=user, accepted_at__isnull=True).delete()


# --- Representatives ------------------------------------------------------------------


def representative_save(*, representative: Representative, by: Any) -> Representative:
    """Add or change a representative of the organisation. Side effects: one row saved."""
    representative.full_clean()
    representative.save()
    return representative


def representative_remove(*, representative: Representative, by: Any) -> None:
    """Remove a representative. Side effects: one row deleted."""
    representative.delete()
