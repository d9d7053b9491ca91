"""Every change to the dialogue calendar goes through here.

The scheduling rules that follow a foreign key (a dialogue after its session, the
deadlines before the dialogue) cannot be database constraints, so they live in
:func:`dialogue_check_schedule`, which the admin's forms call too.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dialogue_portal import dates, locks
from dialogue_portal.links import absolute_reverse
from dialogue_portal.mail import later, send_templated
from dialogue_portal.transitions import record, save_in_state, transition
from stakeholders.models import Organisation
from stakeholders.selectors import focal_point_emails

from ..models import AgendaItem, Dialogue, Registration, validate_time_zone
from ..permissions import agenda_move_refusal, mark_held_refusal, open_refusal, postpone_refusal
from ._common import lock_dialogue

State = Dialogue.State

NEXT_STATES = {
    State.SCHEDULED: frozenset({State.OPEN, State.CANCELLED}),
    State.OPEN: frozenset({State.CLOSED, State.CANCELLED}),
    State.CLOSED: frozenset({State.HELD, State.CANCELLED}),
    State.HELD: frozenset(),
    State.CANCELLED: frozenset(),
}


def _is_time_zone(name: str) -> bool:
    try:
        validate_time_zone(name)
    except ValidationError:
        return False
    return True


def dialogue_check_schedule(dialogue: Dialogue) -> None:
    """Raise a ValidationError keyed by field for every scheduling rule the dialogue breaks."""
    errors: dict[str, list[str]] = {}
    session = dialogue.session if dialogue.session_id else None
    if dialogue.date and session and dialogue.date < session.last_day:
        errors.setdefault("date", []).append(
            _("A dialogue is held after its working-group session: on %(day)s or later.")
            % {"day": date_format(session.last_day, "DATE_FORMAT")}
        )
    if (
        dialogue.date
        and dialogue.pk is None
        and dialogue.state != State.HELD
        and _is_time_zone(dialogue.time_zone)
        and dialogue.date < timezone.localdate(timezone=dialogue.zone)
    ):
        # Scheduling a past date would open a dialogue nobody can apply to any more; one
        # already held is recorded as held (services.recording), which sends nothing.
        errors.setdefault("date", []).append(
            _("This date has passed: record a dialogue already held as held, rather than schedule it.")
        )
    if dialogue.start_time and dialogue.end_time and dialogue.end_time <= dialogue.start_time:
        errors.setdefault("end_time", []).append(_("The dialogue must end after it starts."))
    if dialogue.date and dialogue.start_time and _is_time_zone(dialogue.time_zone):
        starts_at = dialogue.starts_at
        for field in ("applications_deadline", "comments_deadline"):
            deadline = getattr(dialogue, field)
            if deadline and deadline > starts_at:
                errors.setdefault(field, []).append(
                    _("The deadline cannot be after the dialogue starts (%(start)s).")
                    % {"start": date_format(starts_at, "DATETIME_FORMAT")}
                )
    if errors:
        raise ValidationError(errors)


def _check_room_free(dialogue: Dialogue) -> None:
    """Refuse a dialogue in a room that another non-cancelled dialogue uses at an overlapping time."""
    if not (dialogue.room and dialogue.date and dialogue.start_time and dialogue.end_time):
        return
    if dialogue.format == Dialogue.Format.ONLINE:
        return
    same_room = (
        Dialogue.objects.not_cancelled()
        .filter(venue__iexact=dialogue.venue, room__iexact=dialogue.room)
        .exclude(pk=dialogue.pk)
        .exclude(format=Dialogue.Format.ONLINE)
        .select_related("session__working_group")
    )
    # Compared as instants: two venues' dialogues may be written in different time zones.
    candidates = same_room.filter(
        date__range=(dialogue.date - datetime.timedelta(days=1), dialogue.date + datetime.timedelta(days=1))
    )
    for other in candidates:
        if other.starts_at < dialogue.ends_at and dialogue.starts_at < other.ends_at:
            raise ValidationError(
                {
                    "room": [
                        _("%(room)s is taken from %(start)s to %(end)s by a dialogue of the %(group)s.")
                        % {
                            "room": dialogue.room,
                            "start": date_format(
                                other.starts_at.astimezone(dialogue.zone), "DATETIME_FORMAT"
                            ),
                            "end": date_format(other.ends_at.astimezone(dialogue.zone), "H:i"),
                            "group": other.session.working_group,
                        }
                    ]
                }
            )


def dialogue_schedule(*, by: Any, **fields: Any) -> Dialogue:
    """Schedule a new dialogue from its details; see :func:`dialogue_save`."""
    return dialogue_save(dialogue=Dialogue(**fields), by=by)


# The details an edit saves: never the state, which moves only through the transitions
# below, nor the calendar SEQUENCE, which only a postponement or a cancellation raises
# (nor the cancellation's reason, given with it).
DETAILS = tuple(
    f.name
    for f in Dialogue._meta.concrete_fields
    if f.name not in {"id", "state", "sequence", "cancellation_reason", "created_at", "updated_at"}
)
POSTPONED = ("date", "start_time", "end_time", "applications_deadline", "comments_deadline", "sequence")


@transaction.atomic
def dialogue_save(*, dialogue: Dialogue, by: Any, fields: Iterable[str] = DETAILS) -> Dialogue:
    """Save a new dialogue, or the changed details of one, after checking the rules.

    The state is never saved here: it moves only through the transitions below. An edit
    is saved only while the dialogue is as it was read: in the same state, and neither
    postponed nor cancelled since (its calendar SEQUENCE unchanged). Otherwise it is
    refused (code ``stale_state``) and changes nothing: it never undoes a move, nor the
    new date a postponement told every applicant.
    Side effects: a new dialogue is one INSERT in state ``scheduled`` and one audit
    row; an existing one is one UPDATE of ``fields`` (by default every detail).
    """
    if dialogue.pk is None:
        dialogue.state = State.SCHEDULED  # never born held: that is services.recording's
    dialogue_check_schedule(dialogue)
    # Two people booking the same room at once: the second waits here, then sees the first.
    locks.hold("calendar")
    if dialogue.pk is None:
        _check_room_free(dialogue)
        dialogue.full_clean()
        dialogue.save()
        record(dialogue, by=by, from_state="", to_state=dialogue.state, note=_("Scheduled."))
        return dialogue
    # A postponement or a cancellation raises the SEQUENCE: an edit read before it is stale.
    _write_details(dialogue, fields, where={"sequence": dialogue.sequence})
    return dialogue


def _write_details(dialogue: Dialogue, fields: Iterable[str], where: dict | None = None) -> None:
    """Write ``fields`` of a dialogue, if its room is free and it is still in the state it
    was read in (and still holds ``where``)."""
    _check_room_free(dialogue)
    dialogue.full_clean()
    save_in_state(dialogue, fields=fields, states=[dialogue.state], where=where)


@transaction.atomic
def dialogue_open(*, dialogue: Dialogue, by: Any, note: str = "") -> Dialogue:
    """Open a dialogue for applications and written comments, until their deadlines.

    Side effects: state ``open``; one audit row.
    """
    stored = lock_dialogue(dialogue.pk)  # the deadlines as a postponement may just have moved them
    refusal = open_refusal(stored)
    if refusal:
        raise ValidationError(refusal)
    transition(dialogue, to=State.OPEN, by=by, next_states=NEXT_STATES, note=note)
    return dialogue


def dialogue_close(*, dialogue: Dialogue, by: Any, note: str = "") -> Dialogue:
    """Close a dialogue: no more applications or written comments.

    Side effects: state ``closed``; one audit row.
    """
    transition(dialogue, to=State.CLOSED, by=by, next_states=NEXT_STATES, note=note)
    return dialogue


@transaction.atomic
def dialogue_mark_held(
    *, dialogue: Dialogue, by: Any, note: str = "", today: datetime.date | None = None
) -> Dialogue:
    """Record that the dialogue took place.

    Side effects: state ``held``; one audit row.
    """
    stored = lock_dialogue(dialogue.pk)  # the date as a postponement may just have moved it
    refusal = mark_held_refusal(stored, today=today)
    if refusal:
        raise ValidationError(refusal)
    transition(dialogue, to=State.HELD, by=by, next_states=NEXT_STATES, note=note)
    return dialogue


@transaction.atomic
def dialogue_cancel(*, dialogue: Dialogue, by: Any, reason: str) -> Dialogue:
    """Cancel a dialogue that has not been held, saying why. Later dialogues' ordinals move up by one.

    The reason is required: it goes in the e-mail and on the public page.
    Side effects: state ``cancelled`` with the reason and a higher calendar SEQUENCE; one
    audit row; e-mail to every applicant, with the reason.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": [_("Give the reason for the cancellation: the applicants read it.")]}
        )
    transition(
        dialogue,
        to=State.CANCELLED,
        by=by,
        next_states=NEXT_STATES,
        note=reason,
        # Raised from the stored value: a postponement just before is not undone.
        changes={"sequence": F("sequence") + 1, "cancellation_reason": reason},
    )
    dialogue.refresh_from_db(fields=["sequence"])
    _tell_applicants(dialogue, "sessions/email/dialogue_cancelled", {"reason": reason})
    return dialogue


