"""What the secretariat records after the fact: sessions and dialogues already held, their
Chairs, and the applications and attendance that arrived by e-mail or on a sign-in sheet.

A dialogue already held was told to nobody at the time: nothing here sends an e-mail
(the registration services withhold theirs for a held dialogue). The rules of a live
dialogue stand: scheduling refuses a past date, a focal point cannot apply after the
deadline; only these services, for the secretariat, enter the past.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dialogue_portal import locks, mail
from dialogue_portal.transitions import record, transition
from stakeholders.models import Organisation, Representative
from stakeholders.services import representative_save

from ..models import Dialogue, DialogueChair, Registration, WorkingGroup, WorkingGroupSession
from ._common import check_recorded_time, lock_dialogue
from .attendance import attendance_update
from .calendar import _check_room_free, dialogue_check_schedule
from .registrations import registration_apply, registration_approve, registration_decline

State = Dialogue.State

# After the fact a dialogue goes straight to held from any state before it: it was
# never opened on the portal, and opening it now would invite applications.
RECORDED_NEXT_STATES = {
    State.SCHEDULED: frozenset({State.HELD}),
    State.OPEN: frozenset({State.HELD}),
    State.CLOSED: frozenset({State.HELD}),
    State.HELD: frozenset(),
    State.CANCELLED: frozenset(),
}


def _not_to_come(dialogue: Dialogue) -> None:
    if dialogue.date and dialogue.date > timezone.localdate(timezone=dialogue.zone):
        raise ValidationError(
            {"date": [_("A dialogue is recorded as held on its date or later: this one is still to come.")]}
        )


@transaction.atomic
def working_group_session_create(
    *,
    by: Any,
    working_group: WorkingGroup,
    number: int,
    first_day: datetime.date,
    last_day: datetime.date,
    venue: str = "Vienna International Centre",
) -> WorkingGroupSession:
    """Add a session of a working group, past or to come (a session has no lifecycle).

    Side effects: one WorkingGroupSession row.
    """
    session = WorkingGroupSession(
        working_group=working_group, number=number, first_day=first_day, last_day=last_day, venue=venue
    )
    if first_day and last_day and last_day < first_day:
        raise ValidationError({"last_day": [_("The last day cannot come before the first.")]})
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def dialogue_record_held(*, by: Any, note: str = "", **fields: Any) -> Dialogue:
    """Record a dialogue that has already taken place, as it happened: directly ``held``,
    with its real (past) date and deadlines.

    The same schedule rules as any dialogue (after its session, deadlines before it
    starts, a free room), and its date today or earlier.
    Side effects: one INSERT in state ``held``; one audit row from nothing to ``held``,
    dated when the dialogue ended. No e-mail.
    """
    check_recorded_time(None, field="date", by=by)
    dialogue = Dialogue(**fields)
    dialogue.state = State.HELD
    dialogue_check_schedule(dialogue)
    _not_to_come(dialogue)
    locks.hold("calendar")
    _check_room_free(dialogue)
    dialogue.full_clean()
    dialogue.save()
    record(
        dialogue,
        by=by,
        from_state="",
        to_state=State.HELD,
        note=f"{_('Recorded after the fact, as held.')} {note}".strip(),
        occurred_at=min(dialogue.ends_at, timezone.now()),
    )
    return dialogue


@transaction.atomic
def dialogue_record_as_held(*, dialogue: Dialogue, by: Any, note: str = "") -> Dialogue:
    """Move a dialogue whose date has passed straight to ``held`` (from scheduled, open or
    closed), without opening it, postponing it or telling anyone.

    Side effects: state ``held``; one audit row dated when the dialogue ended. No e-mail.
    """
    check_recorded_time(None, field="date", by=by)
    stored = lock_dialogue(dialogue.pk)  # the date as a postponement may just have moved it
    _not_to_come(stored)
    with mail.withheld():
        transition(
            dialogue,
            to=State.HELD,
            by=by,
            next_states=RECORDED_NEXT_STATES,
            note=f"{_('Recorded after the fact, as held.')} {note}".strip(),
            occurred_at=min(stored.ends_at, timezone.now()),
        )
    return dialogue


# --- Chairs ---------------------------------------------------------------------------


@transaction.atomic
def dialogue_chair_add(
    *,
    dialogue: Dialogue,
    by: Any,
    honorific: str,
    name: str,
    title: str,
    country: str,
    role: str = "",
    user: Any = None,
) -> DialogueChair:
    """Add a Chair to a dialogue (a second one makes them Co-Chairs), after the others.

    Side effects: one DialogueChair row.
    """
    lock_dialogue(dialogue.pk)  # two Chairs added at once get two places
    last = DialogueChair.objects.filter(dialogue=dialogue).order_by("-order").values_list("order", flat=True)
    chair = DialogueChair(
        dialogue=dialogue,
        order=(last.first() or 0) + 1,
        honorific=honorific,
        name=name.strip(),
        title=title.strip(),
        country=country,
        role=role.strip(),
        user=user,
    )
    chair.full_clean()
    chair.save()
    return chair


@transaction.atomic
def dialogue_chair_remove(*, chair: DialogueChair, by: Any) -> None:
    """Remove a Chair entered by mistake.

    Side effects: one DialogueChair row deleted.
    """
    DialogueChair.objects.filter(pk=chair.pk).delete()


# --- Applications and attendance on an organisation's behalf --------------------------

APPROVE, DECLINE = "approve", "decline"


@transaction.atomic
def registration_record(
    *,
    dialogue: Dialogue,
    organisation: Organisation,
    by: Any,
    representatives: Iterable[Representative],
    expertise: str,
    received_at: datetime.datetime,
    travel_support_requested: bool = False,
    may_be_named: bool = True,
    decision: str = "",
    decided_at: datetime.datetime | None = None,
    travel_support_granted: bool = False,
    reason: str = "",
) -> Registration:
    """Record an application the organisation sent by e-mail, received at ``received_at``,
    and the Extended Bureau's decision on it when already taken (``decision``, decided at
    ``decided_at``): through the same services as the focal point's and the secretariat's.

    All or nothing. Side effects: those of :func:`registration_apply` (on the
    organisation's behalf) and of the decision's service; no e-mail for a dialogue
    already held.
    """
    if received_at is None:
        raise ValidationError({"received_at": [_("Give the date the application was received.")]})
    if decision and decided_at is None:
        raise ValidationError({"decided_at": [_("Give the date of the decision.")]})
    (registration,) = registration_apply(
        organisation=organisation,
        dialogues=[dialogue],
        by=by,
        representatives=representatives,
        expertise=expertise,
        travel_support_requested=travel_support_requested,
        may_be_named=may_be_named,
        on_behalf=True,
        received_at=received_at,
    )
    if decision == APPROVE:
        registration_approve(
            registration=registration,
            by=by,
            travel_support_granted=travel_support_granted,
            decided_at=decided_at,
        )
    elif decision == DECLINE:
        registration_decline(registration=registration, by=by, reason=reason, decided_at=decided_at)
    return registration


@dataclass(frozen=True)
class ImportedRow:
    """One row of a sign-in sheet, matched: the organisation, and the representative (or
    the details of one to add to its list), present on the day or not."""

    organisation: Organisation
    representative: Representative | None = None
    name: str = ""
    email: str = ""
    title: str = ""
    present: bool = True


@dataclass
class ImportResult:
    registrations_created: int = 0
    registrations_approved: int = 0
    representatives_created: int = 0
    present: int = 0
    organisations: set = field(default_factory=set)


@transaction.atomic
def participation_import(
    *,
    dialogue: Dialogue,
    by: Any,
    rows: Iterable[ImportedRow],
    received_at: datetime.datetime,
    decided_at: datetime.datetime,
    expertise: str = "",
    may_be_named: bool = False,
) -> ImportResult:
    """Import the participating organisations and the attendance of a dialogue already
    held, from its matched sign-in sheet: all rows or none.

    Each organisation listed takes part: its application is recorded on its behalf unless
    it has one (received at ``received_at``, at the latest at the deadline, since it was
    admitted), and approved unless it is (at ``decided_at``, at the earliest when it was
    received; named in the public list of participants only if ``may_be_named``, which a
    sign-in sheet does not tell); each representative marked present gets an attendance row.
    Side effects: the representatives added; those of :func:`registration_apply`,
    :func:`registration_approve` and :func:`attendance_update`; no e-mail.
    """
    check_recorded_time(received_at, field="received_at", by=by)
    check_recorded_time(decided_at, field="decided_at", by=by)
    stored = lock_dialogue(dialogue.pk)
    if stored.state != State.HELD:
        raise ValidationError(
            _("Mark the dialogue as held first: the import records what happened, and tells nobody.")
        )
    expertise = expertise.strip() or _("Recorded from the dialogue's list of participants.")
    result = ImportResult()
    by_organisation: dict[int, list[tuple[Representative, bool]]] = {}
    organisations: dict[int, Organisation] = {}
    with mail.withheld():
        for row in rows:
            representative = row.representative
            if representative is None:
                representative = representative_save(
                    representative=Representative(
                        organisation=row.organisation, name=row.name, email=row.email, title=row.title
                    ),
                    by=by,
                )
                result.representatives_created += 1
            organisations[row.organisation.pk] = row.organisation
            people = by_organisation.setdefault(row.organisation.pk, [])
            if representative.pk not in {person.pk for person, _present in people}:
                people.append((representative, row.present))
        live = {
            registration.organisation_id: registration
            for registration in Registration.objects.filter(
                dialogue=dialogue,
                organisation__in=list(organisations),
                state__in=[Registration.State.APPLIED, Registration.State.APPROVED],
            ).select_related("organisation")
        }
        for pk, people in by_organisation.items():
            organisation = organisations[pk]
            registration = live.get(pk)
            if registration is None:
                (registration,) = registration_apply(
                    organisation=organisation,
                    dialogues=[stored],
                    by=by,
                    representatives=[person for person, _present in people],
                    expertise=expertise,
                    may_be_named=may_be_named,
                    on_behalf=True,
                    received_at=min(received_at, stored.applications_deadline),
                )
                result.registrations_created += 1
            if registration.state == Registration.State.APPLIED:
                registration_approve(
                    registration=registration, by=by, decided_at=max(decided_at, registration.applied_at)
                )
                result.registrations_approved += 1
            result.organisations.add(pk)
        present = [person.pk for people in by_organisation.values() for person, here in people if here]
        attendance_update(dialogue=stored, by=by, marked=present, unmarked=[])
        result.present = len(present)
    return result


def recorded_time(day: datetime.date, dialogue: Dialogue, *, hour: int = 12) -> datetime.datetime:
    """A day typed on a recording form, as a time in the venue's zone (midday: the hour
    is rarely known, and midday stays the same day in every zone nearby)."""
    return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=dialogue.zone)
