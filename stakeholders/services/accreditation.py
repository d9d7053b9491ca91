"""The accreditation of organisations, from the request to the decision.

The accreditation follows the non-objection procedure: organisations in ECOSOC
consultative status are admitted on the secretariat's review; the others are circulated
to the States parties, and admitted when none objects by the deadline (silence is
consent), or by the Conference's decision when one does.
"""

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dialogue_portal import mail
from dialogue_portal.mail import later, send_templated
from dialogue_portal.roles import secretariat_emails
from dialogue_portal.transitions import TransitionNotAllowed, record, save_in_state, transition

from ..models import Accreditation, CirculationList, Objection, Organisation
from ..permissions import admit_refusal
from ..selectors import NOT_ADMITTED, focal_point_emails, participation_bar
from ._common import _url, is_before_today, past_moment
from .organisations import lock_organisation

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


# --- Accreditation --------------------------------------------------------------------


def _notify_organisation(accreditation: Accreditation) -> None:
    organisation = accreditation.organisation
    send_templated(
        "stakeholders/email/accreditation_state",
        focal_point_emails(organisation),
        {
            "organisation": organisation.name,
            "state": accreditation.state,
            "state_label": later(accreditation.get_state_display),
            "message": accreditation.message,
            "deadline": (
                later(date_format, accreditation.circulation_list.deadline, "DATE_FORMAT")
                if accreditation.circulation_list
                else ""
            ),
            "url": _url("stakeholders:manage", organisation.pk),
        },
    )


def _move(
    accreditation: Accreditation,
    *,
    to: str,
    by: Any,
    note: str = "",
    changes: dict | None = None,
    on_behalf: bool = False,
    occurred_at: datetime.datetime | None = None,
) -> Accreditation:
    transition(
        accreditation,
        to=to,
        by=by,
        next_states=NEXT_STATES,
        note=note,
        changes=changes,
        on_behalf_of=accreditation.organisation.name if on_behalf else "",
        occurred_at=occurred_at,
    )
    if is_before_today(occurred_at):
        # Recorded after the fact: the organisation was told at the time, by the secretariat.
        with mail.withheld():
            _notify_organisation(accreditation)
    else:
        _notify_organisation(accreditation)
    return accreditation


def _decided(
    accreditation: Accreditation, value: datetime.date | datetime.datetime | None, *, field: str
) -> datetime.datetime | None:
    """When a move recorded after the fact happened (None: now); never in the future, nor
    before the request was received."""
    moment = past_moment(value, field=field)
    if moment is not None and timezone.localdate(moment) < timezone.localdate(accreditation.submitted_at):
        raise ValidationError(
            {
                field: [
                    _("The request was received on %(day)s: this cannot have happened earlier.")
                    % {"day": date_format(timezone.localdate(accreditation.submitted_at), "DATE_FORMAT")}
                ]
            }
        )
    return moment


@transaction.atomic
def accreditation_request(
    *,
    organisation: Organisation,
    by: Any,
    on_behalf: bool = False,
    received_at: datetime.date | datetime.datetime | None = None,
) -> Accreditation:
    """Request the organisation's accreditation.

    With ``on_behalf`` the secretariat (``by``) records a request the organisation sent it
    (by e-mail, say), received at ``received_at`` (a date or a moment, never in the
    future; by default now), which becomes the request's submission time.
    Side effects: one Accreditation in state ``submitted``, one audit row (with
    ``on_behalf``, naming the organisation and when the request was received); e-mail to
    the secretariat (a request arrived; not when the secretariat records it itself) and a
    receipt to the focal points (none while the organisation has none).
    """
    if received_at is not None and not on_behalf:
        raise ValueError("received_at is for a request the secretariat records on the organisation's behalf")
    received = past_moment(received_at, field="received_at")
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
    if received is not None:
        # auto_now_add set the time of the INSERT; the request was submitted when it arrived.
        accreditation.submitted_at = received
        save_in_state(accreditation, fields=["submitted_at"], states=[State.SUBMITTED])
    record(
        accreditation,
        by=by,
        from_state="",
        to_state=accreditation.state,
        on_behalf_of=organisation.name if on_behalf else "",
        occurred_at=received,
    )
    if not on_behalf:
        send_templated(
            "stakeholders/email/accreditation_received",
            secretariat_emails(),
            {
                "organisation": organisation.name,
                "category": later(organisation.get_category_display),
                "country": later(lambda: organisation.country.name),
                "ecosoc_status": later(organisation.get_ecosoc_status_display),
                "url": _url("stakeholders:staff_queue"),
            },
        )
    # The request is alive from now on: a focal point, if there is one, gets the receipt.
    _notify_organisation(accreditation)
    return accreditation


