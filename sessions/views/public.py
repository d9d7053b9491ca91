from django.shortcuts import render
from django.utils import timezone

from .. import selectors
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
    return render(request, "sessions/dialogue_detail.html", {"dialogue": dialogue})


def dialogue_ics(request, pk: int):
    raise NotImplementedError


def upcoming_ics(request):
    raise NotImplementedError
