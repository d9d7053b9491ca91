"""Every change to organisations, their focal points and their accreditation.

The accreditation follows the non-objection procedure: organisations in ECOSOC
consultative status are admitted on the secretariat's review; the others are circulated
to the States parties, and admitted when none objects by the deadline (silence is
consent), or by the Conference's decision when one does.
"""

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dialogue_portal.mail import send_templated
from dialogue_portal.roles import SECRETARIAT_GROUP
from dialogue_portal.transitions import TransitionNotAllowed, record, transition

from .matching import fold_name, registered_domain
from .models import (
    Accreditation,
    CirculationList,
    EcosocStatus,
    FocalPoint,
    Invitation,
    JoinRequest,
    Objection,
    Organisation,
    Representative,
)

State = Accreditation.State

NEXT_STATES = {
    State.SUBMITTED: frozenset(
        {State.ADMITTED, State.RETURNED, State.REJECTED, State.CIRCULATED, State.WITHDRAWN}
    ),
    State.RETURNED: frozenset({State.SUBMITTED, State.WITHDRAWN}),
    State.CIRCULATED: frozenset({State.ADMITTED, State.OBJECTED}),
    State.OBJECTED: frozenset({State.ADMITTED, State.REJECTED}),
    State.ADMITTED: frozenset({State.WITHDRAWN}),
    State.REJECTED: frozenset(),
    State.WITHDRAWN: frozenset(),
}

JOIN_NEXT_STATES = {
    JoinRequest.State.PENDING: frozenset({JoinRequest.State.APPROVED, JoinRequest.State.DECLINED}),
    JoinRequest.State.APPROVED: frozenset(),
    JoinRequest.State.DECLINED: frozenset(),
}


# --- Recipients -----------------------------------------------------------------------


def _focal_point_emails(organisation: Organisation) -> list[str]:
    return list(organisation.focal_points.values_list("user__email", flat=True))


def _secretariat_emails() -> list[str]:
    return list(
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name=SECRETARIAT_GROUP)
        .values_list("email", flat=True)
    )


def _url(name: str, *args: Any) -> str:
    return settings.SITE_URL + reverse(name, args=args)


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


# --- Accreditation --------------------------------------------------------------------


def _notify_organisation(accreditation: Accreditation) -> None:
    organisation = accreditation.organisation
    send_templated(
        "stakeholders/email/accreditation_state",
        _focal_point_emails(organisation),
        {
            "organisation": organisation.name,
            "state": accreditation.state,
            "state_label": accreditation.get_state_display(),
            "message": accreditation.message,
            "deadline": (
                date_format(accreditation.circulation_list.deadline, "j F Y")
                if accreditation.circulation_list
                else ""
            ),
            "url": _url("stakeholders:manage", organisation.pk),
        },
    )


def _move(
    accreditation: Accreditation, *, to: str, by: Any, note: str = "", changes: dict | None = None
) -> Accreditation:
    transition(accreditation, to=to, by=by, next_states=NEXT_STATES, note=note, changes=changes)
    _notify_organisation(accreditation)
    return accreditation


@transaction.atomic
def accreditation_request(*, organisation: Organisation, by: Any) -> Accreditation:
    """Request the organisation's accreditation.

    Side effects: one Accreditation in state ``submitted``, one audit row; e-mail to the
    secretariat (a request arrived) and to the focal points (a receipt).
    """
    current = organisation.accreditations.current().first()
    if current:
        raise ValidationError(
            _("The organisation's accreditation is already %(state)s.")
            % {"state": current.get_state_display()}
        )
    try:
        with transaction.atomic():
            accreditation = Accreditation.objects.create(organisation=organisation)
    except IntegrityError:  # requested twice at the same moment
        raise ValidationError(_("The organisation's accreditation has already been requested.")) from None
    record(accreditation, by=by, from_state="", to_state=accreditation.state)
    send_templated(
        "stakeholders/email/accreditation_received",
        _secretariat_emails(),
        {
            "organisation": organisation.name,
            "category": organisation.get_category_display(),
            "country": organisation.country.name,
            "ecosoc_status": organisation.get_ecosoc_status_display(),
            "url": _url("stakeholders:staff_queue"),
        },
    )
    _notify_organisation(accreditation)
    return accreditation


@transaction.atomic
def accreditation_resubmit(*, accreditation: Accreditation, by: Any) -> Accreditation:
    """Send a returned request back after correcting the organisation's details.

    Side effects: state ``submitted``, one audit row, e-mail to the focal points and the secretariat.
    """
    _move(
        accreditation,
        to=State.SUBMITTED,
        by=by,
        note=_("Corrected and resubmitted."),
        changes={"message": ""},
    )
    send_templated(
        "stakeholders/email/accreditation_received",
        _secretariat_emails(),
        {
            "organisation": accreditation.organisation.name,
            "category": accreditation.organisation.get_category_display(),
            "country": accreditation.organisation.country.name,
            "ecosoc_status": accreditation.organisation.get_ecosoc_status_display(),
            "resubmitted": True,
            "url": _url("stakeholders:staff_queue"),
        },
    )
    return accreditation


