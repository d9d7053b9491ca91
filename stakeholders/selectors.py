"""Reads of organisations and accreditation, with the joins each page needs chosen here."""

import datetime
from collections.abc import Iterable

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from .matching import fold_name
from .models import Accreditation, CirculationList, FocalPoint, Invitation, Objection, Organisation

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


# --- The secretariat's desk -----------------------------------------------------------


def organisations_for_secretariat(*, search: str = "") -> QuerySet[Organisation]:
    """Every organisation, by name, for the secretariat's list (which it also links from the
    dashboard and other apps): each with ``accreditation_state`` (of its live request, or
    "" when it has none) and ``focal_point_count``. One query whatever the number of rows.

    ``search`` matches the name as duplicates are recognised (case, accents and punctuation
    aside) or the acronym.
    """
    queryset = Organisation.objects.annotate(
        accreditation_state=Coalesce(
            Subquery(Accreditation.objects.current().filter(organisation=OuterRef("pk")).values("state")[:1]),
            Value(""),
        ),
        focal_point_count=Count("focal_points", distinct=True),
    )
    search = search.strip()
    if search:
        folded = fold_name(search)
        matches = Q(acronym__iexact=search)
        if folded:
            matches |= Q(name_key__contains=folded)
        queryset = queryset.filter(matches)
    return queryset.order_by("name", "pk")


def organisation_for_desk(*, organisation: Organisation) -> Organisation:
    """The organisation with what its staff page shows: focal points, representatives, open
    invitations, and its accreditations (newest first) as ``accreditation_list``."""
    return (
        Organisation.objects.prefetch_related(
            Prefetch(
                "focal_points", queryset=FocalPoint.objects.select_related("user").order_by("since", "id")
            ),
            "representatives",
            Prefetch(
                "invitations",
                queryset=Invitation.objects.filter(accepted_at__isnull=True).select_related("invited_by"),
                to_attr="open_invitations",
            ),
            Prefetch(
                "accreditations",
                queryset=Accreditation.objects.select_related("circulation_list").order_by(
                    "-submitted_at", "-id"
                ),
                to_attr="accreditation_list",
            ),
        )
        .filter(pk=organisation.pk)
        .get()
    )
