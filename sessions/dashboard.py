"""What the dialogue calendar puts on the dashboards.

Registered in ``apps.py``; see dialogue_portal.dashboard.
"""

import datetime
from collections.abc import Iterator

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from dialogue_portal.dashboard import Waiting

from . import selectors
from .models import Registration


def waiting(*, today: datetime.date) -> Iterator[Waiting]:
    """One count per dialogue with applications to decide, linking to its applications
    filtered to those awaiting a decision."""
    for dialogue in selectors.dialogues_with_applications_to_decide():
        yield Waiting(
            label=_("Applications to decide: %(group)s, %(date)s")
            % {"group": dialogue.session.working_group, "date": date_format(dialogue.date, "DATE_FORMAT")},
            count=dialogue.waiting,
            url=reverse("staff_applications", args=[dialogue.pk])
            + "?"
            + urlencode({"state": Registration.State.APPLIED}),
        )


def next_dialogues(*, today: datetime.date) -> dict:
    return {"dialogues": selectors.dialogues_next(today=today)}


def organisation_applications(*, organisations: list) -> dict:
    """Gives each organisation its ``dashboard_applications``, read for all of them at once."""
    by_organisation: dict[int, list[Registration]] = {organisation.pk: [] for organisation in organisations}
    for registration in selectors.registrations_of_organisations(organisations=organisations):
        by_organisation[registration.organisation_id].append(registration)
    for organisation in organisations:
        organisation.dashboard_applications = by_organisation[organisation.pk]
    return {}
