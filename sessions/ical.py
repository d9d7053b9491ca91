"""Dialogues as iCalendar events: one per dialogue, with a UID that never changes.

A postponement or a cancellation raises the dialogue's SEQUENCE, so that a calendar
that already holds the event replaces it; a cancelled one carries STATUS:CANCELLED.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from icalendar import Calendar, Event

from .models import Dialogue
from .templatetags.portal import dialogue_title


def _uid(dialogue: Dialogue) -> str:
    return f"dialogue-{dialogue.pk}@{urlsplit(settings.SITE_URL).hostname}"


def event(dialogue: Dialogue) -> Event:
    entry = Event()
    entry.add("uid", _uid(dialogue))
    entry.add("sequence", dialogue.sequence)
    entry.add("dtstamp", dialogue.updated_at)
    entry.add("last-modified", dialogue.updated_at)
    entry.add("dtstart", dialogue.starts_at)  # in the venue's time zone, with its TZID
    entry.add("dtend", dialogue.ends_at)
    entry.add("summary", f"{dialogue_title(dialogue)}: {dialogue.session.working_group}")
    entry.add("location", ", ".join(part for part in (dialogue.venue, dialogue.room) if part))
    entry.add("url", settings.SITE_URL + reverse("dialogue_detail", args=[dialogue.pk]))
    entry.add("status", "CANCELLED" if dialogue.state == Dialogue.State.CANCELLED else "CONFIRMED")
    return entry


def calendar(dialogues, *, name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Dialogue Portal//UNTOC constructive dialogues//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("method", "PUBLISH")
    for dialogue in dialogues:
        cal.add_component(event(dialogue))
    cal.add_missing_timezones()
    return cal.to_ical()
