from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..ordinals import ordinal_word

register = template.Library()


@register.simple_tag
def dialogue_title(dialogue) -> str:
    """ "First constructive dialogue", from the ``ordinal`` that the selectors annotate."""
    ordinal = getattr(dialogue, "ordinal", None)
    if ordinal is None:
        return _("Constructive dialogue (cancelled)")
    return _("%(ordinal)s constructive dialogue") % {"ordinal": ordinal_word(ordinal).capitalize()}


@register.simple_tag
def chair_heading(chairs) -> str:
    return ngettext("Chair", "Co-Chairs", len(chairs))
