"""Fixtures of the tests of focal pages (moved from test_focal_pages.py)."""

import pytest

from sessions import services
from tests.factories import (
    AgendaItemFactory,
    FocalPointFactory,
    RegistrationFactory,
    RepresentativeFactory,
    admitted_organisation,
)

from .support import _open_dialogue


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
def representatives(organisation):
    return [
        RepresentativeFactory(
            organisation=organisation, name=name, email=f"{name.split()[0].lower()}@red.example"
        )
        for name in ("Ana Pérez", "Bruno Díaz", "Carla Ruiz")
    ]


@pytest.fixture
def approved(organisation, representatives, secretariat):
    registration = RegistrationFactory(
        dialogue=_open_dialogue(), organisation=organisation, representatives=representatives[:2]
    )
    services.registration_approve(registration=registration, by=secretariat)
    AgendaItemFactory(dialogue=registration.dialogue, number=1, title="Opening")
    AgendaItemFactory(dialogue=registration.dialogue, number=2, title="Prevention and protection")
    return registration
