"""The public side of written comments: the list with its filters and search, a page per
comment, the Atom feeds, the CSV export of the filtered list, and attachment downloads.

Every comment shown here comes through ``selectors`` (the published ones only) or
``permissions.get_published_comment``; every attachment through
``permissions.get_attachment_for_user``.

What is cached, always under the version of what these pages show (``public_version``, one
query per request, changed by the database with every change to it): the filter choices, the
main content of a list page and of a comment's page (not a search's: searches are too many,
and cheap by themselves), the filter selects, and each comment's card (in the process). The
frame around the content (base.html: who is signed in, messages, the CSRF token of the
language form) is rendered for each request, so one cached content serves everyone. The
feeds are not cached: they cost one query.
"""

import csv
import datetime
import functools
import hashlib
from dataclasses import dataclass

from django import forms
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from dialogue_portal.forms import PortalForm
from dialogue_portal.links import absolute_reverse
from sessions.models import AgendaItem, Cluster, Dialogue, WorkingGroup
from sessions.selectors import public_dialogues_numbered
from stakeholders.models import Category, Organisation

from ..feeds import DialogueCommentsFeed, LatestCommentsFeed
from ..models import Language, WrittenComment
from ..permissions import get_attachment_for_user, get_published_comment
from ..public_version import public_version
from ..selectors import CommentFilters, page_comments, published_comment_page, published_comments
from ..templatetags.comments import cards_html, dialogue_label, organisation_country, organisation_label

PER_PAGE = 25

feed = LatestCommentsFeed()
dialogue_feed = DialogueCommentsFeed()


# --- The cache ----------------------------------------------------------------------------

# Keyed by the version of what these pages show (submissions.public_version), which changes
# in the same transaction as any change to it: an entry is never invalidated, only no
# longer asked for. The time only bounds what the cache keeps.
CACHE_SECONDS = 60 * 60


def _key(version: str, kind: str, detail: str = "") -> str:
    digest = hashlib.sha256(detail.encode()).hexdigest()[:32]
    return (
        f"public-comments:{version}:{kind}:{get_language()}:{timezone.get_current_timezone_name()}:{digest}"
    )


def _cache_get(version: str | None, kind: str, detail: str = ""):
    """The cached value, or None; never anything without a version (inside a transaction)."""
    return None if version is None else cache.get(_key(version, kind, detail))


def _cache_set(version: str | None, kind: str, detail: str, value) -> None:
    if version is not None:
        cache.set(_key(version, kind, detail), value, CACHE_SECONDS)


# --- Filters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FilterOptions:
    """What the filter selects offer: three queries, once per version and language."""

    dialogues: list[Dialogue]
    agenda_items: list[AgendaItem]
    organisations: list[Organisation]

    @classmethod
    def read(cls) -> "FilterOptions":
        published = WrittenComment.objects.published()
        return cls(
            # Every dialogue, not only those with comments: its page links here with ?dialogue=.
            dialogues=public_dialogues_numbered(),
            # EXISTS: one index probe per agenda item or organisation, however many comments.
            agenda_items=list(
                AgendaItem.objects.filter(Exists(published.filter(agenda_item=OuterRef("pk")))).order_by(
                    "-dialogue__date", "dialogue_id", "number"
                )
            ),
            # Only organisations named on at least one published comment: an organisation
            # published only without its name must not appear here.
            organisations=list(
                Organisation.objects.filter(
                    Exists(published.filter(organisation=OuterRef("pk"), published_anonymously=False))
                ).order_by("name", "pk")
            ),
        )

    @classmethod
    def for_version(cls, version: str | None) -> "FilterOptions":
        """Read once per version and language (with the dialogues' labels worked out), then
        from the cache until a comment, organisation or dialogue changes."""
        options = _cache_get(version, "options")
        if options is None:
            options = cls.read()
            for dialogue in options.dialogues:
                dialogue_label(dialogue)  # kept on the instance, cached with it
            _cache_set(version, "options", "", options)
        return options

    @property
    def working_groups(self) -> list[WorkingGroup]:
        """The working groups of the dialogues (read with them): one without a dialogue has no comment."""
        groups = {dialogue.session.working_group for dialogue in self.dialogues}
        return sorted(groups, key=lambda group: (group.name, group.pk))

    def by_pk(self) -> dict[int, Dialogue]:
        """The dialogues, read with their ordinal and working group, to share among comments."""
        return {dialogue.pk: dialogue for dialogue in self.dialogues}


class _FilterSelect(forms.Select):
    """Django's select with its options written in one template rather than one template each
    (a third less time for the filters' few dozen options); the same options, the same choice
    selected."""

    template_name = "submissions/public/widgets/select.html"


