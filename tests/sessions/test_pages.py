import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dialogue_portal.demo import load as load_demo
from sessions import demo
from sessions.models import Dialogue
from tests.factories import (
    AgendaItemFactory,
    DialogueChairFactory,
    DialogueFactory,
    WorkingGroupSessionFactory,
)


def _session_ending(day: datetime.date):
    return WorkingGroupSessionFactory(first_day=day - datetime.timedelta(days=2), last_day=day)


@pytest.fixture
def demo_calendar(db):
    load_demo()


def test_home_lists_upcoming_and_past_dialogues(client, demo_calendar):
    page = client.get(reverse("home")).content.decode()
    upcoming, past = page.split('id="past-heading"')
    assert "Second constructive dialogue" in upcoming
    assert "Working Group on the Smuggling of Migrants" in upcoming
    assert "First constructive dialogue" in past
    assert "6 May 2022" in past
    assert "Mr. Alejandro Celorio Alcántara" in past


def test_home_marks_a_cancelled_upcoming_dialogue(client, db):
    day = timezone.localdate() + datetime.timedelta(days=30)
    DialogueFactory(session=_session_ending(day), state=Dialogue.State.CANCELLED)
    page = client.get(reverse("home")).content.decode()
    assert "Constructive dialogue (cancelled)" in page


def test_dialogue_page_shows_session_times_format_chair_agenda_and_deadlines(client, demo_calendar):
    page = client.get(reverse("dialogue_detail", args=[demo.FIRST_DIALOGUE_ID])).content.decode()
    assert "<h1>First constructive dialogue</h1>" in page
    assert "Ninth session of the Working Group on Firearms" in page
    assert "Friday 6 May 2022" in page
    assert "10:00–13:00 (Europe/Vienna time, CEST)" in page
    assert "Hybrid" in page
    assert "Vienna International Centre, Boardroom D" in page
    assert (
        "<bdi>Mr. Alejandro Celorio Alcántara</bdi>, "
        "<bdi>Legal Advisor to the Ministry of Foreign Affairs</bdi> (Mexico), "
        "the Chair of the Working Group"
    ) in page
    assert "Briefing on the developments and outcomes of the review process" in page
    assert "until 8 April 2022, 23:59 CEST" in page
    assert "until 22 April 2022, 23:59 CEST" in page


def test_dialogue_page_gives_times_in_venue_time_zone(client, db):
    session = _session_ending(datetime.date(2030, 5, 6))
    dialogue = DialogueFactory(session=session, time_zone="America/New_York", start_time=datetime.time(10, 0))
    page = client.get(reverse("dialogue_detail", args=[dialogue.pk])).content.decode()
    assert "10:00–18:00 (America/New_York time, EDT)" in page


def test_dialogue_page_names_co_chairs(client, db):
    dialogue = DialogueFactory()
    DialogueChairFactory(dialogue=dialogue, name="Ana Uno", order=1)
    DialogueChairFactory(dialogue=dialogue, name="Bo Dos", order=2)
    page = client.get(reverse("dialogue_detail", args=[dialogue.pk])).content.decode()
    assert '<h2 id="chair-heading">Co-Chairs</h2>' in page
    assert page.index("Ana Uno") < page.index("Bo Dos")


def test_dialogue_page_unknown_dialogue_is_404(client, db):
    assert client.get(reverse("dialogue_detail", args=[999])).status_code == 404


def test_dialogue_page_never_shows_meeting_link(client, demo_calendar):
    page = client.get(reverse("dialogue_detail", args=[demo.UPCOMING_DIALOGUE_ID])).content.decode()
    assert "meet.example.org" not in page


def test_pages_are_accessible_landmarks_lang_and_labels(client, demo_calendar):
    for url in (reverse("home"), reverse("dialogue_detail", args=[1]), reverse("account_login")):
        page = client.get(url).content.decode()
        assert '<html lang="en"' in page
        for landmark in ("<header", "<main", "<nav", "<footer"):
            assert landmark in page, (url, landmark)
        assert page.count("<h1") == 1, url
        assert 'for="language-select"' in page


@pytest.mark.parametrize("rows", [3, 30])
def test_home_runs_fixed_number_of_queries(client, db, django_assert_max_num_queries, rows):
    day = timezone.localdate() + datetime.timedelta(days=10)
    for n in range(rows):
        dialogue = DialogueFactory(session=_session_ending(day + datetime.timedelta(days=n)))
        DialogueChairFactory(dialogue=dialogue)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("home"))
    assert response.content.decode().count('class="card"') == rows


@pytest.mark.parametrize("items", [2, 20])
def test_dialogue_page_runs_fixed_number_of_queries(client, db, django_assert_max_num_queries, items):
    dialogue = DialogueFactory()
    for n in range(items):
        AgendaItemFactory(dialogue=dialogue, number=n + 1)
        DialogueChairFactory(dialogue=dialogue, order=n + 1)
    # The dialogue, its agenda, its Chairs; its published CRP, if any.
    with django_assert_max_num_queries(4):
        response = client.get(reverse("dialogue_detail", args=[dialogue.pk]))
    assert response.content.decode().count("<h3>") == items


@pytest.mark.parametrize(
    ("first", "last", "shown"),
    [
        ("2022-05-04", "2022-05-05", "4–5 May 2022"),
        ("2022-04-30", "2022-05-02", "30 April–2 May 2022"),
        ("2022-12-30", "2023-01-02", "30 December 2022–2 January 2023"),
    ],
)
def test_dialogue_page_gives_session_days_as_a_range(client, db, first, last, shown):
    session = WorkingGroupSessionFactory(first_day=first, last_day=last)
    dialogue = DialogueFactory(session=session, date=datetime.date.fromisoformat(last))
    page = client.get(reverse("dialogue_detail", args=[dialogue.pk])).content.decode()
    assert f", {shown}</dd>" in page