@transaction.atomic
def accreditation_resubmit(
    *,
    accreditation: Accreditation,
    by: Any,
    on_behalf: bool = False,
    received_at: datetime.date | datetime.datetime | None = None,
) -> Accreditation:
    """Send a returned request back after correcting the organisation's details.

    With ``on_behalf`` the secretariat (``by``) records a corrected request the
    organisation sent it, received at ``received_at`` (by default now).
    Side effects: state ``submitted``, one audit row, e-mail to the focal points and (unless
    the secretariat records it itself) the secretariat.
    """
    received = _decided(accreditation, received_at, field="received_at") if on_behalf else None
    _move(
        accreditation,
        to=State.SUBMITTED,
        by=by,
        note=_("Corrected and resubmitted."),
        changes={"message": ""},
        on_behalf=on_behalf,
        occurred_at=received,
    )
    if on_behalf:
        return accreditation
    send_templated(
        "stakeholders/email/accreditation_received",
        secretariat_emails(),
        {
            "organisation": accreditation.organisation.name,
            "category": later(accreditation.organisation.get_category_display),
            "country": later(lambda: accreditation.organisation.country.name),
            "ecosoc_status": later(accreditation.organisation.get_ecosoc_status_display),
            "resubmitted": True,
            "url": _url("stakeholders:staff_queue"),
        },
    )
    return accreditation


@transaction.atomic
def accreditation_admit(
    *,
    accreditation: Accreditation,
    by: Any,
    note: str = "",
    today: datetime.date | None = None,
    decided_at: datetime.date | datetime.datetime | None = None,
) -> Accreditation:
    """Admit the organisation as an observer.

    From ``submitted``: only an organisation in ECOSOC consultative status (the others
    are circulated). From ``circulated``: only once the deadline has passed with no
    objection. From ``objected``: the Conference's decision. ``decided_at`` records a
    decision taken earlier (never in the future): the rules apply as on that day.
    Side effects: state ``admitted``, one audit row, e-mail to the focal points (none for
    a decision of an earlier day).
    """
    decided = _decided(accreditation, decided_at, field="decided_at")
    if decided is not None and today is None:
        today = timezone.localdate(decided)
    # Decided on the details as stored, not as read: an edit of them waits, or is seen.
    accreditation.organisation = lock_organisation(accreditation.organisation_id)
    refusal = admit_refusal(accreditation, today=today)
    if refusal:
        raise ValidationError(refusal)
    return _move(
        accreditation,
        to=State.ADMITTED,
        by=by,
        note=note,
        changes={"decided_at": decided or timezone.now()},
        occurred_at=decided,
    )


def _required(text: str, field: str, message: str) -> str:
    if not text.strip():
        raise ValidationError({field: [message]})
    return text.strip()


@transaction.atomic
def accreditation_return(
    *,
    accreditation: Accreditation,
    by: Any,
    note: str,
    decided_at: datetime.date | datetime.datetime | None = None,
) -> Accreditation:
    """Return a request for correction, saying what to correct; ``decided_at`` records a
    return made earlier (never in the future).

    Side effects: state ``returned`` with the note shown to the organisation, one audit
    row, e-mail to the focal points (none for a return of an earlier day).
    """
    decided = _decided(accreditation, decided_at, field="decided_at")
    note = _required(note, "note", _("Say what the organisation should correct."))
    return _move(
        accreditation, to=State.RETURNED, by=by, note=note, changes={"message": note}, occurred_at=decided
    )


