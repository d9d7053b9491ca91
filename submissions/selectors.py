"""Reads of written comments: the public list and its search, with their joins chosen here."""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, F, FloatField, IntegerField, Prefetch, Q, QuerySet, Value, When

from .models import SEARCH_CONFIGURATIONS, Attachment, WrittenComment


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


def _search(comments: QuerySet[WrittenComment], text: str) -> QuerySet[WrittenComment]:
    """Full text on PostgreSQL (stored vectors, GIN index, ranked, title matches first);
    a plain match elsewhere, title matches first too."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank

        # A comment's vector is built in its own language; the query is read in each of
        # them, so a word matches whatever the language it was written in.
        query = None
        for config in sorted(set(SEARCH_CONFIGURATIONS.values())):
            part = SearchQuery(text, config=config, search_type="websearch")
            query = part if query is None else query | part
        return (
            comments.filter(search_vector=query)
            .annotate(
                rank=SearchRank(F("search_vector"), query),
                # ts_rank with weight only on A (the title): above zero when the title matches.
                title_rank=SearchRank(F("search_vector"), query, weights=[0.0, 0.0, 0.0, 1.0]),
            )
            .annotate(title_hit=Case(When(title_rank__gt=0, then=1), default=0, output_field=IntegerField()))
            .order_by("-title_hit", "-rank", "-published_at", "-id")
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
        .annotate(
            title_hit=Case(When(title_hit, then=1), default=0, output_field=IntegerField()),
            rank=Value(0.0, output_field=FloatField()),
        )
        .order_by("-title_hit", "-published_at", "-id")
    )


def published_comments(filters: CommentFilters = CommentFilters()) -> QuerySet[WrittenComment]:
    """The public list: newest first, or by relevance when searching; a fixed number of queries."""
    comments = (
        WrittenComment.objects.published()
        .select_related("organisation", "dialogue__session__working_group", "agenda_item")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("created_at", "id")))
        .defer("search_vector")
        .order_by("-published_at", "-id")
    )
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
