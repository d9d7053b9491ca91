"""The demo's stakeholders: the 43 organisations that took part in the first constructive
dialogue (32 NGOs, 7 from academia, 4 from the private sector, as the reference CRP
counts them), all admitted. Names are invented. Most are in consultative status with
ECOSOC and were admitted on review; five went through the non-objection procedure on
one circulation list, with its history. The demo focal point manages the first one.
"""

import datetime
import zoneinfo

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from dialogue_portal.demo import FOCAL_POINT_ID, SECRETARIAT_ID, upsert
from dialogue_portal.models import AuditEvent

from .matching import fold_name, registered_domain
from .models import Accreditation, CirculationList, FocalPoint, Organisation, Representative

VIENNA = zoneinfo.ZoneInfo("Europe/Vienna")
State = Accreditation.State

NGO, ACADEMIA, PRIVATE = "ngo", "academia", "private_sector"

# id, name, acronym, category, country, ECOSOC status, domain
ORGANISATIONS = [
    (1, "Coalition for Safer Communities", "CSC", NGO, "MX", "special", "safer-communities.example"),
    (2, "Small Arms Watch Network", "SAWN", NGO, "KE", "special", "smallarmswatch.example"),
    (3, "Women Against Gun Violence", "WAGV", NGO, "BR", "special", "wagv.example"),
    (4, "Balkan Arms Control Forum", "BACF", NGO, "RS", "roster", "balkanarms.example"),
    (5, "Centre for Peace and Disarmament Studies", "CPDS", NGO, "NG", "special", "cpds.example"),
    (6, "Horn of Africa Peace Initiative", "HAPI", NGO, "ET", "special", "hapi.example"),
    (7, "Great Lakes Civil Society Platform", "GLCSP", NGO, "RW", "roster", "greatlakes-cs.example"),
    (8, "Caribbean Coalition Against Armed Violence", "CCAAV", NGO, "TT", "special", "ccaav.example"),
    (9, "Parliamentarians for Global Security", "PGS", NGO, "SE", "general", "pgs.example"),
    (10, "Youth Voices for Peace", "YVP", NGO, "CO", "special", "youthvoices.example"),
    (11, "Victims of Armed Violence Association", "VAVA", NGO, "HN", "special", "vava.example"),
    (12, "Rainbow Safety Alliance", "RSA", NGO, "ZA", "roster", "rainbowsafety.example"),
    (13, "Transparency in Arms Trade", "TAT", NGO, "GB", "special", "arms-transparency.example"),
    (14, "Firearms Tracing Project", "FTP", NGO, "BE", "special", "tracing-project.example"),
    (15, "Sahel Human Security Network", "SHSN", NGO, "ML", "roster", "sahel-security.example"),
    (16, "Pacific Islands Peace Forum", "PIPF", NGO, "FJ", "special", "pacific-peace.example"),
    (
        17,
        "Andean Observatory on Organized Crime",
        "AOOC",
        NGO,
        "PE",
        "special",
        "andean-observatory.example",
    ),
    (18, "South-East Europe Citizens' Monitor", "SEECM", NGO, "MK", "special", "see-monitor.example"),
    (19, "Community Policing Partnership", "CPP", NGO, "PH", "roster", "community-policing.example"),
    (20, "Mothers for Safe Streets", "MSS", NGO, "JM", "special", "safestreets.example"),
    (21, "Global Initiative on Illicit Markets", "GIIM", NGO, "CH", "general", "illicit-markets.example"),
    (22, "Arab Network for Human Security", "ANHS", NGO, "LB", "special", "anhs.example"),
    (23, "Central American Violence Prevention Forum", "CAVPF", NGO, "GT", "special", "cavpf.example"),
    (24, "West African Action Network on Small Arms", "WAANSA", NGO, "GH", "special", "waansa.example"),
    (25, "Investigative Journalists for Accountability", "IJA", NGO, "ZA", "roster", "ija.example"),
    (26, "Faith Communities for Disarmament", "FCD", NGO, "KE", "special", "faith-disarm.example"),
    (27, "Survivors' Rights International", "SRI", NGO, "US", "general", "survivors-rights.example"),
    (28, "Asia Pacific Small Arms Forum", "APSAF", NGO, "TH", "special", "apsaf.example"),
    (29, "Rule of Law Advocates", "RLA", NGO, "AR", "special", "rol-advocates.example"),
    (30, "Gender and Security Collective", "GSC", NGO, "NO", "special", "gender-security.example"),
    (31, "Legal Aid for Victims of Crime", "LAVC", NGO, "IN", "roster", "legalaid-victims.example"),
    (32, "Grassroots Peacebuilders Alliance", "GPA", NGO, "CD", "none", "grassroots-peace.example"),
    (33, "Institute for Criminal Justice Research", "ICJR", ACADEMIA, "IT", "special", "icjr.example"),
    (34, "University Centre for Security Studies", "UCSS", ACADEMIA, "CL", "none", "ucss.example"),
    (35, "School of Law, Lakeside University", "LLU", ACADEMIA, "UG", "none", "law.lakeside.example"),
    (36, "Firearms Data Lab", "FDL", ACADEMIA, "CA", "roster", "firearmsdatalab.example"),
    (37, "Institute of Criminology and Public Policy", "ICPP", ACADEMIA, "AT", "special", "icpp.example"),
    (38, "Research Group on Transnational Crime", "RGTC", ACADEMIA, "DE", "none", "rgtc.example"),
    (39, "Centre for Conflict and Security Analysis", "CCSA", ACADEMIA, "IN", "roster", "ccsa.example"),
    (40, "Secure Logistics Association", "SLA", PRIVATE, "NL", "roster", "secure-logistics.example"),
    (41, "Sporting Arms Manufacturers' Council", "SAMC", PRIVATE, "IT", "roster", "samc.example"),
    (42, "Forensic Marking Technologies", "FMT", PRIVATE, "FI", "none", "forensic-marking.example"),
    (
        43,
        "Shipping and Ports Compliance Forum",
        "SPCF",
        PRIVATE,
        "SG",
        "roster",
        "ports-compliance.example",
    ),
]

