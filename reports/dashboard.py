"""What the Chair's summaries put on the secretariat's dashboard (registered in apps.py)."""

import datetime
from collections.abc import Iterator

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from dialogue_portal.dashboard import Waiting

from . import selectors
from .models import ChairSummary


def waiting(*, today: datetime.date) -> Iterator[Waiting]:
    yield Waiting(
        label=_("Chair's summaries in review"),
        count=selectors.summaries_in_review_count(),
        url=f"{reverse('reports:staff_summaries')}?{urlencode({'state': ChairSummary.State.IN_REVIEW})}",
    )
