"""The secretariat's list of every Chair's summary, to find those waiting for review."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from dialogue_portal.roles import secretariat_required

from .. import selectors
from ..models import ChairSummary


@secretariat_required
@require_safe
def summaries(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    if state not in ChairSummary.State.values:
        state = ""
    return render(
        request,
        "reports/staff/summaries.html",
        {
            "summaries": list(selectors.summaries_for_secretariat(state=state)),
            "state": state,
            "states": ChairSummary.State.choices,
        },
    )
