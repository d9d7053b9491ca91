"""Atom feeds of newly published written comments: all of them, and those of one dialogue.

Readers treat an Atom summary as HTML, so the excerpt goes in escaped: "<script>" in a
body reaches them as text. The author is the organisation, or the anonymous wording for a
comment published without its name (then nothing else of the organisation is in the entry).

XML 1.0 cannot carry every character a row may hold (one stored before the forms refused
it, or through the shell): Django's generator refuses to write a control character, and
one such title would make the feed fail for everyone. Every text goes through
``dialogue_portal.text.clean_text`` on its way into the feed.
"""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from dialogue_portal.links import absolute_reverse, absolute_url
from dialogue_portal.text import clean_text
from sessions.permissions import get_dialogue_for_public

from .selectors import CommentFilters, published_comments
from .templatetags.comments import dialogue_label, excerpt, organisation_label

FEED_ITEMS = 50

# The texts that may span lines; every other one is a single line.
_MULTI_LINE = frozenset({"description", "subtitle", "content"})


def _cleaned(entries: dict) -> dict:
    cleaned = {}
    for key, value in entries.items():
        if isinstance(value, str):
            value = clean_text(value, multiline=key in _MULTI_LINE)
        elif isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
            value = type(value)(clean_text(item) for item in value)  # categories
        cleaned[key] = value
    return cleaned


class PlainAtom1Feed(Atom1Feed):
    """An Atom feed of text that XML can carry, whatever the rows hold."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.feed = _cleaned(self.feed)

    def add_item(self, *args, **kwargs):
        super().add_item(*args, **kwargs)
        self.items[-1] = _cleaned(self.items[-1])


class LatestCommentsFeed(Feed):
    feed_type = PlainAtom1Feed

    def title(self, obj=None) -> str:
        return _("Written comments on the constructive dialogues")

    def subtitle(self, obj=None) -> str:
        return _("Written comments of non-governmental stakeholders, newest first, as they are published.")

    def link(self, obj=None) -> str:
        return absolute_reverse("submissions:list")

    def feed_url(self, obj=None) -> str:
        return absolute_reverse("submissions:feed")

    def filters(self, obj) -> CommentFilters:
        return CommentFilters()

    def items(self, obj=None):
        # Newest first: the selector's order without a search.
        return published_comments(self.filters(obj)).prefetch_related(None)[:FEED_ITEMS]

    def item_title(self, item) -> str:
        return item.title

    def item_link(self, item) -> str:
        return absolute_reverse("submissions:detail", args=[item.pk])

    def item_description(self, item) -> str:
        return escape(excerpt(item.body))

    def item_author_name(self, item) -> str:
        return organisation_label(item)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at


class DialogueCommentsFeed(LatestCommentsFeed):
    def get_object(self, request, dialogue_pk: int):
        return get_dialogue_for_public(dialogue_pk)

    def title(self, obj=None) -> str:
        return _("Written comments: %(dialogue)s") % {"dialogue": dialogue_label(obj)}

    def link(self, obj=None) -> str:
        return absolute_url(f"{reverse('submissions:list')}?dialogue={obj.pk}")

    def feed_url(self, obj=None) -> str:
        return absolute_reverse("submissions:dialogue_feed", args=[obj.pk])

    def filters(self, obj) -> CommentFilters:
        return CommentFilters(dialogue=obj.pk)
