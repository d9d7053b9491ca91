"""Dialogues as iCalendar events: one per dialogue, with a UID that never changes.

A postponement or a cancellation raises the dialogue's SEQUENCE, so that a calendar
that already holds the event replaces it; a cancelled one carries STATUS:CANCELLED.

Every text goes through ``dialogue_portal.text.clean_text``: RFC 5545 forbids control
characters in TEXT, and the icalendar library refuses a line break in an X- property (the
calendar's name), so a working group stored with one would fail every download.
"""

from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar, Event

from dialogue_portal.links import absolute_reverse
from dialogue_portal.text import clean_text

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
    entry.add("summary", clean_text(f"{dialogue_title(dialogue)}: {dialogue.session.working_group}"))
    entry.add("location", clean_text(", ".join(part for part in (dialogue.venue, dialogue.room) if part)))
    entry.add("url", absolute_reverse("dialogue_detail", args=[dialogue.pk]))
    entry.add("status", "CANCELLED" if dialogue.state == Dialogue.State.CANCELLED else "CONFIRMED")
    return entry


def calendar(dialogues, *, name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Dialogue Portal//UNTOC constructive dialogues//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", clean_text(name))
    cal.add("method", "PUBLISH")
    for dialogue in dialogues:
        cal.add_component(event(dialogue))
    cal.add_missing_timezones()
    return cal.to_ical()
