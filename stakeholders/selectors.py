"""Reads of organisations and accreditation, with the joins each page needs chosen here."""

import datetime
from collections.abc import Iterable

from django.db.models import Count, Prefetch, QuerySet

from .models import Accreditation, CirculationList, FocalPoint, Objection, Organisation

State = Accreditation.State

# What the secretariat has to act on: new requests, and objected ones awaiting the
# Conference's decision. Circulated ones wait for their deadline, returned ones for
# the organisation.
NEEDING_ACTION = (State.SUBMITTED, State.OBJECTED)


def accreditation_queue(
    *,
    states: Iterable[str] = NEEDING_ACTION,
    category: str = "",
    country: str = "",
    ecosoc_status: str = "",
) -> QuerySet[Accreditation]:
    """The staff queue: one query whatever the number of rows, oldest request first."""
    queryset = Accreditation.objects.select_related("organisation", "circulation_list")
    states = list(states)
    if states:
        queryset = queryset.filter(state__in=states)
    if category:
        queryset = queryset.filter(organisation__category=category)
    if country:
        queryset = queryset.filter(organisation__country=country)
    if ecosoc_status:
        queryset = queryset.filter(organisation__ecosoc_status=ecosoc_status)
    return queryset.order_by("submitted_at", "id")


def accreditations_to_circulate() -> QuerySet[Accreditation]:
    """Submitted requests: the ones that may be put on a circulation list."""
    return (
        Accreditation.objects.filter(state=State.SUBMITTED)
        .select_related("organisation")
        .order_by("organisation__name", "id")
    )


def circulation_lists_open(*, today: datetime.date) -> QuerySet[CirculationList]:
    """Lists whose deadline for objections (inclusive) has not passed."""
    return CirculationList.objects.filter(deadline__gte=today).order_by("deadline", "reference")


def circulation_lists_overview() -> QuerySet[CirculationList]:
    return CirculationList.objects.annotate(request_count=Count("accreditations")).order_by(
        "-circulated_on", "-id"
    )


def circulation_list_rows(*, circulation_list: CirculationList) -> QuerySet[Accreditation]:
    """The requests on a list, by organisation name: the rows of its page, CSV and PDF annex."""
    return (
        circulation_list.accreditations.select_related("organisation")
        .order_by("organisation__name", "id")
        .all()
    )


def accreditation_for_review(*, accreditation: Accreditation) -> Organisation:
    """The organisation behind a request, with its focal points and representatives loaded."""
    return (
        Organisation.objects.prefetch_related(
            Prefetch(
                "focal_points",
                queryset=FocalPoint.objects.select_related("user").order_by("since", "id"),
            ),
            "representatives",
        )
        .filter(pk=accreditation.organisation_id)
        .get()
    )


def accreditation_objections(*, accreditation: Accreditation) -> QuerySet[Objection]:
    return accreditation.objections.select_related("recorded_by").order_by("made_on", "id")


# --- Who hears about an organisation ----------------------------------------------------


def focal_point_emails(organisations: Organisation | QuerySet[Organisation]) -> list[str]:
    """The addresses of the focal points of one organisation, or of every organisation of a
    queryset: who every e-mail about an organisation's affairs goes to. One query."""
    if isinstance(organisations, Organisation):
        rows = FocalPoint.objects.filter(organisation=organisations)
    else:
        rows = FocalPoint.objects.filter(organisation__in=organisations)
    return list(rows.values_list("user__email", flat=True))


# --- Who may take part -------------------------------------------------------------------

# What bars an organisation from a dialogue (None: nothing does).
NOT_ADMITTED = "not_admitted"
OBJECTED_TO = "objected_to"


def participation_bar(*, organisation: Organisation, dialogue=None) -> str | None:
    """Whether ``organisation`` may take part: apply for ``dialogue``, or send written
    comments (``dialogue`` None). The one place of the rule: only an organisation admitted
    as an observer, and, for taking part in a dialogue, none a State party objected to for
    that dialogue (such an objection blocks that dialogue only, not its written comments).

    Returns ``NOT_ADMITTED``, ``OBJECTED_TO`` or None; each caller words its own refusal.
    """
    if not organisation.accreditations.filter(state=State.ADMITTED).exists():
        return NOT_ADMITTED
    if dialogue is None:
        return None
    if Objection.objects.filter(organisation=organisation, dialogue=dialogue).exists():
        return OBJECTED_TO
    return None


# --- What waits -------------------------------------------------------------------------

# How far ahead the secretariat's desk looks for the objection deadlines of circulation lists.
DEADLINES_AHEAD = datetime.timedelta(days=7)


def accreditations_to_review_count() -> int:
    """Requests the secretariat has to act on: the queue's default view."""
    return Accreditation.objects.filter(state__in=NEEDING_ACTION).count()


def circulation_deadlines_soon_count(*, today: datetime.date) -> int:
    """Circulation lists whose deadline for objections falls in the next seven days (today
    included) with requests still circulated: those the silence will admit."""
    return (
        CirculationList.objects.filter(
            deadline__gte=today,
            deadline__lte=today + DEADLINES_AHEAD,
            accreditations__state=State.CIRCULATED,
        )
        .distinct()
        .count()
    )
