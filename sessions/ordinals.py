from django.contrib.humanize.templatetags.humanize import ordinal
from django.utils.translation import pgettext_lazy

# "ninth" is one word in English and two or more elsewhere: French writes "première
# session" but "premier dialogue", Russian "девятая сессия" but "девятый диалог". Each
# ordinal is therefore asked for with what it counts, as a message context.
_WORDS = {
    "session": [
        pgettext_lazy("ordinal of a session", "first"),
        pgettext_lazy("ordinal of a session", "second"),
        pgettext_lazy("ordinal of a session", "third"),
        pgettext_lazy("ordinal of a session", "fourth"),
        pgettext_lazy("ordinal of a session", "fifth"),
        pgettext_lazy("ordinal of a session", "sixth"),
        pgettext_lazy("ordinal of a session", "seventh"),
        pgettext_lazy("ordinal of a session", "eighth"),
        pgettext_lazy("ordinal of a session", "ninth"),
        pgettext_lazy("ordinal of a session", "tenth"),
        pgettext_lazy("ordinal of a session", "eleventh"),
        pgettext_lazy("ordinal of a session", "twelfth"),
        pgettext_lazy("ordinal of a session", "thirteenth"),
        pgettext_lazy("ordinal of a session", "fourteenth"),
        pgettext_lazy("ordinal of a session", "fifteenth"),
        pgettext_lazy("ordinal of a session", "sixteenth"),
        pgettext_lazy("ordinal of a session", "seventeenth"),
        pgettext_lazy("ordinal of a session", "eighteenth"),
        pgettext_lazy("ordinal of a session", "nineteenth"),
        pgettext_lazy("ordinal of a session", "twentieth"),
    ],
    "dialogue": [
        pgettext_lazy("ordinal of a dialogue", "first"),
        pgettext_lazy("ordinal of a dialogue", "second"),
        pgettext_lazy("ordinal of a dialogue", "third"),
        pgettext_lazy("ordinal of a dialogue", "fourth"),
        pgettext_lazy("ordinal of a dialogue", "fifth"),
        pgettext_lazy("ordinal of a dialogue", "sixth"),
        pgettext_lazy("ordinal of a dialogue", "seventh"),
        pgettext_lazy("ordinal of a dialogue", "eighth"),
        pgettext_lazy("ordinal of a dialogue", "ninth"),
        pgettext_lazy("ordinal of a dialogue", "tenth"),
        pgettext_lazy("ordinal of a dialogue", "eleventh"),
        pgettext_lazy("ordinal of a dialogue", "twelfth"),
        pgettext_lazy("ordinal of a dialogue", "thirteenth"),
        pgettext_lazy("ordinal of a dialogue", "fourteenth"),
        pgettext_lazy("ordinal of a dialogue", "fifteenth"),
        pgettext_lazy("ordinal of a dialogue", "sixteenth"),
        pgettext_lazy("ordinal of a dialogue", "seventeenth"),
        pgettext_lazy("ordinal of a dialogue", "eighteenth"),
        pgettext_lazy("ordinal of a dialogue", "nineteenth"),
        pgettext_lazy("ordinal of a dialogue", "twentieth"),
    ],
}


def ordinal_word(number: int, *, of: str) -> str:
    """ "ninth" for 9, as UN documents spell session and dialogue numbers, in the form the
    counted thing (``of``: "session" or "dialogue") takes; "21st" beyond."""
    words = _WORDS[of]
    if 1 <= number <= len(words):
        return str(words[number - 1])
    return str(ordinal(number))
