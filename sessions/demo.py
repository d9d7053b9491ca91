"""The dialogue calendar of the demo: the facts of the reference CRP, and one upcoming dialogue.

Every row has a fixed id and is written with update_or_create, so loading twice leaves
every table as it was. The upcoming dialogue is dated from today.
"""

import datetime
import zoneinfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from dialogue_portal.demo import CHAIR_ID, FIRST_CHAIR_ID, upsert

from .models import (
    AgendaItem,
    Attendance,
    Cluster,
    Dialogue,
    DialogueChair,
    Intervention,
    Registration,
    WorkingGroup,
    WorkingGroupSession,
)

VIENNA = zoneinfo.ZoneInfo("Europe/Vienna")

WORKING_GROUPS = [
    (1, "Working Group on Firearms", "CTOC/COP/WG.6", "firearms"),
    (2, "Working Group on Trafficking in Persons", "CTOC/COP/WG.4", "trafficking-in-persons"),
    (3, "Working Group on the Smuggling of Migrants", "CTOC/COP/WG.7", "smuggling-of-migrants"),
    (4, "Working Group on Technical Assistance", "CTOC/COP/WG.2", "technical-assistance"),
    (5, "Working Group on International Cooperation", "CTOC/COP/WG.3", "international-cooperation"),
]
FIREARMS, SMUGGLING = 1, 3

FIRST_DIALOGUE_ID, UPCOMING_DIALOGUE_ID = 1, 2

FIRST_AGENDA = [
    (1, 1, "Opening", "", ""),
    (2, 2, "Briefing on the developments and outcomes of the review process", "", ""),
    (
        3,
        3,
        "Collection of inputs and suggestions from participants and provision of information on "
        "relevant activities, including those related to meeting technical assistance needs",
        "",
        "",
    ),
]

UPCOMING_AGENDA = [
    (4, 1, "Opening", "", ""),
    (5, 2, "Briefing on the developments and outcomes of the review process", "", ""),
    (
        6,
        3,
        "Prevention and protection of the rights of smuggled migrants",
        "Inputs and suggestions on measures against the smuggling of migrants and on the protection "
        "of smuggled migrants, structured along the clusters of the review mechanism.",
        Cluster.PREVENTION,
    ),
    (
        7,
        4,
        "Criminalization and international cooperation",
        "Inputs on the criminalization of the smuggling of migrants and on cooperation across borders.",
        Cluster.CRIMINALIZATION,
    ),
]


def _vienna(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=VIENNA)


