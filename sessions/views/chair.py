"""The Chairs' pages: the dialogues they chair (their summaries come with the next issue)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .. import selectors


@login_required
@require_safe
def my_dialogues(request: HttpRequest) -> HttpResponse:
    """Where a Chair lands after sign-in. Anyone else sees an empty list: the page names
    only the dialogues the user's own account chairs."""
    return render(
        request,
        "sessions/chair/dialogues.html",
        {"dialogues": list(selectors.dialogues_chaired(user=request.user))},
    )
