"""Reads of the dialogue calendar, with the joins each page needs chosen here."""

import datetime
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db.models import (
    Case,
    Count,
    Exists,
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
from django.utils import timezone

from .models import (
    AgendaItem,
    Attendance,
    ChairInvitation,
    Dialogue,
    DialogueChair,
    Intervention,
    Registration,
)


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


def ordinal_of_dialogue(field: str = "dialogue") -> Subquery:
    """The ``ordinal`` of the dialogue that ``field`` of another model's rows points to, to
    annotate those rows with in their own query (the fetchers then hand it to the dialogue)."""
    return Subquery(with_ordinals(Dialogue.objects.filter(pk=OuterRef(field))).values("ordinal")[:1])


def public_dialogues_numbered() -> list[Dialogue]:
    """Every public dialogue with its working group and ``ordinal``, newest first: one query,
    numbered here rather than by a subquery per dialogue (the same numbers as with_ordinals,
    which count every non-cancelled dialogue, public or not)."""
    dialogues = list(
        Dialogue.objects.select_related("session__working_group")
        .annotate(is_public=Exists(Dialogue.objects.public().filter(pk=OuterRef("pk"))))
        .order_by("date", "start_time", "id")
    )
    count = 0
    for dialogue in dialogues:
        if dialogue.state == Dialogue.State.CANCELLED:
            dialogue.ordinal = None
        else:
            count += 1
            dialogue.ordinal = count
    return [dialogue for dialogue in reversed(dialogues) if dialogue.is_public]


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


# --- Taking part ------------------------------------------------------------------------


@dataclass(frozen=True)
class ParticipationFigures:
    """A dialogue's participation, counted from attendance only (never typed by hand).

    The staff figures page and the Chair's summary both read it from here.
    """

    organisations_by_category: dict[str, int]
    people_by_category: dict[str, int]
    first_time_organisations: int
    gender_of_representatives: dict[str, int]
    gender_of_speakers: dict[str, int]
    travel_support_granted: int

    @property
    def organisations(self) -> int:
        return sum(self.organisations_by_category.values())

    @property
    def people(self) -> int:
        return sum(self.people_by_category.values())


def _by(values, key: str, choices) -> dict[str, int]:
    counts = {code: 0 for code, _label in choices}
    for row in values:
        counts[row[key] or ""] = counts.get(row[key] or "", 0) + row["n"]
    return counts


def participation_figures(dialogue: Dialogue) -> ParticipationFigures:
    from stakeholders.models import Category, Representative

    present = Attendance.objects.filter(dialogue=dialogue)
    category = "representative__organisation__category"
    organisations_here = present.values("representative__organisation")
    earlier = (
        Attendance.objects.filter(representative__organisation__in=organisations_here)
        .exclude(dialogue=dialogue)
        .exclude(dialogue__state=Dialogue.State.CANCELLED)
        .filter(
            Q(dialogue__date__lt=dialogue.date)
            | Q(dialogue__date=dialogue.date, dialogue__start_time__lt=dialogue.start_time)
        )
        .values("representative__organisation")
        .distinct()
        .count()
    )
    genders = [*Representative.Gender.choices, ("", "")]
    speakers = (
        Intervention.objects.filter(registration__dialogue=dialogue, state=Intervention.State.DELIVERED)
        # No default ordering: it would join the GROUP BY and count each intervention.
        .order_by()
        .values("speaker__gender")
        .annotate(n=Count("speaker", distinct=True))
    )
    organisations = _by(
        present.values(category).annotate(n=Count("representative__organisation", distinct=True)),
        category,
        Category.choices,
    )
    return ParticipationFigures(
        organisations_by_category=organisations,
        people_by_category=_by(present.values(category).annotate(n=Count("id")), category, Category.choices),
        first_time_organisations=sum(organisations.values()) - earlier,
        gender_of_representatives=_by(
            present.values("representative__gender").annotate(n=Count("id")),
            "representative__gender",
            genders,
        ),
        gender_of_speakers=_by(speakers, "speaker__gender", genders),
        travel_support_granted=Registration.objects.filter(
            dialogue=dialogue, travel_support_granted=True, attendances__isnull=False
        )
        .distinct()
        .count(),
    )


def public_participants(dialogue: Dialogue):
    """The organisations that took part and consented to be named: once the dialogue is held."""
    from stakeholders.models import Organisation

    if dialogue.state != Dialogue.State.HELD:
        return Organisation.objects.none()
    return (
        Organisation.objects.filter(
            registrations__dialogue=dialogue,
            registrations__may_be_named=True,
            registrations__attendances__isnull=False,
        )
        .distinct()
        .order_by("name")
    )


@dataclass(frozen=True)
class SpeakersList:
    agenda_items: list  # each with ``.speakers``: the live interventions, in order
    minutes_requested: int
    minutes_available: int

    @property
    def too_long(self) -> bool:
        return self.minutes_requested > self.minutes_available


def speakers_list(dialogue: Dialogue) -> SpeakersList:
    live = (
        Intervention.objects.filter(
            state__in=[
                Intervention.State.REQUESTED,
                Intervention.State.SCHEDULED,
                Intervention.State.DELIVERED,
            ]
        )
        .select_related("speaker", "registration__organisation")
        .order_by(F("position").asc(nulls_last=True), "requested_at", "id")
    )
    items = list(
        AgendaItem.objects.filter(dialogue=dialogue)
        .order_by("number")
        .prefetch_related(Prefetch("interventions", queryset=live, to_attr="speakers"))
    )
    waiting = sum(
        1 for item in items for speaker in item.speakers if speaker.state != Intervention.State.DELIVERED
    )
    delivered = sum(
        1 for item in items for speaker in item.speakers if speaker.state == Intervention.State.DELIVERED
    )
    duration = datetime.datetime.combine(dialogue.date, dialogue.end_time) - datetime.datetime.combine(
        dialogue.date, dialogue.start_time
    )
    return SpeakersList(
        agenda_items=items,
        minutes_requested=(waiting + delivered) * dialogue.minutes_per_speaker,
        minutes_available=int(duration.total_seconds() // 60),
    )


def dialogues_in_month(*, year: int, month: int) -> QuerySet[Dialogue]:
    first = datetime.date(year, month, 1)
    after = (first + datetime.timedelta(days=32)).replace(day=1)
    return with_ordinals(
        Dialogue.objects.filter(date__gte=first, date__lt=after)
        .select_related("session__working_group")
        .order_by("date", "start_time", "id")
    )


def registrations_with_representatives(*, dialogue: Dialogue, states=()) -> QuerySet[Registration]:
    """The dialogue's applications (of ``states``, or all) with organisations and representatives:
    three queries whatever their number."""
    from stakeholders.models import Representative

    registrations = (
        Registration.objects.filter(dialogue=dialogue)
        .select_related("organisation")
        .prefetch_related(Prefetch("representatives", queryset=Representative.objects.order_by("name", "id")))
        .order_by("organisation__name", "id")
    )
    return registrations.filter(state__in=states) if states else registrations


def registration_counts(*, dialogue: Dialogue) -> dict[str, int]:
    rows = Registration.objects.filter(dialogue=dialogue).values("state").annotate(n=Count("id")).order_by()
    counts = dict.fromkeys(Registration.State.values, 0)
    counts.update({row["state"]: row["n"] for row in rows})
    return counts


# --- What waits ---------------------------------------------------------------------------


def dialogues_with_applications_to_decide() -> QuerySet[Dialogue]:
    """Dialogues not yet held or cancelled with applications awaiting the Extended
    Bureau's decision, each with ``waiting`` (their number) and ``ordinal``: one query.

    A closed dialogue still counts: the Bureau decides once applications have closed.
    """
    return with_ordinals(
        Dialogue.objects.exclude(state__in=[Dialogue.State.HELD, Dialogue.State.CANCELLED])
        .annotate(waiting=Count("registrations", filter=Q(registrations__state=Registration.State.APPLIED)))
        .filter(waiting__gt=0)
        .select_related("session__working_group")
        .order_by("date", "start_time", "id")
    )


def dialogues_next(*, today: datetime.date, limit: int = 5) -> list[Dialogue]:
    """The next dialogues from ``today`` on, with their ordinal: the dashboard's list."""
    return list(
        with_ordinals(
            Dialogue.objects.upcoming(today)
            .select_related("session__working_group")
            .order_by("date", "start_time", "id")
        )[:limit]
    )


def dialogues_chaired(*, user) -> QuerySet[Dialogue]:
    """The dialogues ``user`` chairs (through the account that drafts), newest first, with ordinals."""
    return with_ordinals(
        Dialogue.objects.filter(Exists(DialogueChair.objects.filter(dialogue=OuterRef("pk"), user=user)))
        .select_related("session__working_group")
        .prefetch_related(Prefetch("chairs", queryset=DialogueChair.objects.order_by("order", "id")))
        .order_by("-date", "-start_time", "-id")
    )


def registrations_of_organisations(*, organisations) -> QuerySet[Registration]:
    """The applications of ``organisations``, newest dialogue first, each dialogue with its
    working group and ordinal: two queries whatever their number."""
    return (
        Registration.objects.filter(organisation__in=organisations)
        .prefetch_related(
            Prefetch(
                "dialogue", queryset=with_ordinals(Dialogue.objects.select_related("session__working_group"))
            )
        )
        .order_by("-dialogue__date", "-dialogue__start_time", "-id")
    )


def account_with_address(email: str):
    """The active account that holds ``email`` as a confirmed address, or None."""
    address = (
        EmailAddress.objects.filter(email__iexact=email.strip(), verified=True, user__is_active=True)
        .select_related("user")
        .first()
    )
    return address.user if address else None


def chairs_with_accounts(*, dialogue: Dialogue) -> QuerySet[DialogueChair]:
    """The dialogue's Chairs in order, each with its account and its invitations still open
    (``open_invitations``, newest first): two queries whatever their number."""
    open_invitations = ChairInvitation.objects.filter(
        accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created_at", "-id")
    return (
        DialogueChair.objects.filter(dialogue=dialogue)
        .select_related("user")
        .prefetch_related(Prefetch("invitations", queryset=open_invitations, to_attr="open_invitations"))
        .order_by("order", "id")
    )
