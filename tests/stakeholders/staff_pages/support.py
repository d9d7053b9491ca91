"""What the tests of staff pages share (moved from test_staff_pages.py)."""

import datetime

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from stakeholders.models import Accreditation
from tests.factories import AccreditationFactory, FocalPointFactory, OrganisationFactory

State = Accreditation.State


QUEUE = reverse("stakeholders:staff_queue")


LISTS = reverse("stakeholders:staff_circulation_lists")


def _page(response) -> str:
    return response.content.decode()


def _detail_url(accreditation) -> str:
    return reverse("stakeholders:staff_accreditation", args=[accreditation.pk])


def _action_url(accreditation, action: str) -> str:
    return reverse("stakeholders:staff_accreditation_action", args=[accreditation.pk, action])


def _today() -> datetime.date:
    return timezone.localdate()


def _request(state=State.SUBMITTED, **organisation_fields) -> Accreditation:
    """A request of an organisation with two focal points."""
    organisation = OrganisationFactory(**organisation_fields)
    FocalPointFactory(organisation=organisation, user__email=f"first@{organisation.pk}.example")
    FocalPointFactory(organisation=organisation, user__email=f"second@{organisation.pk}.example")
    return AccreditationFactory(organisation=organisation, state=state)


def _recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def _focal_point_emails(accreditation) -> list[str]:
    pk = accreditation.organisation_id
    return [f"first@{pk}.example", f"second@{pk}.example"]