def load(today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    for pk, name, prefix, slug in WORKING_GROUPS:
        upsert(WorkingGroup, pk, name=name, symbol_prefix=prefix, slug=slug)

    # The ninth session of the Working Group on Firearms, and the first constructive dialogue.
    upsert(
        WorkingGroupSession,
        1,
        working_group_id=FIREARMS,
        number=9,
        first_day=datetime.date(2022, 5, 4),
        last_day=datetime.date(2022, 5, 5),
        venue="Vienna International Centre",
    )
    first_day = datetime.date(2022, 5, 6)
    upsert(
        Dialogue,
        FIRST_DIALOGUE_ID,
        session_id=1,
        date=first_day,
        start_time=datetime.time(10, 0),
        end_time=datetime.time(13, 0),
        time_zone="Europe/Vienna",
        venue="Vienna International Centre",
        room="Boardroom D",
        format=Dialogue.Format.HYBRID,
        meeting_link="",
        applications_deadline=_vienna(datetime.date(2022, 4, 8), 23, 59),
        comments_deadline=_vienna(datetime.date(2022, 4, 22), 23, 59),
        state=Dialogue.State.HELD,
    )
    upsert(
        DialogueChair,
        1,
        dialogue_id=FIRST_DIALOGUE_ID,
        order=1,
        honorific=DialogueChair.Honorific.MR,
        name="Alejandro Celorio Alcántara",
        title="Legal Advisor to the Ministry of Foreign Affairs",
        country="MX",
        role="the Chair of the Working Group",
        user=get_user_model().objects.filter(pk=FIRST_CHAIR_ID).first(),
    )

    # A coming session of the Working Group on the Smuggling of Migrants, and its dialogue.
    session_start = today + datetime.timedelta(days=40)
    dialogue_day = session_start + datetime.timedelta(days=2)
    upsert(
        WorkingGroupSession,
        2,
        working_group_id=SMUGGLING,
        number=11,
        first_day=session_start,
        last_day=dialogue_day,
        venue="Vienna International Centre",
    )
    upsert(
        Dialogue,
        UPCOMING_DIALOGUE_ID,
        session_id=2,
        date=dialogue_day,
        start_time=datetime.time(15, 0),
        end_time=datetime.time(18, 0),
        time_zone="Europe/Vienna",
        venue="Vienna International Centre",
        room="Conference Room M3",
        format=Dialogue.Format.HYBRID,
        meeting_link="https://meet.example.org/untoc-dialogue-som",
        applications_deadline=_vienna(dialogue_day - datetime.timedelta(days=14), 23, 59),
        comments_deadline=_vienna(dialogue_day - datetime.timedelta(days=7), 23, 59),
        state=Dialogue.State.OPEN,
    )
    chair_user = get_user_model().objects.filter(pk=CHAIR_ID).first()
    upsert(
        DialogueChair,
        2,
        dialogue_id=UPCOMING_DIALOGUE_ID,
        order=1,
        honorific=DialogueChair.Honorific.MS,
        name="Carmen Valdés Ortega",
        title="Director of Migration Affairs, Ministry of Foreign Affairs",
        country="CL",
        role="the Chair of the Working Group",
        user=chair_user,
    )

    for rows, dialogue_id in (
        (FIRST_AGENDA, FIRST_DIALOGUE_ID),
        (UPCOMING_AGENDA, UPCOMING_DIALOGUE_ID),
    ):
        for pk, number, title, description, cluster in rows:
            upsert(
                AgendaItem,
                pk,
                dialogue_id=dialogue_id,
                number=number,
                title=title,
                description=description,
                cluster=cluster,
            )


# --- Who took part in the first dialogue (loaded after the stakeholders) ------------------

# Grassroots and victim-led organisations whose travel was supported.
TRAVEL_SUPPORTED = {7, 11, 15, 24, 32}
# Those that asked not to be named in the public list of participants.
NOT_NAMED = {19, 41}
# The speakers under agenda item 3: organisation id, topic.
SPEAKERS = [
    (9, "The role of parliamentarians in implementing the Firearms Protocol"),
    (1, "A pilot initiative on civil society inputs to the review"),
    (3, "Firearms and gender-based violence"),
    (17, "Illicit firearms trafficking in Latin America and the Caribbean"),
    (6, "Small arms proliferation in the Horn of Africa"),
    (14, "Record keeping and tracing of illicit firearms"),
]


def load_participation() -> None:
    """The approved registrations and the attendance of all 43 organisations on 6 May 2022,
    and the speakers under agenda item 3. Ids are fixed, as everywhere in the demo."""
    from stakeholders.demo import ORGANISATIONS, representatives_by_organisation

    people = representatives_by_organisation()
    applied_at = _vienna(datetime.date(2022, 4, 1), 12)
    attendance_pk = 0
    for org_id, *_rest in ORGANISATIONS:
        registration = upsert(
            Registration,
            org_id,
            dialogue_id=FIRST_DIALOGUE_ID,
            organisation_id=org_id,
            expertise="Research and field work on firearms trafficking and armed violence.",
            travel_support_requested=org_id in TRAVEL_SUPPORTED,
            travel_support_granted=org_id in TRAVEL_SUPPORTED,
            may_be_named=org_id not in NOT_NAMED,
            state=Registration.State.APPROVED,
            decline_reason="",
            decided_at=_vienna(datetime.date(2022, 4, 20), 12),
        )
        Registration.objects.filter(pk=org_id).exclude(applied_at=applied_at).update(applied_at=applied_at)
        if set(registration.representatives.values_list("pk", flat=True)) != set(people[org_id]):
            registration.representatives.set(people[org_id])
        for representative_id in people[org_id]:
            attendance_pk += 1
            upsert(
                Attendance,
                attendance_pk,
                dialogue_id=FIRST_DIALOGUE_ID,
                representative_id=representative_id,
                registration_id=org_id,
            )
    for position, (org_id, topic) in enumerate(SPEAKERS, start=1):
        upsert(
            Intervention,
            position,
            registration_id=org_id,
            agenda_item_id=3,
            speaker_id=people[org_id][0],
            topic=topic,
            state=Intervention.State.DELIVERED,
            position=position,
        )