# Those without ECOSOC status went through the non-objection procedure.
CIRCULATION = {"id": 1, "reference": "NOP/2022/1", "circulated_on": datetime.date(2022, 2, 1)}
CIRCULATION_DEADLINE = datetime.date(2022, 3, 4)

GIVEN_NAMES = [
    ("Amina", "female"),
    ("Carlos", "male"),
    ("Lucia", "female"),
    ("Dragan", "male"),
    ("Ngozi", "female"),
    ("Tesfaye", "male"),
    ("Claudine", "female"),
    ("Marcus", "male"),
    ("Ingrid", "female"),
    ("Andrés", "male"),
    ("Gabriela", "female"),
    ("Sipho", "male"),
    ("Eleanor", "female"),
    ("Pieter", "male"),
    ("Aïssata", "female"),
    ("Josaia", "male"),
    ("Rosa", "female"),
    ("Elena", "female"),
    ("Ramon", "male"),
    ("Shanice", "female"),
    ("Mark", "male"),
    ("Rania", "female"),
    ("Luis", "male"),
    ("Kwame", "male"),
    ("Thandi", "female"),
    ("Joseph", "male"),
    ("Maya", "female"),
    ("Somchai", "male"),
    ("Valentina", "female"),
    ("Kari", "female"),
    ("Priya", "female"),
    ("Jean-Paul", "male"),
    ("Giulia", "female"),
    ("Matías", "male"),
    ("Grace", "female"),
    ("Owen", "male"),
    ("Katharina", "female"),
    ("Felix", "male"),
    ("Arjun", "male"),
    ("Sanne", "female"),
    ("Marco", "male"),
    ("Aino", "female"),
    ("Wei Ling", "female"),
]
FAMILY_NAMES = [
    "Okafor",
    "Mendoza",
    "Silva",
    "Petrović",
    "Adeyemi",
    "Bekele",
    "Uwimana",
    "Charles",
    "Lindqvist",
    "Restrepo",
    "Martínez",
    "Dlamini",
    "Hughes",
    "Janssens",
    "Traoré",
    "Nacewa",
    "Quispe",
    "Stojanovska",
    "Santos",
    "Campbell",
    "Keller",
    "Haddad",
    "Morales",
    "Mensah",
    "Nkosi",
    "Mwangi",
    "Johnson",
    "Srisuk",
    "Fernández",
    "Nilsen",
    "Sharma",
    "Kabila",
    "Rossi",
    "Contreras",
    "Namutebi",
    "Fraser",
    "Gruber",
    "Weber",
    "Iyer",
    "de Vries",
    "Bianchi",
    "Virtanen",
    "Tan",
]