@transaction.atomic
def accreditation_reject(
    *,
    accreditation: Accreditation,
    by: Any,
    reason: str,
    decided_at: datetime.date | datetime.datetime | None = None,
) -> Accreditation:
    """Reject a request (the secretariat on review, or the Conference after an objection);
    ``decided_at`` records a rejection decided earlier (never in the future).

    Side effects: state ``rejected`` with the reason shown to the organisation, one
    audit row, e-mail to the focal points (none for a decision of an earlier day).
    """
    decided = _decided(accreditation, decided_at, field="decided_at")
    reason = _required(reason, "reason", _("Give the reason for the rejection."))
    return _move(
        accreditation,
        to=State.REJECTED,
        by=by,
        note=reason,
        changes={"message": reason, "decided_at": decided or timezone.now()},
        occurred_at=decided,
    )


@transaction.atomic
def accreditation_withdraw(
    *,
    accreditation: Accreditation,
    by: Any,
    on_behalf: bool = False,
    received_at: datetime.date | datetime.datetime | None = None,
) -> Accreditation:
    """The organisation withdraws its request, or its admission.

    With ``on_behalf`` the secretariat (``by``) records a withdrawal the organisation sent
    it, received at ``received_at`` (by default now).
    Side effects: state ``withdrawn``, one audit row, e-mail to the focal points (none for
    a withdrawal received on an earlier day).
    """
    received = _decided(accreditation, received_at, field="received_at") if on_behalf else None
    return _move(accreditation, to=State.WITHDRAWN, by=by, on_behalf=on_behalf, occurred_at=received)


@transaction.atomic
def accreditation_circulate(
    *,
    accreditation: Accreditation,
    circulation_list: CirculationList,
    by: Any,
    today: datetime.date | None = None,
    decided_at: datetime.date | datetime.datetime | None = None,
    _new_list: bool = False,
) -> Accreditation:
    """Put a submitted request on a circulation list to the States parties.

    A list whose deadline has passed takes no more requests, and one added after the
    list went out must still leave the States parties the whole period to object.
    ``decided_at`` records a circulation made earlier (never in the future): the rules
    apply as on that day.
    Side effects: state ``circulated``, one audit row, e-mail to the focal points with the
    deadline (none for a circulation of an earlier day).
    """
    decided = _decided(accreditation, decided_at, field="decided_at")
    if decided is not None and today is None:
        today = timezone.localdate(decided)
    # The States parties are sent the details as stored: an edit of them waits, or is seen.
    accreditation.organisation = lock_organisation(accreditation.organisation_id)
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
                            "deadline": date_format(circulation_list.deadline, "DATE_FORMAT"),
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
        occurred_at=decided,
    )


@transaction.atomic
def accreditations_circulate(
    *,
    accreditations: list[Accreditation],
    by: Any,
    circulation_list: CirculationList | None = None,
    reference: str = "",
    circulated_on: datetime.date | None = None,
    deadline: datetime.date | None = None,
) -> CirculationList:
    """Circulate requests on an open list, or on a new one made from ``reference`` and its dates.

    All or none: a refusal for one request leaves the others, and the new list, unmade.
    Among several, the refusal names the organisation it is about.
    Side effects: the new CirculationList row, if any; per request as accreditation_circulate.
    """
    if circulation_list is None:
        circulation_list = circulation_list_create(
            by=by, reference=reference.strip(), circulated_on=circulated_on, deadline=deadline
        )
    for accreditation in accreditations:
        try:
            accreditation_circulate(accreditation=accreditation, circulation_list=circulation_list, by=by)
        except ValidationError as error:
            if len(accreditations) == 1:
                raise
            raise ValidationError(
                [f"{accreditation.organisation}: {message}" for message in error.messages]
            ) from error
    return circulation_list


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
                        "earliest": date_format(earliest, "DATE_FORMAT"),
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
                        % {"day": date_format(accreditation.circulation_list.circulated_on, "DATE_FORMAT")}
                    ]
                }
            )
        if made_on > accreditation.circulation_list.deadline:
            raise ValidationError(
                {
                    "made_on": [
                        _("The deadline for objections was %(deadline)s.")
                        % {
                            "deadline": later(
                                date_format, accreditation.circulation_list.deadline, "DATE_FORMAT"
                            )
                        }
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
    if participation_bar(organisation=organisation) == NOT_ADMITTED:
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
        focal_point_emails(organisation),
        {
            "organisation": organisation.name,
            "dialogue": later(str, dialogue),
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
