"""The Atom feed of newly published CRPs: the 20 newest, each entry linking its revision's
own URL (which never changes) and carrying the PDF as an enclosure.

Its texts go through the comments feed's generator (``submissions.feeds.PlainAtom1Feed``),
which drops what XML cannot carry: a symbol or a title is typed text too.
"""

from django.contrib.syndication.views import Feed
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.feedgenerator import Enclosure
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dialogue_portal.links import absolute_reverse, absolute_url
from submissions.feeds import PlainAtom1Feed

from . import selectors
from .services import document_slug

FEED_ITEMS = 20


class LatestDocumentsFeed(Feed):
    feed_type = PlainAtom1Feed

    def title(self) -> str:
        return _("Conference Room Papers of the constructive dialogues")

    def subtitle(self) -> str:
        return _(
            "Summaries by the Chairs of the constructive dialogues, newest first, as they are published."
        )

    def link(self) -> str:
        return absolute_reverse("reports:documents")

    def feed_url(self) -> str:
        return absolute_reverse("reports:documents_feed")

    def items(self):
        return selectors.share_dialogue_ordinals(selectors.published_documents()[:FEED_ITEMS])

    def _url(self, item) -> str:
        return reverse(
            "reports:document_revision", args=[document_slug(item.summary.symbol), item.correction]
        )

    def item_title(self, item) -> str:
        return _("%(symbol)s: %(dialogue)s") % {"symbol": item.symbol, "dialogue": item.summary.dialogue}

    def item_link(self, item) -> str:
        return absolute_url(self._url(item))

    def item_guid(self, item) -> str:
        # The revision's URL is its identity: a correction is an entry of its own.
        return absolute_url(self._url(item))

    def item_description(self, item) -> str:
        # Escaped: Atom readers treat a summary as HTML, and a name may hold "&" or "<".
        words = {"dialogue": item.summary.dialogue, "pages": item.pages, "size": filesizeformat(item.size)}
        return escape(
            ngettext(
                "%(dialogue)s. PDF, %(pages)s page, %(size)s.",
                "%(dialogue)s. PDF, %(pages)s pages, %(size)s.",
                item.pages,
            )
            % words
        )

    def item_enclosures(self, item) -> list[Enclosure]:
        return [Enclosure(absolute_url(self._url(item)), str(item.size or 0), "application/pdf")]

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at
