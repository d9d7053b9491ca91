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
    return participation_bars(organisation_ids=[organisation.pk], dialogue=dialogue)[organisation.pk]


def participation_bars(*, organisation_ids: Iterable[int], dialogue=None) -> dict[int, str | None]:
    """``participation_bar`` for many organisations at once (an imported list): two queries."""
    ids = list(organisation_ids)
    admitted = set(
        Accreditation.objects.filter(organisation__in=ids, state=State.ADMITTED).values_list(
            "organisation_id", flat=True
        )
    )
    objected = (
        set(
            Objection.objects.filter(organisation__in=ids, dialogue=dialogue).values_list(
                "organisation_id", flat=True
            )
        )
        if dialogue is not None
        else set()
    )
    return {pk: NOT_ADMITTED if pk not in admitted else OBJECTED_TO if pk in objected else None for pk in ids}


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
