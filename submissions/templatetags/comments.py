"""Showing what stakeholders wrote: plain text made safe HTML, excerpts, who wrote it, and
the public list's cards (rendered from their template, kept per version of the public pages).

A comment's body is plain text typed by anyone with an account: it is escaped before
anything else, and the only markup added is ours (paragraphs, line breaks, links).
"""

import re
import threading
from collections import OrderedDict
from collections.abc import Callable

from django import template
from django.core.cache import cache
from django.template.loader import get_template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import Urlizer
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from sessions.models import Cluster
from sessions.templatetags.portal import dialogue_title
from stakeholders.models import Category
from submissions.models import Language

register = template.Library()

# What the public sees instead of the organisation of a comment published without its name.
ANONYMOUS_ORGANISATION = _("a non-governmental organization")

EXCERPT_WORDS = 60
# Chinese, Japanese and Korean text has no spaces between words: cap the excerpt's length too.
EXCERPT_CHARACTERS = 600

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


class _StakeholderUrlizer(Urlizer):
    # Links in stakeholders' text are theirs, not the portal's endorsement (nofollow), and the
    # page they open gets no handle on ours (noopener).
    url_template = '<a href="{href}" rel="nofollow noopener"{attrs}>{url}</a>'


_urlize = _StakeholderUrlizer()


