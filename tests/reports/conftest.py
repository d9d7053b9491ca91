import pytest

from reports.permissions import drafter
from tests.factories import (
    ChairSummaryFactory,
    DialogueChairFactory,
    HeldDialogueFactory,
    SecretariatFactory,
    UserFactory,
)


@pytest.fixture
def dialogue(db):
    return HeldDialogueFactory()


@pytest.fixture
def chair_user(dialogue):
    user = UserFactory(first_name="Carla", last_name="Chair")
    DialogueChairFactory(dialogue=dialogue, user=user)
    return user


@pytest.fixture
def secretariat(db):
    return SecretariatFactory(first_name="Sam", last_name="Secretariat")


@pytest.fixture
def summary(dialogue):
    return ChairSummaryFactory(dialogue=dialogue)


@pytest.fixture
def as_chair(chair_user, dialogue):
    return drafter(chair_user, dialogue)


@pytest.fixture
def as_secretariat(secretariat, dialogue):
    return drafter(secretariat, dialogue)