class CommentFilterForm(PortalForm):
    q = forms.CharField(
        label=gettext_lazy("Search the comments"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    dialogue = forms.TypedChoiceField(
        label=gettext_lazy("Dialogue"), required=False, coerce=int, empty_value=None, widget=_FilterSelect
    )
    working_group = forms.TypedChoiceField(
        label=gettext_lazy("Working group"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=_FilterSelect,
    )
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False, widget=_FilterSelect)
    language = forms.ChoiceField(label=gettext_lazy("Language"), required=False, widget=_FilterSelect)
    agenda_item = forms.TypedChoiceField(
        label=gettext_lazy("Agenda item"), required=False, coerce=int, empty_value=None, widget=_FilterSelect
    )
    cluster = forms.ChoiceField(label=gettext_lazy("Cluster"), required=False, widget=_FilterSelect)
    organisation = forms.TypedChoiceField(
        label=gettext_lazy("Organisation"), required=False, coerce=int, empty_value=None, widget=_FilterSelect
    )

    def __init__(self, *args, options: FilterOptions, **kwargs):
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["dialogue"].choices = [("", _("All dialogues"))] + [
            (dialogue.pk, dialogue_label(dialogue)) for dialogue in options.dialogues
        ]
        fields["working_group"].choices = [("", _("All working groups"))] + [
            (group.pk, group.name) for group in options.working_groups
        ]
        fields["category"].choices = [("", _("All categories")), *Category.choices]
        fields["language"].choices = [("", _("All languages")), *Language.choices]
        dialogues = options.by_pk()
        items: dict[str, list] = {}
        for item in options.agenda_items:
            # Grouped under their dialogue, already read with its ordinal and working group.
            items.setdefault(dialogue_label(dialogues[item.dialogue_id]), []).append((item.pk, str(item)))
        fields["agenda_item"].choices = [("", _("All agenda items")), *items.items()]
        fields["cluster"].choices = [("", _("All clusters")), *Cluster.choices]
        fields["organisation"].choices = [("", _("All organisations"))] + [
            (
                organisation.pk,
                f"{organisation.name} ({organisation.acronym})"
                if organisation.acronym
                else organisation.name,
            )
            for organisation in options.organisations
        ]

    def filters(self) -> CommentFilters | None:
        """The filters asked for, or None when a value is not one of the choices (then nothing
        matches, rather than silently widening the list)."""
        if not self.is_bound:
            return CommentFilters()
        if not self.is_valid():
            return None
        data = self.cleaned_data
        return CommentFilters(
            dialogue=data["dialogue"],
            working_group=data["working_group"],
            category=data["category"],
            language=data["language"],
            agenda_item=data["agenda_item"],
            cluster=data["cluster"],
            organisation=data["organisation"],
            query=data["q"].strip(),
        )


class _SearchBox(PortalForm):
    """The filter form's search box alone, for a request that asks for words only."""

    q = CommentFilterForm.base_fields["q"]

    def filters(self) -> CommentFilters | None:
        """As CommentFilterForm.filters with every select at "All …"."""
        if not self.is_bound:
            return CommentFilters()
        if not self.is_valid():
            return None
        return CommentFilters(query=self.cleaned_data["q"].strip())


def _filtered(request) -> tuple[CommentFilterForm, FilterOptions, QuerySet[WrittenComment]]:
    options = FilterOptions.for_version(public_version())
    form = CommentFilterForm(request.GET or None, options=options)
    filters = form.filters()
    comments = WrittenComment.objects.none() if filters is None else published_comments(filters)
    return form, options, comments


def _share_dialogues(comments, options: FilterOptions) -> None:
    """Give each comment the dialogue already read for the filters, with its ordinal: one
    instance per dialogue, so that its label is worked out once."""
    dialogues = options.by_pk()
    for comment in comments:
        dialogue = dialogues.get(comment.dialogue_id)
        if dialogue is not None:  # (the page's rows are read without their dialogue)
            comment.dialogue = dialogue


# --- Pages --------------------------------------------------------------------------------


def comment_list(request):
    """The list, filtered and searched. Its main content is cached whole unless searching:
    searches are too many to cache, and are cheap by themselves (selectors._search). The
    frame around it (base.html: who is signed in, messages, the CSRF token of the language
    form) is rendered for each request."""
    version = public_version()
    searching = bool(request.GET.get("q", "").strip())
    query = request.GET.urlencode()
    cached = None if searching else _cache_get(version, "list", query)
    if cached is None:
        cached = _list_content(request, version)
        if not searching:
            _cache_set(version, "list", query, cached)
    return render(request, "submissions/public/comment_list.html", cached)


def _filter_selects(form: forms.Form, full_form, version: str | None) -> SafeString:
    """The filter form's selects with their labels (all its fields but the search box), from
    their template. They are the same for everyone who chose the same values: cached with the
    version, unless a value was refused (then each shows its error). ``full_form()`` gives
    the whole form, built only when they are rendered."""

    def rows() -> SafeString:
        return mark_safe(  # noqa: S308 - rendered by the template engine, which escapes
            render_to_string(
                "submissions/public/includes/comment_filter_selects.html", {"form": full_form()}
            ).strip()
        )

    if form.errors:
        return rows()
    names = [name for name in CommentFilterForm.base_fields if name != "q"]
    chosen = "&".join(f"{name}={form.data.get(name, '')}" for name in names)
    cached = _cache_get(version, "selects", chosen)
    if cached is None:
        cached = rows()
        _cache_set(version, "selects", chosen, cached)
    return cached


def _list_content(request, version: str | None) -> dict:
    data = request.GET or None
    options = functools.cache(lambda: FilterOptions.for_version(version))
    if set(request.GET) <= {"q", "page"}:
        # Words only (or nothing): every select shows "All …", from the cache; neither the
        # filter choices nor the form of eight fields are needed unless something is missing.
        form = _SearchBox(data)
    else:
        form = CommentFilterForm(data, options=options())

    @functools.cache
    def full_form() -> CommentFilterForm:
        return form if isinstance(form, CommentFilterForm) else CommentFilterForm(data, options=options())

    filters = form.filters()
    if filters is None:  # a value not offered: nothing matches
        page = Paginator([], PER_PAGE).get_page(None)
    else:
        page = published_comment_page(filters, request.GET.get("page"), PER_PAGE)
    if filters is not None and filters.query:  # the page holds ids: rows only for cards not built yet
        ids = page.object_list

        def read(missing: list[int]) -> dict:
            comments = page_comments(missing)
            _share_dialogues(comments.values(), options())
            return comments
    else:
        ids = [comment.pk for comment in page.object_list]
        by_pk = {comment.pk: comment for comment in page.object_list}
        _share_dialogues(page.object_list, options())

        def read(missing: list[int]) -> dict:
            return by_pk

    chosen_dialogue = form.cleaned_data.get("dialogue") if form.is_bound and not form.errors else None
    content = render_to_string(
        "submissions/public/includes/comment_list_content.html",
        {
            "form": form,
            "filter_selects": _filter_selects(form, full_form, version),
            "page": page,
            "cards": cards_html(ids, version, read),
            "searching": bool(filters and filters.query),
        },
        request=request,
    )
    return {"content": content, "dialogue_pk": chosen_dialogue}


def comment_detail(request, pk: int):
    version = public_version()
    cached = _cache_get(version, "detail", str(pk))
    if cached is None:
        comment = get_published_comment(pk)  # a 404 is not cached: it is one query
        content = render_to_string(
            "submissions/public/includes/comment_detail_content.html",
            {"comment": comment, "attachments": list(comment.attachments.order_by("created_at", "id"))},
            request=request,
        )
        cached = {"title": comment.title, "content": content}
        _cache_set(version, "detail", str(pk), cached)
    return render(request, "submissions/public/comment_detail.html", cached)


# --- CSV export ---------------------------------------------------------------------------


class _Lines:
    """csv.writer writes into this and gets each line back, for one join at the end."""

    def write(self, line: str) -> str:
        return line


def export_csv(request):
    from dialogue_portal.text import csv_cell

    form, options, comments = _filtered(request)
    writer = csv.writer(_Lines())
    lines = [
        "\ufeff",  # The BOM: spreadsheets then read the file as UTF-8.
        writer.writerow(
            [
                _("Tracking number"),
                _("Published (UTC)"),
                _("Dialogue"),
                _("Working group"),
                _("Organisation"),
                _("Category"),
                _("Country"),
                _("Language"),
                _("Title"),
                _("Comment page"),
            ]
        ),
    ]
    # Every matching row, not one page; the attachments are not in the file.
    for comment in comments.prefetch_related(None).iterator(chunk_size=2000):
        _share_dialogues([comment], options)
        dialogue = comment.dialogue
        row = [
            comment.tracking_number,
            comment.published_at.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M"),
            dialogue_label(dialogue),
            dialogue.session.working_group.name,
            organisation_label(comment),
            comment.organisation.get_category_display(),
            organisation_country(comment),
            comment.get_language_display(),
            comment.title,
            absolute_reverse("submissions:detail", args=[comment.pk]),
        ]
        # One line per cell, and no character a spreadsheet or a CSV reader would choke on,
        # whatever a row stored before the forms refused it holds.
        lines.append(writer.writerow([csv_cell(cell) for cell in row]))
    response = HttpResponse("".join(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="written-comments.csv"'
    return response


# --- Attachments --------------------------------------------------------------------------


def attachment(request, pk: int):
    attachment = get_attachment_for_user(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    # The browser must not second-guess the type (an HTML page disguised as a PDF).
    response["X-Content-Type-Options"] = "nosniff"
    if attachment.comment.state != WrittenComment.State.PUBLISHED:
        # Seen only by its organisation and the secretariat: no shared cache may keep it.
        patch_cache_control(response, private=True, no_store=True)
    return response
