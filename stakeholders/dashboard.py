"""What the accreditation puts on the dashboards.

Registered in ``apps.py``; see dialogue_portal.dashboard.
"""

import datetime
from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext as _

from dialogue_portal.dashboard import Waiting

from . import selectors


def waiting(*, today: datetime.date) -> Iterator[Waiting]:
    yield Waiting(
        label=_("Accreditation requests to review"),
        count=selectors.accreditations_to_review_count(),
        url=reverse("stakeholders:staff_queue"),
    )
    yield Waiting(
        label=_("Circulation lists whose deadline for objections falls in the next 7 days"),
        count=selectors.circulation_deadlines_soon_count(today=today),
        url=reverse("stakeholders:staff_circulation_lists"),
    )


def lands_here(user) -> bool:
    """Every signed-in user who is neither secretariat nor Chair lands on their
    organisations: a focal point sees them, a new account the invitation to register one."""
    return bool(user.is_authenticated)
