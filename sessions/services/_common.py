"""What the services share: the dialogue's row lock that orders decisions after its moves."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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
