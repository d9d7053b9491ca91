"""The one rule of who may take part: stakeholders.selectors.participation_bar, and the
three services that ask it."""

import pytest

from sessions.services.registrations import registration_refusal
from stakeholders import selectors
from stakeholders.models import Accreditation, Objection
from submissions.services import comments_refusal
from tests.factories import AccreditationFactory, DialogueFactory, OrganisationFactory, admitted_organisation

pytestmark = pytest.mark.django_db


def test_participation_bar_not_admitted_for_every_state_but_admitted():
    dialogue = DialogueFactory()
    for state in Accreditation.State:
        organisation = OrganisationFactory()
        AccreditationFactory(organisation=organisation, state=state)
        expected = None if state == Accreditation.State.ADMITTED else selectors.NOT_ADMITTED
        assert selectors.participation_bar(organisation=organisation, dialogue=dialogue) == expected
    assert selectors.participation_bar(organisation=OrganisationFactory()) == selectors.NOT_ADMITTED


def test_participation_bar_objection_blocks_that_dialogue_only(secretariat):
    organisation = admitted_organisation()
    blocked, other = DialogueFactory(), DialogueFactory()
    Objection.objects.create(
        state_party="AT",
        made_on=blocked.date,
        organisation=organisation,
        dialogue=blocked,
        recorded_by=secretariat,
    )
    assert selectors.participation_bar(organisation=organisation, dialogue=blocked) == selectors.OBJECTED_TO
    assert selectors.participation_bar(organisation=organisation, dialogue=other) is None
    # Written comments are not taking part in the meeting: the objection does not bar them.
    assert selectors.participation_bar(organisation=organisation) is None


def test_services_word_the_same_rule():
    organisation = OrganisationFactory(name="Unadmitted Network")
    dialogue = DialogueFactory()
    assert "not admitted" in registration_refusal(organisation=organisation, dialogue=dialogue)
    assert "admitted as observers" in comments_refusal(organisation=organisation, dialogue=dialogue)
