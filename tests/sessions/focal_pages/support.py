"""What the tests of focal pages share (moved from test_focal_pages.py)."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from sessions.models import Dialogue
from tests.factories import DialogueFactory, WorkingGroupSessionFactory, vienna

MEETING_LINK = "https://meet.example.org/j/secret-room-4711"


APPLY = reverse("apply")


def _open_dialogue(days: int = 40, **fields) -> Dialogue:
    """An open dialogue ``days`` from today, its applications deadline a week before."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    session = WorkingGroupSessionFactory(first_day=day - datetime.timedelta(days=2), last_day=day)
    fields.setdefault("applications_deadline", vienna(day - datetime.timedelta(days=7)))
    fields.setdefault("comments_deadline", vienna(day - datetime.timedelta(days=7)))
    return DialogueFactory(session=session, state=Dialogue.State.OPEN, meeting_link=MEETING_LINK, **fields)


def _apply_url(organisation) -> str:
    return f"{APPLY}?organisation={organisation.pk}"


def _applications_url(organisation) -> str:
    return reverse("my_applications", args=[organisation.pk])


def _application_url(registration) -> str:
    return reverse("my_application", args=[registration.organisation_id, registration.pk])


def _page(response) -> str:
    return response.content.decode()


def _apply_data(dialogues, representatives, **changes) -> dict:
    data = {
        "dialogues": [dialogue.pk for dialogue in dialogues],
        "representatives": [representative.pk for representative in representatives],
        "expertise": "Research on the illicit trafficking in firearms in the Andean region.",
        "may_be_named": "on",
    }
    data.update(changes)
    return data


def _checkbox(page: str, name: str, value) -> str | None:
    """The <input> tag of one checkbox, or None when the page does not offer it."""
    match = re.search(rf'<input type="checkbox" name="{name}" value="{value}"[^>]*>', page)
    return match.group(0) if match else None
