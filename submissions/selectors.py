"""Reads of written comments: the public list and its search, with their joins chosen here."""

import json
from dataclasses import dataclass
from types import SimpleNamespace

from django.contrib.postgres.search import SearchQueryField
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Expression,
    F,
    Func,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
    Window,
)

from sessions.models import Dialogue
from stakeholders.models import Organisation

from .models import SEARCH_CONFIGURATIONS, Attachment, WrittenComment
from .services import RECORDABLE_DIALOGUE_STATES


@dataclass(frozen=True)
class CommentFilters:
    dialogue: int | None = None
    working_group: int | None = None
    category: str = ""
    language: str = ""
    agenda_item: int | None = None
    cluster: str = ""
    organisation: int | None = None
    query: str = ""


# --- Search -------------------------------------------------------------------------------


class _QueryInEveryLanguage(Expression):
    """The words asked for, read in each language's text-search configuration and joined
    with OR, each distinct reading once (English and French both stem "victims" to
    "victim"): a tsquery, worked out once per query by PostgreSQL.

    A subquery rather than a constant on purpose: the planner then cannot weigh how common
    the words are, and always takes the GIN index. Given the constant it reads a common
    word's thousands of matches row by row from the table instead, which costs several
    times more than the index here.
    """

    output_field = SearchQueryField()

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def as_sql(self, compiler, connection):
        configs = sorted(set(SEARCH_CONFIGURATIONS.values()))
        readings = ", ".join("websearch_to_tsquery(%s::regconfig, %s)" for _config in configs)
        # Only placeholders go into the text; the words are parameters.
        head = "(SELECT string_agg(DISTINCT '(' || reading::text || ')', ' | ')::tsquery FROM unnest(ARRAY["
        sql = f"{head}{readings}]) AS reading WHERE reading::text <> '')"  # noqa: S608
        params = []
        for config in configs:
            params += [config, self.text]
        return sql, params


