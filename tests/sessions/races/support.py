"""What the tests of races share (moved from test_races.py)."""

from dialogue_portal.models import AuditEvent
from sessions import services
from sessions.models import AgendaItem, Dialogue, Intervention, Registration
from tests.factories import AgendaItemFactory, DialogueFactory, RegistrationFactory, RepresentativeFactory

ROUNDS = 20


State = Dialogue.State


Applied = Registration.State


Floor = Intervention.State


def event(obj, to_state: str) -> AuditEvent:
    return AuditEvent.objects.for_object(obj).get(to_state=to_state)


def open_dialogue(**fields) -> Dialogue:
    return DialogueFactory(state=State.OPEN, **fields)


def speakers_list(dialogue: Dialogue, by, count: int = 3) -> tuple[AgendaItem, list[Intervention]]:
    """An agenda item with ``count`` speakers of one approved application, in places 1, 2, 3 …."""
    item = AgendaItemFactory(dialogue=dialogue)
    registration = RegistrationFactory(dialogue=dialogue, state=Applied.APPROVED, representatives=[])
    speakers = [RepresentativeFactory(organisation=registration.organisation) for _ in range(count)]
    registration.representatives.set(speakers)
    listed = []
    for speaker in speakers:
        intervention = services.intervention_request(
            registration=registration, agenda_item=item, speaker=speaker, by=by
        )
        listed.append(services.intervention_schedule(intervention=intervention, by=by))
    return item, listed