def body_html(text: str) -> SafeString:
    """Plain text as escaped paragraphs (blank lines) and line breaks, its URLs made links."""
    text = str(text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return mark_safe("")  # noqa: S308 - empty
    paragraphs = []
    for paragraph in _PARAGRAPH_BREAK.split(text):
        # autoescape=True escapes every word that is not a URL, and the URLs' text and href.
        linked = _urlize(paragraph.strip(), nofollow=False, autoescape=True)
        paragraphs.append("<p>{}</p>".format(linked.replace("\n", "<br>")))
    return mark_safe("\n".join(paragraphs))  # noqa: S308 - every piece escaped above


def excerpt(text: str) -> str:
    """The first words of a body, on one line, as plain text (the caller escapes it)."""
    # Split off the first words only: a list page makes 25 of these per request.
    words = str(text or "").split(None, EXCERPT_WORDS)
    cut = len(words) > EXCERPT_WORDS
    short = " ".join(words[:EXCERPT_WORDS])
    if len(short) > EXCERPT_CHARACTERS:
        short, cut = short[:EXCERPT_CHARACTERS].rstrip(), True
    return f"{short}…" if cut else short


def organisation_label(comment) -> str:
    """The organisation's name for the public, or the anonymous wording when published without it."""
    if comment.published_anonymously:
        return str(ANONYMOUS_ORGANISATION)
    organisation = comment.organisation
    if organisation.acronym:
        return f"{organisation.name} ({organisation.acronym})"
    return organisation.name


def organisation_country(comment) -> str:
    """The organisation's country, never for a comment published without its name."""
    if comment.published_anonymously:
        return ""
    return comment.organisation.country.name or ""


register.filter("comment_body", body_html, is_safe=False)
register.filter("comment_excerpt", excerpt)
register.filter("comment_organisation", organisation_label)
register.filter("comment_country", organisation_country)


@register.simple_tag
def dialogue_label(dialogue) -> str:
    """ "First constructive dialogue, 6 May 2022 (Working Group on Firearms)": the ``ordinal``
    comes annotated (sessions.selectors.with_ordinals) or set by the view."""
    # Kept on the instance: a list page shares one instance per dialogue among its comments.
    language = get_language()
    cached = getattr(dialogue, "_public_label", None)
    if cached is None or cached[0] != language:
        cached = (
            language,
            gettext_now("%(title)s, %(date)s (%(group)s)")
            % {
                "title": dialogue_title(dialogue),
                "date": date_format(dialogue.date, "DATE_FORMAT"),
                "group": dialogue.session.working_group,
            },
        )
        dialogue._public_label = cached
    return cached[1]


# The labels of the choices shown on every card, looked up directly: a model's
# get_FOO_display() rebuilds its choices on each call, translating every label.
_CHOICE_LABELS = {
    "category": dict(Category.choices),
    "cluster": dict(Cluster.choices),
    "language": dict(Language.choices),
}


_TRANSLATED: dict[tuple[str, str], dict[str, str]] = {}


def choice_label_map(kind: str, language: str) -> dict[str, str]:
    """The labels of one kind of choice in one language, translated once."""
    key = (kind, language)
    labels = _TRANSLATED.get(key)
    if labels is None:
        labels = _TRANSLATED[key] = {code: str(label) for code, label in _CHOICE_LABELS[kind].items()}
    return labels


@register.filter
def choice_label(value: str, kind: str) -> str:
    """``{{ comment.language|choice_label:"language" }}``: the label of a stored choice."""
    return choice_label_map(kind, get_language()).get(value, value)


def _attachments(comment):
    # Read with the page as plain rows (selectors.published_comment_page), else the relation.
    rows = getattr(comment, "public_attachments", None)
    return comment.attachments.all() if rows is None else rows


CARD_TEMPLATE = "submissions/public/includes/comment_card.html"


def comment_cards(comments) -> list[str]:
    """The cards of the public list, each its ``<li class="card">``, from the card template.

    Each card is rendered once per version of the public pages and kept (``cards_html``),
    so the template engine works only for cards not shown since the last change.
    """
    card = get_template(CARD_TEMPLATE)
    return [
        card.render({"comment": comment, "attachments": list(_attachments(comment))}).strip()
        for comment in comments
    ]


class _CardCache:
    """Cards already built by this process, by the version of the public pages (with the
    language and time zone they are shown in): a search shows, in another order, cards
    that earlier searches showed. A new version leaves the old cards unasked; the least
    recently shown go first once the cache is full."""

    def __init__(self, size: int):
        self.size = size
        self._cards: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            card = self._cards.get(key)
            if card is not None:
                self._cards.move_to_end(key)
            return card

    def put(self, key, card: str) -> None:
        with self._lock:
            self._cards[key] = card
            self._cards.move_to_end(key)
            while len(self._cards) > self.size:
                self._cards.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._cards.clear()


CARD_CACHE = _CardCache(4096)


# How long the shared cache keeps a card: as the cached pages (views/public.py), since a card
# is never invalidated, only no longer asked for under a new version.
SHARED_CARD_SECONDS = 60 * 60


def _shared_key(context: tuple, pk: int) -> str:
    version, language, zone = context
    return f"public-comments:{version}:card:{language}:{zone}:{pk}"


def cards_html(ids: list[int], version: str | None, read: Callable[[list[int]], dict]) -> SafeString:
    """The cards of the comments ``ids``, in that order: those rendered for this version
    before, from this process's memory, else from the shared cache (rendered by another
    process or host), the others rendered from ``read(missing ids)`` (comments by id) and
    kept in both. Without a version (inside a transaction) nothing is kept."""
    context = (version, get_language(), timezone.get_current_timezone_name())
    cards = {} if version is None else {pk: CARD_CACHE.get((*context, pk)) for pk in ids}
    missing = [pk for pk in ids if cards.get(pk) is None]
    if missing and version is not None:
        # One round trip for all of them: after a change every process asks for the same cards.
        shared = cache.get_many([_shared_key(context, pk) for pk in missing])
        for pk in missing:
            card = shared.get(_shared_key(context, pk))
            if card is not None:
                cards[pk] = card
                CARD_CACHE.put((*context, pk), card)
        missing = [pk for pk in missing if cards.get(pk) is None]
    if missing:
        comments = read(missing)
        found = [pk for pk in missing if pk in comments]
        built = dict(zip(found, comment_cards(comments[pk] for pk in found), strict=True))
        cards.update(built)
        if version is not None:
            for pk, card in built.items():
                CARD_CACHE.put((*context, pk), card)
            cache.set_many(
                {_shared_key(context, pk): card for pk, card in built.items()}, SHARED_CARD_SECONDS
            )
    return mark_safe("\n".join(cards[pk] for pk in ids if cards.get(pk)))  # noqa: S308 - rendered escaped
