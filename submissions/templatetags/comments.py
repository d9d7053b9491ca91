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
from django.utils.html import Urlizer, format_html, format_html_join
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


@register.simple_tag
def comment_card(comment) -> SafeString:
    """One comment of the public list: title, who, where, excerpt, attachments.

    Built in Python rather than in a template: the list page shows 25 of these, and the
    template engine spent most of the page's time on them. Every value goes through
    format_html, which escapes it.
    """
    detail_url = reverse("submissions:detail", args=[comment.pk])
    published = timezone.localtime(comment.published_at)
    who = [organisation_label(comment), choice_label(comment.organisation.category, "category")]
    if not comment.published_anonymously:
        who.append(organisation_country(comment))
    where = [_dialogue_link(comment.dialogue)]
    item = comment.agenda_item
    if item is not None:
        where.append(format_html("{} {}", gettext_now("Agenda item"), item))
    cluster = comment.cluster or (item.cluster if item is not None else "")
    if cluster:
        where.append(choice_label(cluster, "cluster"))
    where.append(choice_label(comment.language, "language"))
    attachments = format_html_join(
        "\n",
        '<li><a href="{}" type="{}" download>{}</a> <span class="meta">({}, {})</span></li>',
        (
            (
                reverse("submissions:attachment", args=[attachment.pk]),
                attachment.content_type,
                attachment.original_name,
                attachment.kind.upper(),
                filesizeformat(attachment.size),
            )
            for attachment in comment.attachments.all()
        ),
    )
    return format_html(
        '<article aria-labelledby="comment-{pk}">\n'
        '<h2 id="comment-{pk}"{lang}><a href="{url}">{title}</a></h2>\n'
        '<p class="meta">{who} · <time datetime="{iso}">{day}</time></p>\n'
        '<p class="meta">{where}</p>\n'
        '<p class="excerpt"{lang}>{excerpt}</p>\n'
        "{attachments}"
        "</article>",
        pk=comment.pk,
        lang=_lang(comment.language),
        url=detail_url,
        title=comment.title,
        who=format_html_join(" · ", "{}", ((part,) for part in who)),
        iso=published.isoformat(),
        day=date_format(published, "j F Y"),
        where=format_html_join(" · ", "{}", ((part,) for part in where)),
        excerpt=excerpt(comment.body),
        attachments=format_html('<ul class="plain attachments">\n{}\n</ul>\n', attachments)
        if attachments
        else "",
    )