@transaction.atomic
def accreditation_admit(
    *, accreditation: Accreditation, by: Any, note: str = "", today: datetime.date | None = None
) -> Accreditation:
    """Admit the organisation as an observer.

    From ``submitted``: only an organisation in ECOSOC consultative status (the others
    are circulated). From ``circulated``: only once the deadline has passed with no
    objection. From ``objected``: the Conference's decision.
    Side effects: state ``admitted``, one audit row, e-mail to the focal points.
    """
    organisation = accreditation.organisation
    if accreditation.state == State.SUBMITTED and organisation.ecosoc_status == EcosocStatus.NONE:
        raise ValidationError(
            _(
                "Only organisations in consultative status with ECOSOC are admitted on review; "
                "circulate this request to the States parties instead."
            )
        )
    if accreditation.state == State.CIRCULATED:
        today = today or timezone.localdate()
        if accreditation.circulation_list.deadline >= today:
            raise ValidationError(
                _("States parties may object until %(deadline)s.")
                % {"deadline": date_format(accreditation.circulation_list.deadline, "j F Y")}
            )
        if accreditation.objections.exists():
            raise ValidationError(_("A State party objected: the Conference decides."))
    return _move(accreditation, to=State.ADMITTED, by=by, note=note, changes={"decided_at": timezone.now()})


def _required(text: str, field: str, message: str) -> str:
    if not text.strip():
        raise ValidationError({field: [message]})
    return text.strip()


@transaction.atomic
def accreditation_return(*, accreditation: Accreditation, by: Any, note: str) -> Accreditation:
    """Return a request for correction, saying what to correct.

    Side effects: state ``returned`` with the note shown to the organisation, one audit
    row, e-mail to the focal points.
    """
    note = _required(note, "note", _("Say what the organisation should correct."))
    return _move(accreditation, to=State.RETURNED, by=by, note=note, changes={"message": note})


@transaction.atomic
def accreditation_reject(*, accreditation: Accreditation, by: Any, reason: str) -> Accreditation:
    """Reject a request (the secretariat on review, or the Conference after an objection).

    Side effects: state ``rejected`` with the reason shown to the organisation, one
    audit row, e-mail to the focal points.
    """
    reason = _required(reason, "reason", _("Give the reason for the rejection."))
    return _move(
        accreditation,
        to=State.REJECTED,
        by=by,
        note=reason,
        changes={"message": reason, "decided_at": timezone.now()},
    )


@transaction.atomic
def accreditation_withdraw(*, accreditation: Accreditation, by: Any) -> Accreditation:
    """The organisation withdraws its request, or its admission.

    Side effects: state ``withdrawn``, one audit row, e-mail to the focal points.
    """
    return _move(accreditation, to=State.WITHDRAWN, by=by)


@transaction.atomic
def accreditation_circulate(
    *,
    accreditation: Accreditation,
    circulation_list: CirculationList,
    by: Any,
    today: datetime.date | None = None,
    _new_list: bool = False,
) -> Accreditation:
    """Put a submitted request on a circulation list to the States parties.

    A list whose deadline has passed takes no more requests, and one added after the
    list went out must still leave the States parties the whole period to object.
    Side effects: state ``circulated``, one audit row, e-mail to the focal points with the deadline.
    """
    if not _new_list:
        today = today or timezone.localdate()
        earliest = max(today, circulation_list.circulated_on) + datetime.timedelta(
            days=settings.ACCREDITATION_OBJECTION_DAYS
        )
        if circulation_list.deadline < earliest:
            raise ValidationError(
                {
                    "circulation_list": [
                        _(
                            "The deadline of %(reference)s (%(deadline)s) leaves the States parties less "
                            "than %(days)d days to object: put the request on a new list."
                        )
                        % {
                            "reference": circulation_list.reference,
                            "deadline": date_format(circulation_list.deadline, "j F Y"),
                            "days": settings.ACCREDITATION_OBJECTION_DAYS,
                        }
                    ]
                }
            )
    return _move(
        accreditation,
        to=State.CIRCULATED,
        by=by,
        note=circulation_list.reference,
        changes={"circulation_list": circulation_list},
    )


