"""Requests for the floor and the speakers' list of each agenda item."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from dialogue_portal import locks
from dialogue_portal.transitions import record, transition

from ..models import AgendaItem, Dialogue, Intervention, Registration
from ..permissions import can_move_speaker
from ._common import lock_dialogue

State = Intervention.State

INTERVENTION_NEXT_STATES = {
    State.REQUESTED: frozenset({State.SCHEDULED, State.WITHDRAWN}),
    State.SCHEDULED: frozenset({State.DELIVERED, State.WITHDRAWN}),
    State.DELIVERED: frozenset(),
    State.WITHDRAWN: frozenset(),
}


def hold_speakers_lists(agenda_item_ids: Iterable[int]) -> None:
    """Hold the speakers' list of each agenda item until the transaction ends, in one order.

    Every change to a list holds it: placing, moving, delivering, withdrawing. A move reads
    its neighbours and then swaps places; without the lock a speaker withdrawn or called
    in between would get a place back, or lose the one they spoke in.
    """
    for agenda_item_id in sorted(set(agenda_item_ids)):
        locks.hold(f"speakers:{agenda_item_id}")


@transaction.atomic
def intervention_request(
    *, registration: Registration, agenda_item: AgendaItem, speaker: Any, by: Any, topic: str = ""
) -> Intervention:
    """Ask for the floor under an agenda item, for one representative of an approved application.

    Side effects: one Intervention in state ``requested``, one audit row.
    """
    # As stored, and held: a withdrawal of the application or the dialogue's end waits for
    # this request (and then withdraws it too), or came first and refuses it.
    registration.dialogue = lock_dialogue(registration.dialogue_id)
    registration.state = (
        Registration.objects.select_for_update(no_key=True)
        .values_list("state", flat=True)
        .get(pk=registration.pk)
    )
    if registration.state != Registration.State.APPROVED:
        raise ValidationError(_("Only an approved application gives the floor."))
    if agenda_item.dialogue_id != registration.dialogue_id:
        raise ValidationError({"agenda_item": [_("Choose an agenda item of this dialogue.")]})
    if registration.dialogue.state in (Dialogue.State.HELD, Dialogue.State.CANCELLED):
        raise ValidationError(_("The dialogue is over: the speakers' list is closed."))
    if not registration.representatives.filter(pk=speaker.pk).exists():
        raise ValidationError(
            {"speaker": [_("The speaker must be one of the application's representatives.")]}
        )
    intervention = Intervention.objects.create(
        registration=registration, agenda_item=agenda_item, speaker=speaker, topic=topic.strip()
    )
    record(intervention, by=by, from_state="", to_state=intervention.state)
    return intervention


@transaction.atomic
def intervention_schedule(*, intervention: Intervention, by: Any) -> Intervention:
    """Put a request on the speakers' list, after the last one scheduled under its agenda item.

    Side effects: state ``scheduled`` with its place, one audit row.
    """
    hold_speakers_lists([intervention.agenda_item_id])
    last = Intervention.objects.filter(agenda_item=intervention.agenda_item_id).aggregate(
        last=Max("position")
    )["last"]
    transition(
        intervention,
        to=State.SCHEDULED,
        by=by,
        next_states=INTERVENTION_NEXT_STATES,
        changes={"position": (last or 0) + 1},
    )
    return intervention


@transaction.atomic
def intervention_move(*, intervention: Intervention, by: Any, up: bool) -> Intervention:
    """Swap a scheduled speaker with the one before (``up``) or after on the list.

    Side effects: two places swapped (none at either end of the list).
    """
    hold_speakers_lists([intervention.agenda_item_id])
    intervention.refresh_from_db()
    if not can_move_speaker(intervention):
        raise ValidationError(_("Only a speaker waiting on the list can be moved."))
    # Those who have spoken keep their places; the waiting ones move among themselves.
    listed = Intervention.objects.filter(agenda_item=intervention.agenda_item_id, state=State.SCHEDULED)
    neighbour = (
        listed.filter(position__lt=intervention.position).order_by("-position").first()
        if up
        else listed.filter(position__gt=intervention.position).order_by("position").first()
    )
    if neighbour is None:
        return intervention
    mine, theirs = intervention.position, neighbour.position
    # Through "no place": (agenda item, position) is unique at every step.
    Intervention.objects.filter(pk=intervention.pk).update(position=None)
    Intervention.objects.filter(pk=neighbour.pk).update(position=mine)
    Intervention.objects.filter(pk=intervention.pk).update(position=theirs)
    intervention.position = theirs
    return intervention


@transaction.atomic
def intervention_deliver(*, intervention: Intervention, by: Any) -> Intervention:
    """The speaker took the floor, and keeps the place they spoke in.

    Side effects: state ``delivered``, one audit row.
    """
    hold_speakers_lists([intervention.agenda_item_id])
    transition(intervention, to=State.DELIVERED, by=by, next_states=INTERVENTION_NEXT_STATES)
    return intervention


@transaction.atomic
def intervention_withdraw(*, intervention: Intervention, by: Any) -> Intervention:
    """The request is withdrawn; its place on the list is freed.

    Side effects: state ``withdrawn``, no place, one audit row.
    """
    hold_speakers_lists([intervention.agenda_item_id])
    transition(
        intervention,
        to=State.WITHDRAWN,
        by=by,
        next_states=INTERVENTION_NEXT_STATES,
        changes={"position": None},
    )
    return intervention
