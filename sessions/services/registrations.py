"""Applications to take part in a dialogue, and the Extended Bureau's decisions on them."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dialogue_portal import dates
from dialogue_portal.links import absolute_reverse
from dialogue_portal.mail import language_of, later, send_templated
from dialogue_portal.transitions import record, transition
from stakeholders import selectors as stakeholder_selectors
from stakeholders.models import Organisation, Representative

from ..models import Dialogue, Registration
from ..permissions import approve_refusal
from ._common import check_recorded_time, lock_dialogue, lock_dialogues, quiet_for_held

State = Registration.State

REGISTRATION_NEXT_STATES = {
    State.APPLIED: frozenset({State.APPROVED, State.DECLINED, State.WITHDRAWN}),
    State.APPROVED: frozenset({State.WITHDRAWN}),
    State.DECLINED: frozenset(),
    State.WITHDRAWN: frozenset(),
}


def _manage_url(organisation: Organisation) -> str:
    return absolute_reverse("stakeholders:manage", args=[organisation.pk])


# An application received by e-mail is recorded later: the dialogue may have closed or
# been held since; it still had to arrive by the deadline.
RECORDED_DIALOGUE_STATES = (Dialogue.State.OPEN, Dialogue.State.CLOSED, Dialogue.State.HELD)


def registration_refusal(
    *, organisation: Organisation, dialogue: Dialogue, now=None, recorded: bool = False
) -> str | None:
    """Why ``organisation`` cannot apply for ``dialogue`` now, or None when it can.

    ``recorded``: the secretariat records an application that arrived at ``now`` (by
    e-mail), after the fact: judged at that time, and in any state the dialogue had since.
    """
    now = now or timezone.now()
    bar = stakeholder_selectors.participation_bar(organisation=organisation, dialogue=dialogue)
    if bar == stakeholder_selectors.NOT_ADMITTED:
        return _("Only organisations admitted as observers can apply; %(organisation)s is not admitted.") % {
            "organisation": organisation.name
        }
    if bar == stakeholder_selectors.OBJECTED_TO:
        return _("A State party objected to the participation of %(organisation)s in this dialogue.") % {
            "organisation": organisation.name
        }
    if now > dialogue.applications_deadline:
        return _("Applications closed on %(deadline)s.") % {
            "deadline": dates.with_zone(timezone.localtime(dialogue.applications_deadline, dialogue.zone))
        }
    if dialogue.state != Dialogue.State.OPEN and not (
        recorded and dialogue.state in RECORDED_DIALOGUE_STATES
    ):
        return _("Applications for this dialogue are not open (it is %(state)s).") % {
            "state": dialogue.get_state_display()
        }
    if Registration.objects.filter(
        organisation=organisation, dialogue=dialogue, state__in=[State.APPLIED, State.APPROVED]
    ).exists():
        return _("%(organisation)s has already applied for this dialogue.") % {
            "organisation": organisation.name
        }
    return None


def _applied_for(kwargs: dict) -> list[int]:
    kwargs["dialogues"] = list(kwargs["dialogues"])
    return [dialogue.pk for dialogue in kwargs["dialogues"]]


def _decided_on(kwargs: dict) -> list[int]:
    return [kwargs["registration"].dialogue_id]


@quiet_for_held(_applied_for)
@transaction.atomic
def registration_apply(
    *,
    organisation: Organisation,
    dialogues: Iterable[Dialogue],
    by: Any,
    representatives: Iterable[Representative],
    expertise: str,
    travel_support_requested: bool = False,
    may_be_named: bool = True,
    on_behalf: bool = False,
    received_at: datetime.datetime | None = None,
) -> list[Registration]:
    """Apply for one or several open dialogues with one form.

    All or nothing: a refusal for any dialogue applies for none. ``on_behalf``: the
    secretariat (``by``) records an application the organisation sent otherwise (by
    e-mail), ``received_at`` when it arrived: the deadline is judged at that time, and
    the application stands with that date.
    Side effects: one Registration in state ``applied`` per dialogue, with its
    representatives; one audit row each (naming the organisation when on its behalf,
    with when it was received); a receipt e-mailed to the focal points, except for
    dialogues already held (recorded after the fact: nobody is told).
    """
    if on_behalf or received_at is not None:
        check_recorded_time(received_at, field="received_at", by=by)
    dialogues = list(dialogues)
    representatives = list(representatives)
    if not dialogues:
        raise ValidationError({"dialogues": [_("Choose at least one dialogue.")]})
    if not representatives:
        raise ValidationError({"representatives": [_("Name at least one representative.")]})
    if any(rep.organisation_id != organisation.pk for rep in representatives):
        raise ValidationError({"representatives": [_("Representatives must be the organisation's own.")]})
    if not expertise.strip():
        raise ValidationError({"expertise": [_("Describe the organisation's expertise on the topic.")]})
    # Decided on the dialogues as stored: a close or cancellation either waits for this
    # application (and then tells it too) or comes first and refuses it.
    locked = lock_dialogues(dialogue.pk for dialogue in dialogues)
    dialogues = [locked[dialogue.pk] for dialogue in dialogues if dialogue.pk in locked]
    if not dialogues:
        raise ValidationError({"dialogues": [_("Choose at least one dialogue.")]})
    # A representative removed meanwhile cannot be named (their removal waits, or came first).
    present = set(
        Representative.objects.select_for_update(no_key=True)
        .filter(pk__in=[rep.pk for rep in representatives])
        .values_list("pk", flat=True)
    )
    removed = [rep.name for rep in representatives if rep.pk not in present]
    if removed:
        raise ValidationError(
            {
                "representatives": [
                    ngettext(
                        "%(names)s was removed from the organisation's representatives meanwhile.",
                        "%(names)s were removed from the organisation's representatives meanwhile.",
                        len(removed),
                    )
                    % {"names": ", ".join(removed)}
                ]
            }
        )
    refusals: dict[str, list[str]] = {}
    for dialogue in dialogues:
        refusal = registration_refusal(
            organisation=organisation, dialogue=dialogue, now=received_at, recorded=received_at is not None
        )
        if refusal:
            refusals.setdefault("dialogues", []).append(
                f"{date_format(dialogue.date, 'DATE_FORMAT')}, {dialogue.session.working_group}: {refusal}"
            )
        elif len(representatives) > dialogue.max_representatives:
            refusals.setdefault("representatives", []).append(
                _("At most %(count)d representatives per organisation for the dialogue of %(date)s.")
                % {"count": dialogue.max_representatives, "date": date_format(dialogue.date, "DATE_FORMAT")}
            )
    if refusals:
        raise ValidationError(refusals)

    registrations = []
    for dialogue in dialogues:
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    dialogue=dialogue,
                    organisation=organisation,
                    expertise=expertise.strip(),
                    travel_support_requested=travel_support_requested,
                    may_be_named=may_be_named,
                    applied_by=by,
                )
        except IntegrityError:  # the same application sent twice at once
            raise ValidationError(
                {
                    "dialogues": [
                        _("%(organisation)s has already applied for this dialogue.")
                        % {"organisation": organisation.name}
                    ]
                }
            ) from None
        if received_at is not None:
            # applied_at is stamped on insert; the application stands with the day it arrived.
            Registration.objects.filter(pk=registration.pk).update(applied_at=received_at)
            registration.applied_at = received_at
        registration.representatives.set(representatives)
        record(
            registration,
            by=by,
            from_state="",
            to_state=registration.state,
            on_behalf_of=organisation.name if on_behalf else "",
            occurred_at=received_at,
        )
        registrations.append(registration)
    send_templated(
        "sessions/email/registration_received",
        stakeholder_selectors.focal_point_emails(organisation),
        {
            "organisation": organisation.name,
            "dialogues": [later(str, dialogue) for dialogue in dialogues],
            "url": _manage_url(organisation),
        },
    )
    return registrations


def _check_decided_at(registration: Registration, decided_at, by) -> None:
    check_recorded_time(decided_at, field="decided_at", by=by)
    if decided_at is not None and decided_at < registration.applied_at:
        raise ValidationError(
            {
                "decided_at": [
                    _("The decision cannot come before the application (received %(date)s).")
                    % {
                        "date": date_format(
                            timezone.localtime(registration.applied_at, registration.dialogue.zone),
                            "DATETIME_FORMAT",
                        )
                    }
                ]
            }
        )


@quiet_for_held(_decided_on)
@transaction.atomic
def registration_approve(
    *,
    registration: Registration,
    by: Any,
    travel_support_granted: bool = False,
    decided_at: datetime.datetime | None = None,
) -> Registration:
    """Record the Extended Bureau's approval.

    ``decided_at``: the decision is recorded after the fact, with the date it was taken
    (by the secretariat only; then also for a dialogue already held).
    Side effects: state ``approved``, one audit row; each representative named in the
    application receives the meeting link and the practical details (the only place the
    link is ever sent); the focal points are told of the decision. Nobody is e-mailed
    for a dialogue already held.
    """
    # The dialogue's state as stored, held until this decision is committed: a cancellation
    # waits and then e-mails these representatives too, or came first and refuses it.
    registration.dialogue = lock_dialogue(registration.dialogue_id)
    if decided_at is not None:
        _check_decided_at(registration, decided_at, by)
    # A decision recorded after the fact (decided_at) may be on a dialogue held since;
    # never on a cancelled one.
    recorded_on_held = decided_at is not None and registration.dialogue.state == Dialogue.State.HELD
    refusal = None if recorded_on_held else approve_refusal(registration)
    if refusal:
        raise ValidationError(refusal)
    if travel_support_granted and not registration.travel_support_requested:
        raise ValidationError(
            {"travel_support_granted": [_("The organisation did not ask for travel support.")]}
        )
    transition(
        registration,
        to=State.APPROVED,
        by=by,
        next_states=REGISTRATION_NEXT_STATES,
        changes={
            "decided_at": decided_at or timezone.now(),
            "travel_support_granted": travel_support_granted,
        },
        occurred_at=decided_at,
    )
    dialogue = registration.dialogue
    details = {
        "organisation": registration.organisation.name,
        "dialogue": later(str, dialogue),
        "date": later(dates.with_weekday, dialogue.starts_at),
        "times": f"{dialogue.starts_at:%H:%M}–{dialogue.ends_at:%H:%M}",
        "time_zone": dialogue.time_zone,
        "format": later(dialogue.get_format_display),
        "online": dialogue.format == Dialogue.Format.ONLINE,
        "venue": dialogue.venue,
        "room": dialogue.room,
        "url": absolute_reverse("dialogue_detail", args=[dialogue.pk]),
    }
    send_templated(
        "sessions/email/registration_approved_representative",
        registration.representatives.values_list("email", flat=True),
        {**details, "meeting_link": dialogue.meeting_link, "travel_support_granted": travel_support_granted},
        # Representatives have no account: they read what the focal point who named them reads.
        fallback_language=language_of(registration.applied_by),
    )
    send_templated(
        "sessions/email/registration_decided",
        stakeholder_selectors.focal_point_emails(registration.organisation),
        {**details, "approved": True, "url": _manage_url(registration.organisation)},
    )
    return registration


@quiet_for_held(_decided_on)
@transaction.atomic
def registration_decline(
    *, registration: Registration, by: Any, reason: str, decided_at: datetime.datetime | None = None
) -> Registration:
    """Record the Extended Bureau's decision to decline, with its reason.

    ``decided_at``: recorded after the fact, with the date the decision was taken.
    Side effects: state ``declined``, one audit row, the reason e-mailed to the focal
    points (to nobody for a dialogue already held).
    """
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for declining.")]})
    if decided_at is not None:
        _check_decided_at(registration, decided_at, by)
    transition(
        registration,
        to=State.DECLINED,
        by=by,
        next_states=REGISTRATION_NEXT_STATES,
        note=reason.strip(),
        changes={"decided_at": decided_at or timezone.now(), "decline_reason": reason.strip()},
        occurred_at=decided_at,
    )
    send_templated(
        "sessions/email/registration_decided",
        stakeholder_selectors.focal_point_emails(registration.organisation),
        {
            "organisation": registration.organisation.name,
            "dialogue": later(str, registration.dialogue),
            "approved": False,
            "reason": reason.strip(),
            "url": _manage_url(registration.organisation),
        },
    )
    return registration


@transaction.atomic
def registrations_decide(
    *,
    registrations: Iterable[Registration],
    to: str,
    by: Any,
    reason: str = "",
    travel_support_granted: bool = False,
) -> list[Registration]:
    """The Extended Bureau's one decision (``to``: approved or declined) on several applications.

    All or none: a refusal for one leaves the others, and their e-mails, undone. Among
    several, a refusal that names no field says which application it is about.
    Side effects: per application as registration_approve or registration_decline.
    """
    registrations = list(registrations)
    if to not in (State.APPROVED, State.DECLINED):
        raise ValidationError(_("The Extended Bureau approves or declines an application."))
    for registration in registrations:
        try:
            if to == State.APPROVED:
                registration_approve(
                    registration=registration, by=by, travel_support_granted=travel_support_granted
                )
            else:
                registration_decline(registration=registration, by=by, reason=reason)
        except ValidationError as error:
            if hasattr(error, "error_dict") or len(registrations) == 1:
                raise
            raise ValidationError(
                [f"{registration.organisation.name}: {message}" for message in error.messages]
            ) from error
    return registrations


@transaction.atomic
def registration_withdraw(*, registration: Registration, by: Any) -> Registration:
    """The organisation withdraws its application (before or after approval).

    Side effects: state ``withdrawn``, one audit row; its open requests for the floor withdrawn.
    """
    registration.dialogue = lock_dialogue(registration.dialogue_id)  # not marked held meanwhile
    if registration.dialogue.state == Dialogue.State.HELD:
        raise ValidationError(_("The dialogue has been held: its participation stands as recorded."))
    transition(registration, to=State.WITHDRAWN, by=by, next_states=REGISTRATION_NEXT_STATES)
    from .speakers import INTERVENTION_NEXT_STATES, Intervention, hold_speakers_lists

    open_requests = registration.interventions.filter(
        state__in=[Intervention.State.REQUESTED, Intervention.State.SCHEDULED]
    )
    # The lists are being reordered and called by the secretariat: wait for them, then withdraw.
    hold_speakers_lists(open_requests.values_list("agenda_item_id", flat=True))
    for intervention in open_requests.all():
        transition(
            intervention,
            to=Intervention.State.WITHDRAWN,
            by=by,
            next_states=INTERVENTION_NEXT_STATES,
            note=_("The application was withdrawn."),
            changes={"position": None},
        )
    return registration
