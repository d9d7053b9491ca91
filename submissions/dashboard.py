"""What the written comments put on the dashboards.

Registered in ``apps.py``; see dialogue_portal.dashboard.
"""

import datetime
from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext as _

from dialogue_portal.dashboard import Waiting

from . import selectors
from .models import WrittenComment


def waiting(*, today: datetime.date) -> Iterator[Waiting]:
    yield Waiting(
        label=_("Written comments to moderate"),
        count=selectors.comments_to_moderate_count(),
        url=reverse("submissions:staff_queue"),
    )


def organisation_comments(*, organisations: list) -> dict:
    """Gives each organisation its ``dashboard_comments``, read for all of them at once."""
    by_organisation: dict[int, list[WrittenComment]] = {organisation.pk: [] for organisation in organisations}
    for comment in selectors.comments_of_organisations(organisations=organisations):
        by_organisation[comment.organisation_id].append(comment)
    for organisation in organisations:
        organisation.dashboard_comments = by_organisation[organisation.pk]
    return {}
