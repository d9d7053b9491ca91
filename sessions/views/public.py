from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from reports import selectors as report_selectors
from reports.services import document_slug

from .. import ical, selectors
from ..permissions import get_dialogue_for_public

# The Conference Room Papers the home page lists, of the latest dialogues.
HOME_DOCUMENTS = 5


def home(request):
    today = timezone.localdate()
    # The CRP of each past dialogue comes in the same query as the dialogue.
    past = list(report_selectors.with_published_document(selectors.dialogues_past(today=today)))
    documents = [dialogue for dialogue in past if dialogue.document_symbol][:HOME_DOCUMENTS]
    for dialogue in documents:
        dialogue.document_slug = document_slug(dialogue.document_base_symbol)
    return render(
        request,
        "sessions/home.html",
        {
            "upcoming": selectors.dialogues_upcoming(today=today),
            "past": past,
            "documents": documents,
        },
    )


def dialogue_detail(request, pk: int):
    dialogue = get_dialogue_for_public(pk)
    document = report_selectors.published_document_of(dialogue)
    return render(
        request,
        "sessions/dialogue_detail.html",
        {
            "dialogue": dialogue,
            "participants": selectors.public_participants(dialogue),
            "document": document,
            "document_slug": document_slug(document.summary.symbol) if document else "",
        },
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
