"""Showing what stakeholders wrote: plain text made safe HTML, excerpts, and who wrote it.

A comment's body is plain text typed by anyone with an account: it is escaped before
anything else, and the only markup added is ours (paragraphs, line breaks, links).
"""

import re

from django import template
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import Urlizer, escape, format_html
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
                "date": date_format(dialogue.date, "j F Y"),
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


@register.filter
def choice_label(value: str, kind: str) -> str:
    """``{{ comment.language|choice_label:"language" }}``: the label of a stored choice."""
    key = (kind, get_language())
    labels = _TRANSLATED.get(key)
    if labels is None:
        labels = _TRANSLATED[key] = {code: str(label) for code, label in _CHOICE_LABELS[kind].items()}
    return labels.get(value, value)


def _dialogue_link(dialogue) -> SafeString:
    """A link to the dialogue's page, kept on the instance that the page's comments share."""
    link = getattr(dialogue, "_public_link", None)
    if link is None or link[0] != get_language():
        link = (
            get_language(),
            format_html(
                '<a href="{}">{}</a>',
                reverse("dialogue_detail", args=[dialogue.pk]),
                dialogue_label(dialogue),
            ),
        )
        dialogue._public_link = link
    return link[1]


def _lang(language: str) -> SafeString:
    """The ``lang`` attribute for text in a comment's language ("other" has no code)."""
    return format_html(' lang="{}"', language) if language != "other" else mark_safe("")  # noqa: S308


def _attachments(comment):
    # Read with the page as plain rows (selectors.published_comment_page), else the relation.
    rows = getattr(comment, "public_attachments", None)
    return comment.attachments.all() if rows is None else rows


class _Cards:
    """What the cards of one page share, worked out once for the page: the labels of each
    organisation, each day and each choice, and the comment link's pattern."""

    def __init__(self):
        self.language = get_language()
        self.days: dict = {}
        self.who: dict = {}
        # reverse() once: the comment's pk goes where this one is.
        self.url = reverse("submissions:detail", args=[987654321]).split("987654321")
        self.agenda_item = escape(gettext_now("Agenda item"))

    def day(self, moment) -> tuple[str, str]:
        local = timezone.localtime(moment)
        day = self.days.get(local.date())
        if day is None:
            day = self.days[local.date()] = date_format(local, "j F Y")
        return local.isoformat(), day

    def who_html(self, comment) -> str:
        organisation = comment.organisation
        key = (organisation.pk, comment.published_anonymously)
        html = self.who.get(key)
        if html is None:
            parts = [organisation_label(comment), choice_label(organisation.category, "category")]
            if not comment.published_anonymously:
                parts.append(organisation_country(comment))
            html = self.who[key] = " · ".join(escape(part) for part in parts)
        return html

    def card(self, comment) -> str:
        """One comment: title, who, where, excerpt, attachments; every value escaped here."""
        where = [_dialogue_link(comment.dialogue)]
        item = comment.agenda_item
        if item is not None:
            where.append(f"{self.agenda_item} {escape(item)}")
        cluster = comment.cluster or (item.cluster if item is not None else "")
        if cluster:
            where.append(escape(choice_label(cluster, "cluster")))
        where.append(escape(choice_label(comment.language, "language")))
        iso, day = self.day(comment.published_at)
        lang = _lang(comment.language)
        attachments = "\n".join(
            '<li><a href="{}" type="{}" download>{}</a> <span class="meta">({}, {})</span></li>'.format(
                escape(reverse("submissions:attachment", args=[attachment.pk])),
                escape(attachment.content_type),
                escape(attachment.original_name),
                escape(attachment.kind.upper()),
                escape(filesizeformat(attachment.size)),
            )
            for attachment in _attachments(comment)
        )
        return (
            f'<article aria-labelledby="comment-{comment.pk}">\n'
            f'<h2 id="comment-{comment.pk}"{lang}><a href="{self.url[0]}{comment.pk}{self.url[1]}">'
            f"{escape(comment.title)}</a></h2>\n"
            f'<p class="meta">{self.who_html(comment)} · <time datetime="{iso}">{escape(day)}</time></p>\n'
            f'<p class="meta">{" · ".join(where)}</p>\n'
            f'<p class="excerpt"{lang}>{escape(excerpt(comment.body))}</p>\n'
            + (f'<ul class="plain attachments">\n{attachments}\n</ul>\n' if attachments else "")
            + "</article>"
        )


@register.simple_tag
def comment_cards(comments) -> SafeString:
    """The cards of the public list, each in its ``<li class="card">``.

    Built in Python rather than in a template, all of a page at once: the list shows 25 of
    these, and the template engine spent most of the page's time on them. Every value is
    escaped (django.utils.html.escape) where it goes in.
    """
    cards = _Cards()
    return mark_safe(  # noqa: S308 - every value escaped in _Cards.card
        "\n".join(f'<li class="card">{cards.card(comment)}</li>' for comment in comments)
    )
