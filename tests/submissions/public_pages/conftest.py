"""Fixtures of the tests of public pages (moved from test_public_pages.py)."""

import pytest

from tests.factories import admitted_organisation

from .support import published


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def hidden(db):
    """A comment published without the organisation's name, which must never show."""
    organisation = admitted_organisation(
        name="Clandestine Shield Collective",
        acronym="CSCQ",
        country="BY",
        website="https://www.clandestine-shield.example/",
    )
    return published(
        organisation=organisation,
        title="Reprisals against witnesses",
        anonymity_requested=True,
        published_anonymously=True,
    )