@transaction.atomic
def dialogue_postpone(
    *,
    dialogue: Dialogue,
    by: Any,
    date: datetime.date,
    start_time: datetime.time,
    end_time: datetime.time,
    applications_deadline: datetime.datetime | None = None,
    comments_deadline: datetime.datetime | None = None,
    note: str = "",
) -> Dialogue:
    """Move a dialogue to a new date and times (and deadlines, when given).

    Side effects: the dialogue's date, times and deadlines, a higher calendar SEQUENCE;
    one audit row (the state stays); e-mail to every applicant with the new date.
    """
    # Worked on the row as stored, and held until the notice is queued: not held or
    # cancelled meanwhile, the SEQUENCE raised from the latest one, and the other details
    # (someone may have changed the room meanwhile) left as they are. The calendar first,
    # as every save takes it, then the row: in the other order a save would deadlock with it.
    locks.hold("calendar")
    stored = lock_dialogue(dialogue.pk)
    refusal = postpone_refusal(stored)
    if refusal:
        dialogue.state = stored.state
        raise ValidationError(refusal)
    if (date, start_time, end_time) == (stored.date, stored.start_time, stored.end_time):
        # Nothing would move but 46 e-mails saying it did.
        raise ValidationError(
            {
                "date": [
                    _("The dialogue is already on this date at these times: give a new date or new times.")
                ]
            }
        )
    before = stored.starts_at
    stored.date, stored.start_time, stored.end_time = date, start_time, end_time
    if applications_deadline is not None:
        stored.applications_deadline = applications_deadline
    if comments_deadline is not None:
        stored.comments_deadline = comments_deadline
    stored.sequence += 1
    dialogue_check_schedule(stored)
    _write_details(stored, POSTPONED)
    for name in (*DETAILS, "state", "sequence", "updated_at"):
        setattr(dialogue, name, getattr(stored, name))
    moved = _("Postponed from %(before)s to %(after)s.") % {
        "before": date_format(before, "DATETIME_FORMAT"),
        "after": date_format(dialogue.starts_at, "DATETIME_FORMAT"),
    }
    record(
        dialogue, by=by, from_state=dialogue.state, to_state=dialogue.state, note=f"{moved} {note}".strip()
    )
    _tell_applicants(
        dialogue,
        "sessions/email/dialogue_postponed",
        {
            "before": dates.with_weekday_and_time(before),
            "after": dates.with_weekday_and_time(dialogue.starts_at),
            "ends": date_format(dialogue.ends_at, "H:i"),
            "time_zone": dialogue.time_zone,
            "note": note,
        },
    )
    return dialogue


