"""Fixtures of the tests of services (moved from test_services.py)."""

import pytest

from sessions.models import Dialogue
from tests.factories import DialogueFactory, FocalPointFactory, admitted_organisation


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the on-commit callbacks (the e-mails) of what happens inside, as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def dialogue(db):
    return DialogueFactory(state=Dialogue.State.OPEN)


@pytest.fixture
def organisation(db):
    return admitted_organisation(name="Fundación Ñandú")


@pytest.fixture
def focal(organisation):
    return FocalPointFactory(organisation=organisation).user
