from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ..ordinals import ordinal_word

register = template.Library()


@register.simple_tag
def dialogue_title(dialogue) -> str:
    """ "First constructive dialogue", from the ``ordinal`` that the selectors annotate."""
    ordinal = getattr(dialogue, "ordinal", None)
    if ordinal is None:
        return _("Constructive dialogue (cancelled)")
    return _("%(ordinal)s constructive dialogue") % {
        "ordinal": ordinal_word(ordinal, of="dialogue").capitalize()
    }


@register.simple_tag
def chair_heading(chairs) -> str:
    # Not a plural: "Co-Chairs" is a title of its own, which a language with one plural
    # form (Chinese) must still tell apart from "Chair".
    if len(chairs) > 1:
        return pgettext("heading", "Co-Chairs")
    return pgettext("heading", "Chair")


@register.simple_tag
def day_range(first, last) -> str:
    """ "4–5 May 2022", "30 April–2 May 2022", "30 December 2022–2 January 2023"."""
    if first == last:
        return date_format(first, "DATE_FORMAT")
    if (first.year, first.month) == (last.year, last.month):
        start = date_format(first, "j")
    elif first.year == last.year:
        start = date_format(first, "MONTH_DAY_FORMAT")
    else:
        start = date_format(first, "DATE_FORMAT")
    return f"{start}–{date_format(last, 'DATE_FORMAT')}"
