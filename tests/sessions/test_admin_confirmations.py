"""The dialogue admin's moves that cannot be undone ask first, as the staff page does."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.models import Dialogue
from tests.factories import DialogueFactory

CHANGELIST = reverse("admin:dialogue_sessions_dialogue_changelist")


@pytest.mark.parametrize(
    ("action", "state", "consequence"),
    [
        ("dialogue_close", Dialogue.State.OPEN, "A closed dialogue cannot be opened again"),
        ("dialogue_mark_held", Dialogue.State.CLOSED, "A held dialogue can no longer be postponed"),
    ],
)
def test_admin_irreversible_action_asks_first_then_acts(secretariat_client, action, state, consequence):
    # Yesterday's: a dialogue is marked held on its day or later.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    dialogue = DialogueFactory(state=state, session__first_day=yesterday, session__last_day=yesterday)
    asked = secretariat_client.post(CHANGELIST, {"action": action, "_selected_action": [dialogue.pk]})
    page = asked.content.decode()
    assert asked.status_code == 200
    assert consequence in page
    assert dialogue.session.working_group.name in page
    dialogue.refresh_from_db()
    assert dialogue.state == state

    done = secretariat_client.post(
        CHANGELIST, {"action": action, "_selected_action": [dialogue.pk], "post": "yes"}, follow=True
    )
    dialogue.refresh_from_db()
    assert dialogue.state != state
    assert "1 dialogue" in done.content.decode()


def test_admin_open_acts_at_once(secretariat_client):
    dialogue = DialogueFactory()
    secretariat_client.post(CHANGELIST, {"action": "dialogue_open", "_selected_action": [dialogue.pk]})
    dialogue.refresh_from_db()
    assert dialogue.state == Dialogue.State.OPEN
