"""Fixtures of the tests of staff pages (moved from test_staff_pages.py)."""

import pytest

from dialogue_portal.celery import app

from .support import _action_url


@pytest.fixture(autouse=True)
def _tasks_in_process():
    """The e-mail tasks run in the test's process on either CI pass, so the outbox shows
    them: with a broker (pass 2) and no worker they would wait in the queue unseen."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture
def act(secretariat_client, django_capture_on_commit_callbacks):
    """POST one decision from the request's page; e-mails queued on commit are sent."""

    def post(accreditation, action: str, **data):
        with django_capture_on_commit_callbacks(execute=True):
            return secretariat_client.post(_action_url(accreditation, action), data, follow=True)

    return post
