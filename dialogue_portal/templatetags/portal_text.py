"""Text for readers of every language: what someone typed, and dates.

Loaded in every template (``builtins`` in settings). A name or title inside a sentence of
the interface is isolated with ``|bdi``: an English organisation's name in an Arabic
sentence keeps its own order, and its trailing full stop or bracket stays with it, not
thrown to the far end of the sentence. A block of content in a known language says so
with ``{% content_lang code %}``: screen readers and fonts follow ``lang``, and
``dir="auto"`` sets the block's direction from its first strong letter, so a Russian
comment reads left to right on an Arabic page and an Arabic one right to left on an
English page.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from dialogue_portal import dates

register = template.Library()

# The codes content may carry that are not a language ("other").
NOT_A_LANGUAGE = {"", "other"}


@register.filter(is_safe=True)
def bdi(value) -> str:
    """``value`` inside ``<bdi>``, escaped; nothing for an empty value."""
    if value is None or value == "":
        return ""
    return format_html("<bdi>{}</bdi>", value)


@register.simple_tag
def content_lang(code) -> str:
    """The attributes of an element holding content in the language ``code``."""
    if code in NOT_A_LANGUAGE or code is None:
        return mark_safe(' dir="auto"')  # noqa: S308 (a constant)
    return format_html(' lang="{}" dir="auto"', code)


# Dates with a weekday or a time zone, in each language's own order (dialogue_portal.dates).
# Like Django's |date, they show an aware time in the current time zone (expects_localtime).


@register.filter(expects_localtime=True)
def date_with_zone(value) -> str:
    return dates.with_zone(value) if value else ""


@register.filter(expects_localtime=True)
def date_with_weekday(value) -> str:
    return dates.with_weekday(value) if value else ""
