"""Organisations and the people who act for them: registration and its duplicate checks,
focal points, join requests, invitations, representatives."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dialogue_portal.mail import send_templated
from dialogue_portal.roles import secretariat_emails
from dialogue_portal.transitions import record, transition

from ..matching import fold_name, registered_domain
from ..models import Accreditation, FocalPoint, Invitation, JoinRequest, Organisation, Representative
from ..selectors import focal_point_emails
from ._common import _url

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


def _set_keys(organisation: Organisation) -> None:
    organisation.name_key = fold_name(organisation.name)
    organisation.website_domain = registered_domain(organisation.website)


def _check_duplicate(organisation: Organisation) -> None:
    duplicate = find_duplicate(name=organisation.name, website=organisation.website, exclude=organisation)
    if duplicate:
        raise duplicate


def _create(organisation: Organisation) -> None:
    _set_keys(organisation)
    _check_duplicate(organisation)
    organisation.full_clean(exclude=["name_key", "website_domain"])
    _write(organisation)


def _write(organisation: Organisation, *, update_fields: list[str] | None = None) -> None:
    try:
        with transaction.atomic():
            organisation.save(update_fields=update_fields)
    except IntegrityError:
        # Registered by someone else between the check and the save: refuse the same way.
        duplicate = find_duplicate(name=organisation.name, website=organisation.website, exclude=organisation)
        if duplicate:
            raise duplicate from None
        raise


# The audit row of a registration by the secretariat: an organisation has no lifecycle, and
# this row is what says who registered it, for whom.
REGISTERED = "registered"


@transaction.atomic
def organisation_register(*, user: Any, on_behalf: bool = False, **fields: Any) -> Organisation:
    """Register an organisation; the user becomes its focal point.

    With ``on_behalf`` the user is the secretariat, registering an organisation that wrote
    to it (by e-mail, say): the organisation has no focal point until one accepts an
    invitation (:func:`invitation_create`).
    Side effects: one Organisation row; one FocalPoint row, or with ``on_behalf`` one audit
    row naming the staff member and the organisation. Raises DuplicateOrganisation when
    the name or the website's registered domain matches one already registered.
    """
    organisation = Organisation(**fields)
    _create(organisation)
    if on_behalf:
        record(
            organisation,
            by=user,
            from_state="",
            to_state=REGISTERED,
            note=_("Registered by the secretariat."),
            on_behalf_of=organisation.name,
        )
    else:
        FocalPoint.objects.create(organisation=organisation, user=user)
    return organisation


# The organisation's details that a focal point edits (the rest is derived or fixed).
DETAILS = (
    "name",
    "acronym",
    "category",
    "country",
    "ecosoc_status",
    "website",
    "postal_address",
    "description",
)
# What the circulation list sends the States parties about each request: while they (or,
# after an objection, the Conference) consider it, these stay as they were sent, so that
# the organisation admitted is the one they were asked about.
CIRCULATED_DETAILS = ("name", "acronym", "category", "country", "ecosoc_status", "website")
UNDER_CONSIDERATION = (Accreditation.State.CIRCULATED, Accreditation.State.OBJECTED)


def lock_organisation(pk: int) -> Organisation:
    """The organisation's row, locked until the transaction ends, as it is stored now.

    An edit of the details holds this lock, and so does every accreditation move that
    depends on them (circulation, admission on review): each sees the other's result, and
    never a version the other is about to change.
    """
    return Organisation.objects.select_for_update(no_key=True).get(pk=pk)


def circulated_details_refusal(*, stored: Organisation, changes: Mapping[str, Any]) -> ValidationError | None:
    """The refusal to give when ``changes`` (new values by field) alter what the States
    parties are considering about the organisation ``stored``; None when they may be saved."""
    changed = [
        name for name in CIRCULATED_DETAILS if name in changes and changes[name] != getattr(stored, name)
    ]
    if not changed:
        return None
    accreditation = (
        Accreditation.objects.filter(organisation_id=stored.pk, state__in=UNDER_CONSIDERATION)
        .select_related("circulation_list")
        .first()
    )
    if accreditation is None:
        return None
    field_message = _("This stays as it was circulated to the States parties until the request is decided.")
    errors = {name: [field_message] for name in changed}
    errors[NON_FIELD_ERRORS] = [
        _(
            "The request for accreditation is before the States parties (list %(reference)s): the "
            "details they were sent cannot change until it is decided. The postal address and the "
            "description can. If a detail they were sent is wrong, write to the secretariat."
        )
        % {"reference": accreditation.circulation_list.reference}
    ]
    return ValidationError(errors, code="circulated")


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, by: Any, fields: Iterable[str] | None = None
) -> Organisation:
    """Save changed details of an organisation (same duplicate rules as registration).

    Writes only ``fields`` (by default every detail). While its request for accreditation
    is circulated or objected to, the details on the circulation list cannot change.
    Side effects: one UPDATE of those columns of the organisation's row (and of the keys
    derived from the name and the website); a new organisation (the admin's) is one INSERT.
    """
    if organisation.pk is None:
        _create(organisation)
        return organisation
    fields = [name for name in (DETAILS if fields is None else fields) if name in DETAILS]
    try:
        stored = lock_organisation(organisation.pk)
    except Organisation.DoesNotExist:
        raise ValidationError(_("This organisation no longer exists."), code="gone") from None
    # What the user did not change stays as stored now, not as it was when the form was read.
    for name in DETAILS:
        if name not in fields:
            setattr(organisation, name, getattr(stored, name))
    refusal = circulated_details_refusal(
        stored=stored, changes={name: getattr(organisation, name) for name in fields}
    )
    if refusal:
        raise refusal
    _set_keys(organisation)
    _check_duplicate(organisation)
    organisation.full_clean(exclude=["name_key", "website_domain"])
    derived = [
        key for key, source in (("name_key", "name"), ("website_domain", "website")) if source in fields
    ]
    if fields:
        _write(organisation, update_fields=[*fields, *derived])
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
        focal_point_emails(organisation),
        {**context, "url": _url("stakeholders:manage", organisation.pk)},
    )
    send_templated(
        "stakeholders/email/join_request_received",
        secretariat_emails(),
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
            "url": _url("stakeholders:manage", join_request.organisation_id) if approve else _url("home"),
        },
    )
    return join_request


@transaction.atomic
def invitation_create(
    *, organisation: Organisation, email: str, by: Any, hand_over: bool = False, on_behalf: bool = False
) -> Invitation:
    """Invite a person, by e-mail, to manage the organisation too (or instead, with ``hand_over``).

    With ``on_behalf`` the secretariat (``by``) invites the focal point of an organisation it
    registered or looks after: the e-mail says so, and nobody is handed over (the staff
    member is no focal point).
    Side effects: one Invitation row (replacing an open one to the same address); e-mail
    to the invitee with the link to accept.
    """
    if organisation.focal_points.filter(user__email__iexact=email).exists():
        raise ValidationError({"email": [_("This person is already a focal point of the organisation.")]})
    hand_over = hand_over and not on_behalf
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
            "by_secretariat": on_behalf,
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


# What a representative's form may change; the admin may also move one to another organisation.
REPRESENTATIVE_FIELDS = ("organisation", "name", "title", "email", "gender")


def _representative_gone() -> ValidationError:
    return ValidationError(
        _(
            "This representative was removed meanwhile. Add them again if they still represent "
            "the organisation."
        ),
        code="gone",
    )


@transaction.atomic
def representative_save(
    *, representative: Representative, by: Any, fields: Iterable[str] | None = None
) -> Representative:
    """Add a representative of the organisation, or change one's details.

    Writes only ``fields`` (by default every one) of an existing representative, and
    never brings back one removed meanwhile (a plain save would insert it again).
    Side effects: one row inserted, or one UPDATE of those columns.
    """
    representative.full_clean()
    if representative.pk is not None:
        fields = [
            name
            for name in (REPRESENTATIVE_FIELDS if fields is None else fields)
            if name in REPRESENTATIVE_FIELDS
        ]
        if not Representative.objects.select_for_update(no_key=True).filter(pk=representative.pk).exists():
            raise _representative_gone()
        if not fields:
            return representative
    try:
        with transaction.atomic():
            representative.save(update_fields=None if representative.pk is None else fields)
    except IntegrityError:  # the same person added by someone else at the same moment
        raise ValidationError(
            {"email": [_("This person is already a representative of the organisation.")]}
        ) from None
    return representative


@transaction.atomic
def representative_remove(*, representative: Representative, by: Any) -> None:
    """Remove a representative; they also leave the organisation's applications.

    Refused for one who attended a dialogue or asked for the floor: that record names them.
    Side effects: one row deleted, with its places in the applications.
    """
    # Locked: an attendance or a request for the floor recorded meanwhile is seen below.
    locked = Representative.objects.select_for_update().filter(pk=representative.pk).first()
    if locked is None:
        return  # removed by someone else meanwhile: what was asked is done
    if locked.attendances.exists() or locked.interventions.exists():
        raise ValidationError(
            _(
                "%(name)s attended a dialogue or asked for the floor, and that record names them: "
                "they stay on the organisation's list."
            )
            % {"name": locked.name},
            code="protected",
        )
    locked.delete()
