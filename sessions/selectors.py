"""Reads of the dialogue calendar, with the joins each page needs chosen here."""

import datetime

from django.db.models import (
    Case,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    When,
)

from .models import AgendaItem, Dialogue, DialogueChair


def with_ordinals(queryset: QuerySet[Dialogue]) -> QuerySet[Dialogue]:
    """Annotate ``ordinal``: the place of each dialogue among all non-cancelled ones, of
    every working group, by date (then start time, then creation). Cancelled: None.
    """
    up_to_here = (
        Dialogue.objects.not_cancelled()
        .filter(
            Q(date__lt=OuterRef("date"))
            | Q(date=OuterRef("date"), start_time__lt=OuterRef("start_time"))
            | Q(date=OuterRef("date"), start_time=OuterRef("start_time"), id__lte=OuterRef("id"))
        )
        .order_by()
        # A plain COUNT, not an aggregate: no GROUP BY, one row per outer dialogue.
        .annotate(n=Func(F("id"), function="COUNT"))
        .values("n")
    )
    return queryset.annotate(
        ordinal=Case(
            When(state=Dialogue.State.CANCELLED, then=None),
            default=Subquery(up_to_here),
            output_field=IntegerField(),
        )
    )


def dialogue_ordinal(dialogue: Dialogue) -> int | None:
    return with_ordinals(Dialogue.objects.filter(pk=dialogue.pk)).values_list("ordinal", flat=True).first()


def _for_listing(queryset: QuerySet[Dialogue]) -> QuerySet[Dialogue]:
    return with_ordinals(
        queryset.select_related("session__working_group").prefetch_related(
            Prefetch("chairs", queryset=DialogueChair.objects.order_by("order", "id"))
        )
    )


def dialogues_upcoming(*, today: datetime.date) -> QuerySet[Dialogue]:
    return _for_listing(Dialogue.objects.upcoming(today).order_by("date", "start_time", "id"))


def dialogues_past(*, today: datetime.date) -> QuerySet[Dialogue]:
    return _for_listing(Dialogue.objects.past(today).order_by("-date", "-start_time", "-id"))


def dialogue_for_page(*, pk: int) -> QuerySet[Dialogue]:
    return with_ordinals(
        Dialogue.objects.public()
        .filter(pk=pk)
        .select_related("session__working_group")
        .prefetch_related(
            Prefetch("chairs", queryset=DialogueChair.objects.order_by("order", "id")),
            Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("number")),
        )
    )
