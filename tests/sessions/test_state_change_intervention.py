"""The speakers' list offers, for each request for the floor, exactly the moves the services allow."""

import pytest
from django.urls import reverse

from sessions import services
from sessions.models import Dialogue, Intervention, Registration
from sessions.views.staff import SPEAKER_LIFECYCLE
from tests.factories import AgendaItemFactory, DialogueFactory, RegistrationFactory
from tests.state_change import allowed_moves, offered_on_page, urls_for

State = Intervention.State


def _intervention(state: str, by) -> Intervention:
    dialogue = DialogueFactory(state=Dialogue.State.OPEN)
    item = AgendaItemFactory(dialogue=dialogue, number=1)
    registration = RegistrationFactory(dialogue=dialogue, state=Registration.State.APPROVED)
    intervention = services.intervention_request(
        registration=registration, agenda_item=item, speaker=registration.representatives.first(), by=by
    )
    if state in (State.SCHEDULED, State.DELIVERED):
        services.intervention_schedule(intervention=intervention, by=by)
    if state == State.DELIVERED:
        services.intervention_deliver(intervention=intervention, by=by)
    if state == State.WITHDRAWN:
        services.intervention_withdraw(intervention=intervention, by=by)
    return intervention


def _fresh(intervention: Intervention) -> Intervention:
    return Intervention.objects.select_related("speaker").get(pk=intervention.pk)


@pytest.mark.parametrize("state", State.values)
def test_speakers_list_offers_exactly_the_moves_the_services_allow(secretariat_client, secretariat, state):
    intervention = _intervention(state, secretariat)
    dialogue_pk = intervention.agenda_item.dialogue_id
    page = secretariat_client.get(reverse("staff_speakers", args=[dialogue_pk])).content.decode()
    offered = offered_on_page(
        page,
        urls_for(
            SPEAKER_LIFECYCLE.actions,
            lambda slug: reverse("staff_speaker_action", args=[dialogue_pk, intervention.pk, slug]),
        ),
    )
    allowed = allowed_moves(
        {
            "schedule": lambda: services.intervention_schedule(
                intervention=_fresh(intervention), by=secretariat
            ),
            "up": lambda: services.intervention_move(
                intervention=_fresh(intervention), by=secretariat, up=True
            ),
            "down": lambda: services.intervention_move(
                intervention=_fresh(intervention), by=secretariat, up=False
            ),
            "deliver": lambda: services.intervention_deliver(
                intervention=_fresh(intervention), by=secretariat
            ),
            "withdraw": lambda: services.intervention_withdraw(
                intervention=_fresh(intervention), by=secretariat
            ),
        }
    )
    assert offered == allowed
    intervention.refresh_from_db()
    assert intervention.state == state


def test_a_refused_speaker_move_is_said_on_the_list(secretariat_client, secretariat):
    intervention = _intervention(State.DELIVERED, secretariat)
    dialogue_pk = intervention.agenda_item.dialogue_id
    response = secretariat_client.post(
        reverse("staff_speaker_action", args=[dialogue_pk, intervention.pk, "withdraw"]), follow=True
    )
    assert intervention.speaker.name in response.content.decode()
    assert 'class="message message-error"' in response.content.decode()
    intervention.refresh_from_db()
    assert intervention.state == State.DELIVERED