class _Matches(Func):
    """``vector @@ query``: a condition for filter()."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


# The title's words: the weight-A part of the stored vector (GIN index comment_title_search_gin).
_TITLE_VECTOR = Func(
    F("search_vector"), Value("{a}"), function="ts_filter", template='%(function)s(%(expressions)s::"char"[])'
)


def _search(comments: QuerySet[WrittenComment], text: str) -> QuerySet[WrittenComment]:
    """The comments with the words, title matches first, then newest first.

    On PostgreSQL, over the stored vectors' GIN index; the title matches are a second GIN
    index's answer, looked up by id: no row's vector is read, nor ranked, so a word in
    thousands of comments costs an index scan and a sort of dates, not a ranking of every
    match. Elsewhere, a plain case-insensitive match of every word.
    """
    if connection.vendor == "postgresql":
        in_title = WrittenComment.objects.published().filter(
            _Matches(_TITLE_VECTOR, _QueryInEveryLanguage(text))
        )
        return (
            comments.filter(_Matches(F("search_vector"), _QueryInEveryLanguage(text)))
            .annotate(
                title_hit=Case(
                    When(pk__in=in_title.values("pk"), then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            )
            .order_by("-title_hit", "-published_at", "-id")
        )
    words = text.split()
    matches = Q()
    for word in words:
        matches &= Q(title__icontains=word) | Q(body__icontains=word)
    title_hit = Q()
    for word in words:
        title_hit &= Q(title__icontains=word)
    return (
        comments.filter(matches)
        .annotate(title_hit=Case(When(title_hit, then=1), default=0, output_field=IntegerField()))
        .order_by("-title_hit", "-published_at", "-id")
    )


def _matching(filters: CommentFilters) -> QuerySet[WrittenComment]:
    """The published comments the filters keep, in the list's order: newest first, or title
    matches first when searching. No joins chosen here: each reader picks its own."""
    comments = WrittenComment.objects.published().order_by("-published_at", "-id")
    if filters.dialogue:
        comments = comments.filter(dialogue=filters.dialogue)
    if filters.working_group:
        comments = comments.filter(dialogue__session__working_group=filters.working_group)
    if filters.category:
        comments = comments.filter(organisation__category=filters.category)
    if filters.language:
        comments = comments.filter(language=filters.language)
    if filters.agenda_item:
        comments = comments.filter(agenda_item=filters.agenda_item)
    if filters.cluster:
        comments = comments.filter(Q(cluster=filters.cluster) | Q(agenda_item__cluster=filters.cluster))
    if filters.organisation:
        # Never through a comment published without the organisation's name.
        comments = comments.filter(organisation=filters.organisation, published_anonymously=False)
    if filters.query.strip():
        comments = _search(comments, filters.query.strip())
    return comments


def published_comments(filters: CommentFilters = CommentFilters()) -> QuerySet[WrittenComment]:
    """The public list (the feeds, the CSV): newest first, or title matches first when
    searching, with what each row shows; a fixed number of queries."""
    return (
        _matching(filters)
        .select_related("organisation", "dialogue__session__working_group", "agenda_item")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("created_at", "id")))
        .defer("search_vector")
    )


# --- One page of the list -----------------------------------------------------------------


class _AttachmentRows(Expression):
    """A comment's attachments as JSON text, ``[[pk, name, kind, size], …]`` in their order:
    read with the page's rows rather than by one more query, and written out here rather
    than composed by the ORM, whose JSON functions took longer to compile than to run."""

    output_field = TextField()

    def as_sql(self, compiler, connection):
        comment = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        table = Attachment._meta.db_table
        # Names only, from the models and the query: no value goes into the text.
        if connection.vendor == "postgresql":
            row = "jsonb_build_array(a.id, a.original_name, a.kind, a.size)"
            rows = f"jsonb_agg({row} ORDER BY a.created_at, a.id)"
            sql = f"(SELECT {rows}::text FROM {table} a WHERE a.comment_id = {comment}.id)"  # noqa: S608
        else:
            rows = "json_group_array(json_array(a.id, a.original_name, a.kind, a.size))"
            ordered = f"SELECT * FROM {table} WHERE comment_id = {comment}.id ORDER BY created_at, id"  # noqa: S608
            sql = f"(SELECT {rows} FROM ({ordered}) a)"  # noqa: S608
        return sql, []


def _page_rows(ids: list[int] | None = None, comments: QuerySet[WrittenComment] | None = None):
    """The rows a page shows, with their organisation, agenda item and attachments
    (``attachment_rows``); the dialogue comes from the view (shared, with its ordinal)."""
    if comments is None:
        comments = WrittenComment.objects.published().filter(pk__in=ids).defer("search_vector")
    return comments.select_related("organisation", "agenda_item").annotate(attachment_rows=_AttachmentRows())


def _unpack_attachments(comments) -> None:
    content_types = Attachment.CONTENT_TYPES
    for comment in comments:
        comment.public_attachments = [
            SimpleNamespace(pk=pk, original_name=name, kind=kind, size=size, content_type=content_types[kind])
            for pk, name, kind, size in json.loads(comment.attachment_rows or "[]")
        ]


class _RankedMatches:
    """A search's matches as Paginator reads them: the total and the ids of the page asked
    for in one query (a window count over the matches), then that page's rows in a second.

    ``count()`` reads the page the request asks for; a slice of another page (the request
    asked beyond the last one) reads again.
    """

    def __init__(self, matches: QuerySet[WrittenComment], offset: int, size: int):
        self.matches = matches
        self.offset = offset
        self.size = size
        self._total: int | None = None
        self._ids: dict[int, list[int]] = {}

    def _read(self, offset: int) -> None:
        ranked = self.matches.annotate(total=Window(Count("pk"))).values_list("pk", "total")[
            offset : offset + self.size
        ]
        rows = list(ranked)
        self._ids[offset] = [pk for pk, _total in rows]
        if rows:
            self._total = rows[0][1]
        elif offset == 0:
            self._total = 0

    def count(self) -> int:
        if self._total is None:
            self._read(self.offset)
        if self._total is None:  # asked beyond the end: count the plain way
            self._total = self.matches.count()
        return self._total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, bounds: slice) -> list[int]:
        offset = bounds.start or 0
        if offset not in self._ids:
            self._read(offset)
        return self._ids[offset][: (bounds.stop or offset + self.size) - offset]


def page_comments(ids: list[int]) -> dict[int, WrittenComment]:
    """The published comments with these ids, with what their cards show (organisation,
    agenda item, ``public_attachments``), by id: one query."""
    comments = list(_page_rows(ids))
    _unpack_attachments(comments)
    return {comment.pk: comment for comment in comments}


def published_comment_page(filters: CommentFilters, number, per_page: int) -> Page:
    """One page of the public list (``number`` as the request gives it; Paginator.get_page's
    rules for a missing or wrong one).

    Listing, the page holds the comments, each with ``public_attachments``: two queries, the
    count and the page. Searching, it holds their ids, read with the total in one query;
    ``page_comments`` reads the rows of those whose card is not built yet. The dialogues are
    not joined: the view shares the ones it read for the filters (with their ordinals).
    """
    if filters.query.strip():
        try:
            wanted = max(int(number), 1)
        except (TypeError, ValueError):
            wanted = 1
        object_list = _RankedMatches(_matching(filters), offset=(wanted - 1) * per_page, size=per_page)
        page = Paginator(object_list, per_page).get_page(number)
        page.object_list = list(page.object_list)
        return page
    page = Paginator(_page_rows(comments=_matching(filters).defer("search_vector")), per_page).get_page(
        number
    )
    page.object_list = list(page.object_list)
    _unpack_attachments(page.object_list)
    return page


# --- The secretariat's desk ------------------------------------------------------------------


def organisations_that_may_comment() -> QuerySet:
    """Organisations admitted as observers, by name: those whose comment may be recorded."""
    # The queryset of stakeholders.selectors.participation_bar's rule: admitted.
    return Organisation.objects.admitted().distinct().order_by("name", "pk")


def recordable_dialogues() -> QuerySet:
    """Dialogues a comment received by e-mail may be recorded for, the latest first."""
    return (
        Dialogue.objects.filter(state__in=RECORDABLE_DIALOGUE_STATES)
        .select_related("session__working_group")
        .order_by("-date", "-id")
    )


# --- What waits -------------------------------------------------------------------------


def comments_to_moderate_count() -> int:
    """Submitted comments awaiting the secretariat's decision: the moderation queue's default."""
    return WrittenComment.objects.filter(state=WrittenComment.State.SUBMITTED).count()


def comments_of_organisations(*, organisations) -> QuerySet[WrittenComment]:
    """The comments of ``organisations`` (drafts included: they are their own), newest
    first, with their dialogue: one query whatever their number."""
    return (
        WrittenComment.objects.filter(organisation__in=organisations)
        .select_related("dialogue__session__working_group")
        .defer("body", "search_vector")
        .order_by("-created_at", "-id")
    )
