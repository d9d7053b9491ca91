"""What the summary pages read, each in a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import ExtractYear, Replace
from django.utils.translation import gettext as _

from sessions.models import AgendaItem, Cluster, Dialogue, Intervention, Registration, WorkingGroup
from sessions.selectors import ordinal_of_dialogue
from submissions.models import WrittenComment

from .models import ChairSummary, CrpDocument, SummaryRevision


@dataclass
class SourceGroup:
    """What the Chair draws from under one agenda item and cluster."""

    agenda_item: AgendaItem | None
    cluster: str
    comments: list = field(default_factory=list)
    interventions: list = field(default_factory=list)

    @property
    def cluster_label(self) -> str:
        return str(Cluster(self.cluster).label) if self.cluster else ""


def _organisation_name(comment: WrittenComment) -> str:
    if comment.published_anonymously:
        return _("a non-governmental organization")
    return comment.organisation.name


def sources_for(dialogue: Dialogue) -> list[SourceGroup]:
    """The dialogue's published written comments and delivered interventions, grouped by
    agenda item (in the agenda's order, then those under none) and cluster: two queries.

    Each gets its ``citation``: the line the editor's button copies into the text.
    """
    comments = (
        WrittenComment.objects.published()
        .filter(dialogue=dialogue)
        .select_related("organisation", "agenda_item")
        .defer("search_vector")
        .order_by("agenda_item__number", "cluster", "published_at", "id")
    )
    interventions = (
        Intervention.objects.filter(registration__dialogue=dialogue, state=Intervention.State.DELIVERED)
        .select_related("registration__organisation", "agenda_item", "speaker")
        .order_by("agenda_item__number", "position", "id")
    )
    groups: dict[tuple, SourceGroup] = {}

    def group(item: AgendaItem | None, cluster: str) -> SourceGroup:
        key = (item.number if item else 10_000, cluster)
        if key not in groups:
            groups[key] = SourceGroup(agenda_item=item, cluster=cluster)
        return groups[key]

    for comment in comments:
        comment.organisation_name = _organisation_name(comment)
        comment.citation = _("Written comment %(number)s, “%(title)s”, by %(organisation)s.") % {
            "number": comment.tracking_number,
            "title": comment.title,
            "organisation": comment.organisation_name,
        }
        cluster = comment.cluster or (comment.agenda_item.cluster if comment.agenda_item else "")
        group(comment.agenda_item, cluster).comments.append(comment)
    for intervention in interventions:
        item = intervention.agenda_item
        words = {
            "organisation": intervention.registration.organisation.name,
            "number": item.number if item else "",
            "topic": intervention.topic,
        }
        if item and intervention.topic:
            citation = _("Statement by %(organisation)s under agenda item %(number)s: %(topic)s.") % words
        elif item:
            citation = _("Statement by %(organisation)s under agenda item %(number)s.") % words
        else:
            citation = _("Statement by %(organisation)s: %(topic)s.") % words
        intervention.citation = citation
        group(item, item.cluster if item else "").interventions.append(intervention)
    return [groups[key] for key in sorted(groups)]


def revisions_of(summary: ChairSummary) -> QuerySet[SummaryRevision]:
    """Every revision, the newest first, with its author: one query, text left out."""
    return (
        SummaryRevision.objects.filter(summary=summary)
        .select_related("author", "base", "merged_with", "restored_from")
        .defer("text", "base__text", "merged_with__text", "restored_from__text")
        .order_by("-number")
    )


def summaries_for_secretariat(*, state: str = "") -> QuerySet[ChairSummary]:
    """Every summary with its dialogue and current revision's author: one query."""
    rows = ChairSummary.objects.select_related(
        "dialogue__session__working_group", "current_revision__author"
    ).defer("current_revision__text")
    if state:
        rows = rows.filter(state=state)
    return rows.order_by("-dialogue__date", "-id")


def summaries_in_review_count() -> int:
    return ChairSummary.objects.in_review().count()


# --- The CRP documents ------------------------------------------------------------------


def next_crp_symbol(summary: ChairSummary) -> str:
    """The symbol the summary's next document prints: its own, then /Rev.1, /Rev.2 … once
    a document of it is published (UN practice for a corrected document)."""
    published = CrpDocument.objects.filter(summary=summary).published().count()
    return f"{summary.symbol}/Rev.{published}" if published and summary.symbol else summary.symbol or ""


def publishable_document(summary: ChairSummary) -> CrpDocument | None:
    """The rendered document of the current revision, with the symbol it would be published
    under, not published yet: what "Publish" publishes."""
    if summary.current_revision_id is None:
        return None
    return (
        CrpDocument.objects.filter(
            summary=summary,
            revision_id=summary.current_revision_id,
            symbol=next_crp_symbol(summary),
            state=CrpDocument.State.SUCCEEDED,
            published_at__isnull=True,
        )
        .order_by("-pk")
        .first()
    )


def documents_of(summary: ChairSummary) -> QuerySet[CrpDocument]:
    """The summary's documents, newest first, with what their rows show."""
    return CrpDocument.objects.filter(summary=summary).select_related("revision", "requested_by")


def participating_organisations(dialogue: Dialogue):
    """The organisations admitted to the dialogue (an approved application) or present at it."""
    from stakeholders.models import Organisation

    return Organisation.objects.filter(
        Q(registrations__dialogue=dialogue, registrations__state=Registration.State.APPROVED)
        | Q(representatives__attendances__dialogue=dialogue)
    ).distinct()


# --- The public documents page ---
#
# Only published documents reach the public: a document not published yet is not found,
# whoever asks. A document's URL names its summary's base symbol with the slashes made
# hyphens (``services.document_slug``), and the number of its correction.
def _document_slug_sql(field: str) -> Replace:
    """``services.document_slug`` in SQL, to find a summary by the slug in its URL: the slug
    cannot be turned back into the symbol (a symbol may hold a hyphen of its own)."""
    return Replace(F(field), Value("/"), Value("-"))


def published_documents(
    *, working_group: int | None = None, year: int | None = None
) -> QuerySet[CrpDocument]:
    """The published documents, newest published first, with what the list shows in the
    same query: the dialogue with its working group, ``dialogue_ordinal`` (for the
    dialogue's title) and ``superseded_by`` (the symbol of the latest published correction
    of the same summary, for an older one; None for the latest)."""
    later = (
        CrpDocument.objects.published()
        .filter(summary=OuterRef("summary"), correction__gt=OuterRef("correction"))
        .order_by("-correction")
        .values("symbol")[:1]
    )
    rows = (
        CrpDocument.objects.published()
        .select_related("summary__dialogue__session__working_group")
        .annotate(
            dialogue_ordinal=ordinal_of_dialogue("summary__dialogue"),
            superseded_by=Subquery(later),
        )
    )
    if working_group is not None:
        rows = rows.filter(summary__dialogue__session__working_group=working_group)
    if year is not None:
        rows = rows.filter(summary__dialogue__date__year=year)
    return rows.order_by("-published_at", "-pk")


def share_dialogue_ordinals(documents) -> list[CrpDocument]:
    """Hand each document's dialogue the ``dialogue_ordinal`` read with it: its title then
    says "First constructive dialogue …"."""
    documents = list(documents)
    for document in documents:
        document.summary.dialogue.ordinal = document.dialogue_ordinal
    return documents


def document_working_groups() -> list[WorkingGroup]:
    """The working groups with at least one published document, by name: the filter's choices."""
    published = CrpDocument.objects.published().filter(
        summary__dialogue__session__working_group=OuterRef("pk")
    )
    return list(WorkingGroup.objects.filter(Exists(published)).order_by("name", "pk"))


def document_years() -> list[int]:
    """The years of the dialogues with a published document, the latest first: the filter's choices."""
    return list(
        CrpDocument.objects.published()
        .annotate(year=ExtractYear("summary__dialogue__date"))
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


def published_document(slug: str, correction: int | None = None) -> CrpDocument | None:
    """The published document of the summary whose base symbol has this slug: the given
    correction (0: the original), or else the latest one published. None when there is none."""
    rows = (
        CrpDocument.objects.published()
        .annotate(base_slug=_document_slug_sql("summary__symbol"))
        .filter(base_slug=slug)
    )
    if correction is not None:
        rows = rows.filter(correction=correction)
    return rows.order_by("-correction").first()


def published_document_of(dialogue: Dialogue) -> CrpDocument | None:
    """The dialogue's latest published document, with its summary (for the base symbol's URL)."""
    return (
        CrpDocument.objects.published()
        .filter(summary__dialogue=dialogue)
        .select_related("summary")
        .order_by("-correction")
        .first()
    )


def with_published_document(dialogues: QuerySet[Dialogue]) -> QuerySet[Dialogue]:
    """Annotate each dialogue, in its own query, with ``document_symbol`` (its latest published
    document's) and ``document_base_symbol`` (its summary's, which the latest URL names);
    None for a dialogue without one."""
    latest = CrpDocument.objects.published().filter(summary__dialogue=OuterRef("pk")).order_by("-correction")
    return dialogues.annotate(
        document_symbol=Subquery(latest.values("symbol")[:1]),
        document_base_symbol=Subquery(latest.values("summary__symbol")[:1]),
    )
