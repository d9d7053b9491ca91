"""Fixtures of the tests of staff pages (moved from test_staff_pages.py)."""

import datetime

import pytest

from tests.factories import (
    AgendaItemFactory,
    DialogueFactory,
    WorkingGroupFactory,
    WorkingGroupSessionFactory,
)

from .support import MEETING_LINK, State, _today


@pytest.fixture
def post(secretariat_client, django_capture_on_commit_callbacks):
    """POST as the secretariat; e-mails queued on commit are sent."""

    def send(url: str, data=None, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return secretariat_client.post(url, data or {}, **kwargs)

    return send


@pytest.fixture
def dialogue(db):
    """An open dialogue on 6 March 2030, after the session of 4–6 March, with its meeting link."""
    return DialogueFactory(
        session=WorkingGroupSessionFactory(
            working_group=WorkingGroupFactory(name="Working Group on Firearms"),
            first_day=datetime.date(2030, 3, 4),
            last_day=datetime.date(2030, 3, 6),
        ),
        state=State.OPEN,
        meeting_link=MEETING_LINK,
    )


@pytest.fixture
def dialogue_today(db):
    """A closed dialogue held today: attendance may be recorded."""
    today = _today()
    return DialogueFactory(
        session=WorkingGroupSessionFactory(first_day=today - datetime.timedelta(days=2), last_day=today),
        state=State.CLOSED,
        meeting_link=MEETING_LINK,
    )


@pytest.fixture
def item(dialogue):
    return AgendaItemFactory(dialogue=dialogue, number=3, title="Firearms trafficking")