def _representatives():
    """One representative per organisation, a second for every fourth: 54 people."""
    pk = 0
    for index, (org_id, *_rest) in enumerate(ORGANISATIONS):
        given, gender = GIVEN_NAMES[index]
        people = [(f"{given} {FAMILY_NAMES[index]}", gender, "Director")]
        if org_id % 4 == 0:
            second_given, second_gender = GIVEN_NAMES[(index + 7) % len(GIVEN_NAMES)]
            people.append(
                (
                    f"{second_given} {FAMILY_NAMES[(index + 11) % len(FAMILY_NAMES)]}",
                    second_gender,
                    "Programme Officer",
                )
            )
        for name, gender, title in people:
            pk += 1
            yield pk, org_id, name, gender, title


def _history(
    accreditation: Accreditation, moves: list[tuple[str, str, datetime.datetime, str, int | None]]
) -> None:
    """The audit rows of a demo accreditation, written once: a second load finds them."""
    content_type = ContentType.objects.get_for_model(Accreditation)
    for from_state, to_state, at, note, actor_id in moves:
        event, created = AuditEvent.objects.get_or_create(
            content_type=content_type,
            object_id=str(accreditation.pk),
            from_state=from_state,
            to_state=to_state,
            defaults={"object_repr": str(accreditation)[:300], "note": note, "actor_id": actor_id},
        )
        if created:
            AuditEvent.objects.filter(pk=event.pk).update(created_at=at)


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=VIENNA)


def load() -> None:
    User = get_user_model()
    secretariat_id = SECRETARIAT_ID if User.objects.filter(pk=SECRETARIAT_ID).exists() else None
    circulation_list = upsert(
        CirculationList,
        CIRCULATION["id"],
        reference=CIRCULATION["reference"],
        circulated_on=CIRCULATION["circulated_on"],
        deadline=CIRCULATION_DEADLINE,
        created_by_id=secretariat_id,
    )
    for pk, name, acronym, category, country, ecosoc, domain in ORGANISATIONS:
        website = f"https://www.{domain}/"
        organisation = upsert(
            Organisation,
            pk,
            name=name,
            acronym=acronym,
            category=category,
            country=country,
            ecosoc_status=ecosoc,
            website=website,
            postal_address=f"{acronym} secretariat, P.O. Box {100 + pk}",
            description=(
                "Research, advocacy and assistance to victims on firearms trafficking, armed violence and "
                "organized crime; contributes to the review of the Firearms Protocol."
            ),
            name_key=fold_name(name),
            website_domain=registered_domain(website),
        )
        submitted = _at(datetime.date(2022, 1, 10) + datetime.timedelta(days=pk % 20))
        circulated = ecosoc == "none"
        accreditation = upsert(
            Accreditation,
            pk,
            organisation=organisation,
            state=Accreditation.State.ADMITTED,
            circulation_list=circulation_list if circulated else None,
            message="",
            decided_at=_at(CIRCULATION_DEADLINE + datetime.timedelta(days=1), 0)
            if circulated
            else submitted + datetime.timedelta(days=10),
        )
        Accreditation.objects.filter(pk=pk).exclude(submitted_at=submitted).update(submitted_at=submitted)
        if circulated:
            moves = [
                ("", State.SUBMITTED, submitted, "", None),
                (
                    State.SUBMITTED,
                    State.CIRCULATED,
                    _at(CIRCULATION["circulated_on"]),
                    CIRCULATION["reference"],
                    secretariat_id,
                ),
                (
                    State.CIRCULATED,
                    State.ADMITTED,
                    _at(CIRCULATION_DEADLINE + datetime.timedelta(days=1), 0),
                    "No State party objected by the deadline.",
                    None,
                ),
            ]
        else:
            moves = [
                ("", State.SUBMITTED, submitted, "", None),
                (
                    State.SUBMITTED,
                    State.ADMITTED,
                    submitted + datetime.timedelta(days=10),
                    "",
                    secretariat_id,
                ),
            ]
        _history(accreditation, moves)

    for pk, org_id, name, gender, title in _representatives():
        email = f"{fold_name(name).replace(' ', '.')}@{ORGANISATIONS[org_id - 1][6]}"
        upsert(Representative, pk, organisation_id=org_id, name=name, title=title, email=email, gender=gender)

    if User.objects.filter(pk=FOCAL_POINT_ID).exists():
        upsert(FocalPoint, 1, organisation_id=1, user_id=FOCAL_POINT_ID)


def representatives_by_organisation() -> dict[int, list[int]]:
    """The demo's representative ids of each organisation id."""
    people: dict[int, list[int]] = {}
    for pk, org_id, *_rest in _representatives():
        people.setdefault(org_id, []).append(pk)
    return people