@transaction.atomic
def circulation_list_create(
    *,
    by: Any,
    reference: str,
    circulated_on: datetime.date,
    deadline: datetime.date,
    accreditations: list[Accreditation] = (),
) -> CirculationList:
    """Open a circulation list with its deadline for objections, and circulate requests on it.

    The deadline is at least ``ACCREDITATION_OBJECTION_DAYS`` days after circulation.
    Side effects: one CirculationList row; each request moved as by accreditation_circulate.
    """
    earliest = circulated_on + datetime.timedelta(days=settings.ACCREDITATION_OBJECTION_DAYS)
    if deadline < earliest:
        raise ValidationError(
            {
                "deadline": [
                    _("States parties have at least %(days)d days to object: %(earliest)s or later.")
                    % {
                        "days": settings.ACCREDITATION_OBJECTION_DAYS,
                        "earliest": date_format(earliest, "j F Y"),
                    }
                ]
            }
        )
    circulation_list = CirculationList(
        reference=reference, circulated_on=circulated_on, deadline=deadline, created_by=by
    )
    circulation_list.full_clean()
    try:
        with transaction.atomic():
            circulation_list.save()
    except IntegrityError:  # the same reference, created by someone else at the same moment
        raise ValidationError(
            {"reference": [_("A circulation list with this reference already exists.")]}
        ) from None
    for accreditation in accreditations:
        accreditation_circulate(
            accreditation=accreditation, circulation_list=circulation_list, by=by, _new_list=True
        )
    return circulation_list


@transaction.atomic
def objection_record(
    *,
    by: Any,
    state_party: str,
    made_on: datetime.date,
    note: str = "",
    accreditation: Accreditation | None = None,
    organisation: Organisation | None = None,
    dialogue: Any = None,
) -> Objection:
    """Record a State party's objection: to a circulated request (which then awaits the
    Conference), or to an admitted organisation's taking part in one dialogue.

    Side effects: one Objection row; for a request, state ``objected`` and one audit
    row; e-mail to the focal points saying that an objection was made, never by whom.
    """
    if accreditation is not None:
        if accreditation.state != State.CIRCULATED:
            raise TransitionNotAllowed(
                _("Only a circulated request can be objected to; this one is %(state)s.")
                % {"state": accreditation.get_state_display()}
            )
        if made_on < accreditation.circulation_list.circulated_on:
            raise ValidationError(
                {
                    "made_on": [
                        _("The request was circulated on %(day)s: an objection cannot be earlier.")
                        % {"day": date_format(accreditation.circulation_list.circulated_on, "j F Y")}
                    ]
                }
            )
        if made_on > accreditation.circulation_list.deadline:
            raise ValidationError(
                {
                    "made_on": [
                        _("The deadline for objections was %(deadline)s.")
                        % {"deadline": date_format(accreditation.circulation_list.deadline, "j F Y")}
                    ]
                }
            )
        objection = Objection.objects.create(
            state_party=state_party, made_on=made_on, note=note, accreditation=accreditation, recorded_by=by
        )
        # The note may name the State party: the audit row, which the organisation sees, does not.
        _move(accreditation, to=State.OBJECTED, by=by, note=_("A State party objected."))
        return objection

    if organisation is None or dialogue is None:
        raise ValidationError(
            _("An objection is to a circulated request, or to an organisation in one dialogue.")
        )
    if not organisation.accreditations.filter(state=State.ADMITTED).exists():
        raise ValidationError(_("Only an admitted organisation can be objected to for a dialogue."))
    objection = Objection.objects.create(
        state_party=state_party,
        made_on=made_on,
        note=note,
        organisation=organisation,
        dialogue=dialogue,
        recorded_by=by,
    )
    send_templated(
        "stakeholders/email/dialogue_objection",
        _focal_point_emails(organisation),
        {
            "organisation": organisation.name,
            "dialogue": str(dialogue),
            "url": _url("stakeholders:manage", organisation.pk),
        },
    )
    return objection


def accreditations_admit_after_silence(*, today: datetime.date | None = None) -> int:
    """Admit every circulated request whose deadline has passed with no objection.

    Safe to run twice, or in two workers at once: the compare-and-set in the transition
    lets one of them move each request, and the other skips it.
    Side effects: per request admitted, state ``admitted``, one audit row, one e-mail.
    """
    today = today or timezone.localdate()
    due = (
        Accreditation.objects.filter(
            state=State.CIRCULATED, circulation_list__deadline__lt=today, objections__isnull=True
        )
        .select_related("organisation", "circulation_list")
        .order_by("pk")
    )
    admitted = 0
    for accreditation in due:
        try:
            accreditation_admit(
                accreditation=accreditation,
                by=None,
                note=_("No State party objected by the deadline."),
                today=today,
            )
        except ValidationError:
            continue  # moved meanwhile: objected, or admitted by another worker
        admitted += 1
    return admitted
