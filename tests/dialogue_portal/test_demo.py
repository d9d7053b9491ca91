import io

import pytest
from django.apps import apps
from django.core.management import call_command

from sessions.models import AgendaItem, Dialogue, DialogueChair, WorkingGroup


def _every_table():
    """Every row of every table, ids included, as plain values."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.managed
    }


@pytest.fixture
def demo_accounts(settings):
    settings.DEMO_ACCOUNTS = True


def test_load_demo_twice_leaves_every_table_identical(db, demo_accounts):
    call_command("load_demo", stdout=io.StringIO())
    first = _every_table()
    call_command("load_demo", stdout=io.StringIO())
    assert _every_table() == first
    assert sum(len(rows) for rows in first.values()) > 20


def test_load_demo_reproduces_the_first_constructive_dialogue(db):
    call_command("load_demo", stdout=io.StringIO())
    assert WorkingGroup.objects.count() == 5
    first = Dialogue.objects.select_related("session__working_group").get(date="2022-05-06")
    assert first.state == Dialogue.State.HELD
    assert first.session.working_group.symbol_prefix == "CTOC/COP/WG.6"
    assert first.session.number == 9
    assert first.session.last_day.isoformat() < "2022-05-06"
    chair = DialogueChair.objects.get(dialogue=first)
    assert (str(chair), chair.title, chair.country.code, chair.role) == (
        "Mr. Alejandro Celorio Alcántara",
        "Legal Advisor to the Ministry of Foreign Affairs",
        "MX",
        "the Chair of the Working Group",
    )
    assert list(AgendaItem.objects.filter(dialogue=first).values_list("number", "title")) == [
        (1, "Opening"),
        (2, "Briefing on the developments and outcomes of the review process"),
        (
            3,
            "Collection of inputs and suggestions from participants and provision of information on "
            "relevant activities, including those related to meeting technical assistance needs",
        ),
    ]
    upcoming = Dialogue.objects.get(state=Dialogue.State.OPEN)
    assert upcoming.session.working_group.name == "Working Group on the Smuggling of Migrants"


def test_load_demo_creates_accounts_only_when_asked(db, settings):
    from django.contrib.auth import get_user_model

    settings.DEMO_ACCOUNTS = False
    call_command("load_demo", stdout=io.StringIO())
    assert not get_user_model().objects.exists()
    assert DialogueChair.objects.get(pk=2).user is None


def test_load_demo_accounts_log_in_and_chair_drafts_upcoming_dialogue(client, db, demo_accounts):

    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "secretariat@example.org / dialogue-demo-2026" in out.getvalue()
    upcoming = Dialogue.objects.get(state=Dialogue.State.OPEN)
    assert upcoming.chairs.get().user.email == "chair@example.org"
    response = client.post(
        "/accounts/login/", {"login": "secretariat@example.org", "password": "dialogue-demo-2026"}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_load_demo_leaves_sequences_usable(db):
    call_command("load_demo", stdout=io.StringIO())
    # A new row after the fixed ids must not collide with them (PostgreSQL sequences).
    group = WorkingGroup.objects.create(name="Working Group X", symbol_prefix="X/1", slug="x")
    assert group.pk > 5


def test_load_demo_admits_43_organisations_as_the_reference_counts_them(db, demo_accounts):
    from collections import Counter

    from dialogue_portal.models import AuditEvent
    from stakeholders.models import Accreditation, CirculationList, FocalPoint, Organisation

    call_command("load_demo", stdout=io.StringIO())
    admitted = Organisation.objects.admitted()
    assert Counter(admitted.values_list("category", flat=True)) == {
        "ngo": 32,
        "academia": 7,
        "private_sector": 4,
    }
    assert Organisation.objects.count() == 43
    # A few went through the non-objection procedure, with their history.
    circulated = Accreditation.objects.filter(circulation_list=CirculationList.objects.get())
    assert 3 <= circulated.count() < 10
    history = AuditEvent.objects.for_object(circulated.first()).order_by("created_at")
    assert [(e.from_state, e.to_state) for e in history] == [
        ("", "submitted"),
        ("submitted", "circulated"),
        ("circulated", "admitted"),
    ]
    focal_point = FocalPoint.objects.get(user__email="focal.point@example.org")
    assert focal_point.organisation in admitted
