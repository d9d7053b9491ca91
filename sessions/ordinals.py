from django.contrib.humanize.templatetags.humanize import ordinal
from django.utils.translation import gettext_lazy as _

_WORDS = [
    _("first"), _("second"), _("third"), _("fourth"), _("fifth"),
    _("sixth"), _("seventh"), _("eighth"), _("ninth"), _("tenth"),
    _("eleventh"), _("twelfth"), _("thirteenth"), _("fourteenth"), _("fifteenth"),
    _("sixteenth"), _("seventeenth"), _("eighteenth"), _("nineteenth"), _("twentieth"),
]  # fmt: skip


def ordinal_word(number: int) -> str:
    """ "ninth" for 9, as UN documents spell session and dialogue numbers; "21st" beyond."""
    if 1 <= number <= len(_WORDS):
        return str(_WORDS[number - 1])
    return str(ordinal(number))
