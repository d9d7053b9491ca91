"""What the services share: the dialogue's row lock that orders decisions after its moves, and
what is recorded after the fact (its mail withheld, its dates checked)."""

import contextlib
import functools
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from dialogue_portal import mail
from dialogue_portal.roles import is_secretariat

from ..models import Dialogue


def lock_dialogue(pk: int) -> Dialogue:
    """The dialogue's row as stored now, locked until the transaction ends.

    Every transition of the dialogue updates this row, so it waits for the holder; a
    service that decides on the dialogue's state (approve an application, take one, give
    the floor, mark attendance, withdraw) holds it, and its decision and the dialogue's
    move happen one after the other: a cancellation that comes second also tells the
    application just approved, one that comes first refuses it.
    The lock is FOR NO KEY UPDATE: rows that merely refer to the dialogue can still be added.
    """
    try:
        return Dialogue.objects.select_for_update(no_key=True).get(pk=pk)
    except Dialogue.DoesNotExist:
        raise ValidationError(_("This dialogue no longer exists."), code="gone") from None


def lock_dialogues(pks: Iterable[int]) -> dict[int, Dialogue]:
    """Several dialogues' rows, locked in the order of their ids (so two callers never deadlock)."""
    return {
        dialogue.pk: dialogue
        for dialogue in Dialogue.objects.select_for_update(no_key=True).filter(pk__in=set(pks)).order_by("pk")
    }


def quiet_for_held(dialogue_ids: Callable[[dict[str, Any]], list[int]]):
    """Decorate a service (called with keyword arguments) so that it sends nothing when
    every dialogue it acts on (``dialogue_ids(kwargs)``) is already held: what the
    secretariat records after the fact was told to nobody at the time. A live
    dialogue's mail goes as always."""

    def decorate(service):
        @functools.wraps(service)
        def run(**kwargs):
            ids = set(dialogue_ids(kwargs))
            held = bool(ids) and Dialogue.objects.filter(
                pk__in=ids, state=Dialogue.State.HELD
            ).count() == len(ids)
            with mail.withheld() if held else contextlib.nullcontext():
                return service(**kwargs)

        return run

    return decorate


def check_recorded_time(when, *, field: str, by) -> None:
    """A time given for something recorded after the fact: by the secretariat, and not to come."""
    if not is_secretariat(by):
        raise ValidationError(
            _("Only the secretariat records what happened after the fact, or on an organisation's behalf."),
            code="forbidden",
        )
    if when is not None and when > timezone.now():
        raise ValidationError({field: [_("This has not happened yet: the date cannot be in the future.")]})