def _tell_applicants(dialogue: Dialogue, template: str, context: dict) -> None:
    """E-mail the focal points of every organisation that applied, and every approved representative."""

    live = Registration.objects.filter(
        dialogue=dialogue, state__in=[Registration.State.APPLIED, Registration.State.APPROVED]
    )
    focal_points = focal_point_emails(Organisation.objects.filter(pk__in=live.values("organisation")))
    representatives = live.filter(state=Registration.State.APPROVED).values_list(
        "representatives__email", flat=True
    )
    send_templated(
        template,
        [*focal_points, *representatives],
        {
            "dialogue": later(str, dialogue),
            "working_group": later(str, dialogue.session.working_group),
            "url": absolute_reverse("dialogue_detail", args=[dialogue.pk]),
            **context,
        },
    )


@transaction.atomic
def agenda_item_move(*, agenda_item: AgendaItem, by: Any, up: bool) -> AgendaItem:
    """Swap an agenda item with the one before (``up``) or after it; numbers stay 1, 2, 3 ….

    Refused once the dialogue is held or cancelled: its agenda is then the record.
    Side effects: two agenda items renumbered (none at either end of the agenda).
    """
    refusal = agenda_move_refusal(lock_dialogue(agenda_item.dialogue_id))
    if refusal:
        raise ValidationError(refusal)
    items = AgendaItem.objects.select_for_update().filter(dialogue=agenda_item.dialogue_id)
    neighbour = (
        items.filter(number__lt=agenda_item.number).order_by("-number").first()
        if up
        else items.filter(number__gt=agenda_item.number).order_by("number").first()
    )
    if neighbour is None:
        return agenda_item
    mine, theirs = agenda_item.number, neighbour.number
    # Through a free number: (dialogue, number) is unique at every step.
    free = (items.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    AgendaItem.objects.filter(pk=agenda_item.pk).update(number=free)
    AgendaItem.objects.filter(pk=neighbour.pk).update(number=mine)
    AgendaItem.objects.filter(pk=agenda_item.pk).update(number=theirs)
    agenda_item.number = theirs
    return agenda_item


def dialogues_close_past_deadlines(*, now: datetime.datetime | None = None) -> int:
    """Close every open dialogue whose deadlines for applications and comments have both passed.

    Side effects: state ``closed`` and one audit row per dialogue closed (actor: none).
    Returns how many were closed; a second run closes none.
    """
    now = now or timezone.now()
    closed = 0
    due = Dialogue.objects.filter(
        state=State.OPEN, applications_deadline__lt=now, comments_deadline__lt=now
    ).select_related("session__working_group")
    for dialogue in due:
        try:
            dialogue_close(dialogue=dialogue, by=None, note=_("Closed automatically: both deadlines passed."))
        except ValidationError:
            continue  # someone else moved it meanwhile
        closed += 1
    return closed
