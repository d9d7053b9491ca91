"""Fixtures of the focal points' written-comment pages: an admitted organisation, its focal
point signed in, an open dialogue and a draft. A test file that needs others defines its own
of the same name."""

import pytest

from sessions.models import Dialogue
from tests.factories import DialogueFactory, FocalPointFactory, WrittenCommentFactory, admitted_organisation


@pytest.fixture
def organisation(db):
    return admitted_organisation(name="Red de Víctimas", acronym="RDV")


@pytest.fixture
def focal_user(organisation):
    return FocalPointFactory(organisation=organisation, user__email="ana@red.example").user


@pytest.fixture
def focal_client(client, focal_user):
    client.force_login(focal_user)
    return client


@pytest.fixture
def dialogue(db):
    return DialogueFactory(state=Dialogue.State.OPEN)


@pytest.fixture
def draft(organisation, focal_user, dialogue):
    return WrittenCommentFactory(
        organisation=organisation,
        author=focal_user,
        dialogue=dialogue,
        title="Data on trafficking",
        state="draft",
    )
