from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import ical, selectors
from ..permissions import get_dialogue_for_public


def home(request):
    today = timezone.localdate()
    return render(
        request,
        "sessions/home.html",
        {
            "upcoming": selectors.dialogues_upcoming(today=today),
            "past": selectors.dialogues_past(today=today),
        },
    )


def dialogue_detail(request, pk: int):
    dialogue = get_dialogue_for_public(pk)
    return render(
        request,
        "sessions/dialogue_detail.html",
        {"dialogue": dialogue, "participants": selectors.public_participants(dialogue)},
    )


def _calendar_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def dialogue_ics(request, pk: int):
    dialogue = get_dialogue_for_public(pk)
    content = ical.calendar([dialogue], name=str(dialogue.session.working_group))
    return _calendar_response(content, f"dialogue-{dialogue.pk}.ics")


def upcoming_ics(request):
    # Cancelled dialogues stay in the feed until their date, so that subscribers' calendars
    # receive STATUS:CANCELLED instead of silently keeping the old event.
    dialogues = list(selectors.dialogues_upcoming(today=timezone.localdate()))
    content = ical.calendar(dialogues, name=_("Constructive dialogues: upcoming"))
    return _calendar_response(content, "upcoming-dialogues.ics")
