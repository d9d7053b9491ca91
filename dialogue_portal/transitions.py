"""The one helper behind every lifecycle's transition service.

A lifecycle declares ``NEXT_STATES``: for each state, the states it may move to. A
transition service calls :func:`transition`, which checks the move, saves it with a
compare-and-set (so two people acting at once cannot both move the same object out of
the same state), and writes the audit row, all in one transaction. An edit of such a row
goes through :func:`save_in_state`: only the columns it changes, only while the row is in
a state that allows the edit.
"""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AuditEvent

NextStates = Mapping[str, frozenset[str]]


class TransitionNotAllowed(ValidationError):
    """A move that the lifecycle does not allow, or that someone else made first."""


def _label(instance: models.Model, field: str, state: str) -> str:
    choices = dict(instance._meta.get_field(field).flatchoices)
    return str(choices.get(state, state))


@transaction.atomic
def transition(
    instance: models.Model,
    *,
    to: str,
    by: Any,
    next_states: NextStates,
    note: str = "",
    field: str = "state",
    changes: Mapping[str, Any] | None = None,
    on_behalf_of: str = "",
    occurred_at: datetime.datetime | None = None,
    where: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Move ``instance`` to state ``to``, saving ``changes`` with it.

    Side effects: one UPDATE of the instance's row (its state and ``changes``), one
    ``AuditEvent`` row. Raises ``TransitionNotAllowed`` and writes nothing when the
    move is not in ``next_states`` or the row left its state meanwhile. ``on_behalf_of``
    names the organisation the secretariat acts for; ``occurred_at`` is when the move
    really happened, when it is recorded after the fact. ``where`` adds columns that must
    still hold the values read (a worker's lease, see :func:`claim`).
    """
    current = getattr(instance, field)
    name = instance._meta.verbose_name
    if to not in next_states.get(current, frozenset()):
        raise TransitionNotAllowed(
            _("This %(name)s cannot go from “%(from)s” to “%(to)s”.")
            % {
                "name": name,
                "from": _label(instance, field, current),
                "to": _label(instance, field, to),
            },
            code="illegal_transition",
        )
    values = {field: to, **_touched(instance), **(changes or {})}
    moved = (
        type(instance)
        ._default_manager.filter(pk=instance.pk, **{field: current}, **(where or {}))
        .update(**values)
    )
    if moved != 1:
        raise _stale(instance)
    for attr, value in values.items():
        setattr(instance, attr, value)
    return record(
        instance,
        by=by,
        from_state=current,
        to_state=to,
        note=note,
        on_behalf_of=on_behalf_of,
        occurred_at=occurred_at,
    )


def _touched(instance: models.Model) -> dict[str, Any]:
    # update() skips auto_now columns; a move or an edit is a change like any other.
    return {f.name: timezone.now() for f in instance._meta.concrete_fields if getattr(f, "auto_now", False)}


def _stale(instance: models.Model) -> TransitionNotAllowed:
    return TransitionNotAllowed(
        _("This %(name)s was changed by someone else meanwhile; reload the page and try again.")
        % {"name": instance._meta.verbose_name},
        code="stale_state",
    )


def save_in_state(
    instance: models.Model,
    *,
    fields: Iterable[str],
    states: Iterable[str],
    field: str = "state",
    where: Mapping[str, Any] | None = None,
) -> None:
    """Write ``fields`` of ``instance`` to its row, only while the row is in one of ``states``.

    The edit of a row with a lifecycle: it writes only the columns it changes, and only if
    no transition moved the row meanwhile, so that a save racing a transition ends in
    exactly one of them (a save that came second would otherwise undo the move). ``where``
    adds columns that must also still hold the values read (a version, a sequence).
    Side effects: one UPDATE of ``fields`` (and the auto_now columns). Raises
    ``TransitionNotAllowed`` (code ``stale_state``) and writes nothing when the row is
    in another state, or gone.
    """
    allowed = list(states)
    values = {name: getattr(instance, name) for name in fields}
    values.update(_touched(instance))
    updated = (
        type(instance)
        ._default_manager.filter(pk=instance.pk, **{f"{field}__in": allowed}, **(where or {}))
        .update(**values)
    )
    if updated != 1:
        raise _stale(instance)
    for attr, value in values.items():
        setattr(instance, attr, value)


def claim(
    instance: models.Model,
    *,
    to: str,
    lease_for: datetime.timedelta,
    next_states: NextStates,
    field: str = "state",
    changes: Mapping[str, Any] | None = None,
) -> bool:
    """A worker takes ``instance`` into the working state ``to`` for ``lease_for``.

    From a waiting state, or from ``to`` itself once the lease (``lease_until``) has run
    out: a worker that died mid-task leaves its lease to expire, and the next delivery of
    the task takes the work over. The finish then names the lease it holds
    (``transition(…, where={"lease_until": …})``), so a worker that comes back after
    losing its claim cannot overwrite the one that took over. Side effects: one UPDATE
    (state, a new ``lease_until``, ``changes``) and one audit row. Returns False and
    writes nothing when the move is not allowed or another worker holds the lease.
    """
    current = getattr(instance, field)
    if to not in next_states.get(current, frozenset()):
        return False
    now = timezone.now()
    condition = {"pk": instance.pk, field: current}
    if current == to:
        condition["lease_until__lt"] = now
    values = {field: to, "lease_until": now + lease_for, **_touched(instance), **(changes or {})}
    with transaction.atomic():
        if type(instance)._default_manager.filter(**condition).update(**values) != 1:
            return False
        instance.refresh_from_db(fields=[field, "lease_until", *(changes or {})])
        record(
            instance,
            by=None,
            from_state=current,
            to_state=to,
            note=_("The lease had run out: taken over.") if current == to else "",
        )
    return True


def record(
    instance: models.Model,
    *,
    by: Any,
    from_state: str,
    to_state: str,
    note: str = "",
    on_behalf_of: str = "",
    occurred_at: datetime.datetime | None = None,
) -> AuditEvent:
    """Write one audit row; also used for a lifecycle's first state (from nothing).

    An act of the secretariat for an organisation says so in its note too, so that
    every reader of the log (the admin's list, an export) sees it.
    """
    if on_behalf_of:
        prefix = _("On behalf of %(organisation)s.") % {"organisation": on_behalf_of}
        note = f"{prefix} {note}".strip()
    return AuditEvent.objects.create(
        on_behalf_of=on_behalf_of[:300],
        occurred_at=occurred_at,
        actor=by if getattr(by, "is_authenticated", False) else None,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        from_state=from_state,
        to_state=to_state,
        note=note,
    )
