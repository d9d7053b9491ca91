"""What the summary pages read, each in a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from sessions.models import AgendaItem, Cluster, Dialogue, Intervention, Registration
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
