"""Every change to the dialogue calendar goes through here.

The scheduling rules that follow a foreign key (a dialogue after its session, the
deadlines before the dialogue) cannot be database constraints, so they live in
:func:`dialogue_check_schedule`, which the admin's forms call too.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dialogue_portal.transitions import record, transition

from .models import Dialogue, validate_time_zone

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
            % {"day": date_format(session.last_day, "j F Y")}
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
                    % {"start": date_format(starts_at, "j F Y, H:i")}
                )
    if errors:
        raise ValidationError(errors)


def dialogue_schedule(*, by: Any, **fields: Any) -> Dialogue:
    """Schedule a new dialogue from its details; see :func:`dialogue_save`."""
    return dialogue_save(dialogue=Dialogue(**fields), by=by)


@transaction.atomic
def dialogue_save(*, dialogue: Dialogue, by: Any) -> Dialogue:
    """Save a new dialogue, or the changed details of one, after checking the rules.

    The state is never saved here: it moves only through the transitions below.
    Side effects: a new dialogue is one INSERT in state ``scheduled`` and one audit
    row; an existing one is one UPDATE of its details.
    """
    dialogue_check_schedule(dialogue)
    if dialogue.pk is None:
        dialogue.state = State.SCHEDULED
        dialogue.full_clean()
        dialogue.save()
        record(dialogue, by=by, from_state="", to_state=dialogue.state, note=_("Scheduled."))
        return dialogue
    dialogue.full_clean()
    details = [f.name for f in Dialogue._meta.concrete_fields if f.name not in {"id", "state", "created_at"}]
    dialogue.save(update_fields=details)
    return dialogue


def dialogue_open(*, dialogue: Dialogue, by: Any, note: str = "") -> Dialogue:
    """Open a dialogue for applications and written comments, until their deadlines.

    Side effects: state ``open``; one audit row.
    """
    now = timezone.now()
    if (
        dialogue.state == State.SCHEDULED
        and max(dialogue.applications_deadline, dialogue.comments_deadline) < now
    ):
        raise ValidationError(_("Both deadlines have passed: move them before opening the dialogue."))
    transition(dialogue, to=State.OPEN, by=by, next_states=NEXT_STATES, note=note)
    return dialogue


def dialogue_close(*, dialogue: Dialogue, by: Any, note: str = "") -> Dialogue:
    """Close a dialogue: no more applications or written comments.

    Side effects: state ``closed``; one audit row.
    """
    transition(dialogue, to=State.CLOSED, by=by, next_states=NEXT_STATES, note=note)
    return dialogue


def dialogue_mark_held(
    *, dialogue: Dialogue, by: Any, note: str = "", today: datetime.date | None = None
) -> Dialogue:
    """Record that the dialogue took place.

    Side effects: state ``held``; one audit row.
    """
    today = today or timezone.localdate(timezone=dialogue.zone)
    if dialogue.date > today:
        raise ValidationError(_("A dialogue can be marked as held only on its date or later."))
    transition(dialogue, to=State.HELD, by=by, next_states=NEXT_STATES, note=note)
    return dialogue


def dialogue_cancel(*, dialogue: Dialogue, by: Any, note: str = "") -> Dialogue:
    """Cancel a dialogue that has not been held. Later dialogues' ordinals move up by one.

    Side effects: state ``cancelled``; one audit row.
    """
    transition(dialogue, to=State.CANCELLED, by=by, next_states=NEXT_STATES, note=note)
    return dialogue


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
