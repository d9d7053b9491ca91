"""What the tests of staff pages share (moved from test_staff_pages.py)."""

import datetime
import html
import re

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from sessions.models import Dialogue, Intervention, Registration
from tests.factories import (
    FocalPointFactory,
    InterventionFactory,
    OrganisationFactory,
    RegistrationFactory,
    RepresentativeFactory,
)

State = Dialogue.State


MEETING_LINK = "https://meet.example.org/dialogue-secret-42"


def _page(response) -> str:
    return response.content.decode()


def _text(response) -> str:
    """The page's text, tags dropped and spaces squeezed, for asserting on what a reader sees."""
    text = re.sub(r"<[^>]+>", " ", _page(response))
    return re.sub(r"\s+", " ", html.unescape(text))


def _field_error(response, field_id: str) -> str:
    """The error shown next to one field (Django renders it with the id ``<field>_error``)."""
    match = re.search(rf'id="{field_id}_error"[^>]*>(.*?)</ul>', _page(response), re.S)
    assert match, f"no error next to {field_id}"
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1)))


def _recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def _mail_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def _url(name: str, *args) -> str:
    return reverse(name, args=args)


def _today() -> datetime.date:
    return timezone.localdate()


def _applicant(dialogue, *, name: str, state=Registration.State.APPLIED, people: int = 1, **fields):
    """An application by a new organisation with a focal point and ``people`` representatives."""
    organisation = OrganisationFactory(name=name, **fields.pop("organisation", {}))
    FocalPointFactory(organisation=organisation, user__email=f"focal@{organisation.pk}.example")
    representatives = [RepresentativeFactory(organisation=organisation) for _ in range(people)]
    return RegistrationFactory(
        dialogue=dialogue, organisation=organisation, state=state, representatives=representatives, **fields
    )


def _request(item, name: str) -> Intervention:
    registration = _applicant(item.dialogue, name=f"{name} Network", state=Registration.State.APPROVED)
    speaker = registration.representatives.get()
    speaker.name = name
    speaker.save()
    return InterventionFactory(registration=registration, agenda_item=item, speaker=speaker)
