"""Fixtures of the tests of services (moved from test_services.py)."""

import pytest

from tests.factories import CirculationListFactory


@pytest.fixture
def commit(db, django_capture_on_commit_callbacks):
    """Run the on-commit callbacks (the e-mails) of what happens inside, as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def circulation_list(db):
    return CirculationListFactory()
