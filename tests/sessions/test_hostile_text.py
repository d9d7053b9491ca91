"""Text that would break a feed, an e-mail subject or a calendar, typed on the dialogue
pages and in the secretariat's dialogue form: refused next to its field with the character
named, and nothing saved; a name stored with such text before (or through the shell) still
gives calendar files that parse, every line of them valid iCalendar."""

import datetime
import html
import re

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from sessions import services
from sessions.models import AgendaItem, Dialogue, Intervention, Registration, WorkingGroup
from tests.factories import (
    AgendaItemFactory,
    DialogueFactory,
    FocalPointFactory,
    RepresentativeFactory,
    WorkingGroupSessionFactory,
    admitted_organisation,
    vienna,
)

REFUSAL = "This text contains a control character (U+000B) after “"


def _page(response) -> str:
    return response.content.decode()


def assert_refused_next_to(response, field_id: str, wording: str = REFUSAL) -> None:
    """The page is shown again with the refusal in the field's own error list."""
    assert response.status_code == 200
    match = re.search(rf'id="{field_id}_error"[^>]*>(.*?)</(?:ul|div)>', _page(response), re.S)
    assert match, f"no error next to {field_id}"
    assert wording in match.group(1)


def _open_dialogue() -> Dialogue:
    day = timezone.localdate() + datetime.timedelta(days=40)
    session = WorkingGroupSessionFactory(first_day=day - datetime.timedelta(days=2), last_day=day)
    return DialogueFactory(
        session=session,
        state=Dialogue.State.OPEN,
        applications_deadline=vienna(day - datetime.timedelta(days=7)),
        comments_deadline=vienna(day - datetime.timedelta(days=7)),
    )


@pytest.fixture
def organisation(db):
    return admitted_organisation(name="Red de Víctimas")


@pytest.fixture
def focal_client(client, organisation):
    client.force_login(FocalPointFactory(organisation=organisation).user)
    return client


# --- The focal points' pages ----------------------------------------------------------------


def test_application_with_a_control_character_in_its_expertise_is_refused(focal_client, organisation):
    dialogue = _open_dialogue()
    speaker = RepresentativeFactory(organisation=organisation)
    response = focal_client.post(
        f"{reverse('apply')}?organisation={organisation.pk}",
        {
            "dialogues": [dialogue.pk],
            "representatives": [speaker.pk],
            "expertise": "Research on\x0bfirearms trafficking.\r\n\r\n\tIn the Andean region.",
        },
    )
    assert_refused_next_to(response, "id_expertise")
    assert not Registration.objects.exists()


def test_floor_request_with_a_control_character_in_its_topic_is_refused(
    focal_client, organisation, secretariat
):
    dialogue = _open_dialogue()
    speaker = RepresentativeFactory(organisation=organisation)
    (registration,) = services.registration_apply(
        organisation=organisation,
        dialogues=[dialogue],
        by=secretariat,
        representatives=[speaker],
        expertise="Data.",
    )
    services.registration_approve(registration=registration, by=secretariat)
    item = AgendaItemFactory(dialogue=dialogue, number=1)
    response = focal_client.post(
        reverse("my_floor_request", args=[organisation.pk, registration.pk]),
        {"agenda_item": item.pk, "speaker": speaker.pk, "topic": "Victims'\x0brights"},
    )
    assert_refused_next_to(response, "id_topic")
    assert not Intervention.objects.exists()


# --- The secretariat's pages --------------------------------------------------------------


@pytest.fixture
def applied(organisation, secretariat):
    dialogue = _open_dialogue()
    (registration,) = services.registration_apply(
        organisation=organisation,
        dialogues=[dialogue],
        by=secretariat,
        representatives=[RepresentativeFactory(organisation=organisation)],
        expertise="Data.",
    )
    return registration


def test_decline_with_a_control_character_in_its_reason_is_refused(secretariat_client, applied):
    response = secretariat_client.post(
        reverse("staff_application", args=[applied.dialogue_id, applied.pk]),
        {"decision": "decline", "reason": "Outside\x0bthe topic."},
    )
    assert_refused_next_to(response, "id_decline_reason")
    applied.refresh_from_db()
    assert (applied.state, applied.decline_reason) == (Registration.State.APPLIED, "")


def test_bulk_decline_with_a_control_character_in_its_reason_is_refused(secretariat_client, applied):
    response = secretariat_client.post(
        reverse("staff_applications", args=[applied.dialogue_id]),
        {"registrations": [applied.pk], "decision": "decline", "reason": "Outside\x0bthe topic."},
    )
    assert_refused_next_to(response, "id_bulk_reason")
    applied.refresh_from_db()
    assert (applied.state, applied.decline_reason) == (Registration.State.APPLIED, "")


@pytest.mark.parametrize(("action", "field"), [("cancel", "reason"), ("postpone", "note")])
def test_change_of_plan_with_a_control_character_in_its_note_is_refused(secretariat_client, action, field):
    dialogue = _open_dialogue()
    data = {field: "Moved to\x0bthe spring."}
    if action == "postpone":
        later = dialogue.date + datetime.timedelta(days=1)
        data |= {"date": later.isoformat(), "start_time": "10:00", "end_time": "13:00"}
    response = secretariat_client.post(reverse("staff_dialogue_action", args=[dialogue.pk, action]), data)
    assert_refused_next_to(response, f"id_{action}_{field}")
    before = (dialogue.state, dialogue.date, dialogue.sequence)
    dialogue.refresh_from_db()
    assert (dialogue.state, dialogue.date, dialogue.sequence) == before


# --- The secretariat's dialogue form (the admin) --------------------------------------------


def _admin_dialogue_data(dialogue, **changes) -> dict:
    local = timezone.localtime(dialogue.applications_deadline, dialogue.zone)
    data = {
        "session": dialogue.session_id,
        "date": dialogue.date.isoformat(),
        "start_time": "15:00",
        "end_time": "18:00",
        "time_zone": dialogue.time_zone,
        "venue": "Vienna International Centre",
        "room": "Boardroom D",
        "format": "hybrid",
        "meeting_link": "https://meet.example.org/j/1",
        "applications_deadline_0": local.date().isoformat(),
        "applications_deadline_1": "23:59",
        "comments_deadline_0": local.date().isoformat(),
        "comments_deadline_1": "23:59",
    }
    for prefix in ("chairs", "agenda_items"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | changes


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("venue", "Vienna\x0bInternational Centre"),
        ("room", "Boardroom\x0bD"),
        ("meeting_link", "https://meet.example.org/j/1\x0b2"),
        ("venue", "Vienna International Centre\nBuilding M"),
    ],
)
def test_admin_dialogue_form_refuses_a_control_character_or_line_break(secretariat_client, field, value):
    dialogue = _open_dialogue()
    url = reverse("admin:dialogue_sessions_dialogue_change", args=[dialogue.pk])
    response = secretariat_client.post(url, _admin_dialogue_data(dialogue, **{field: value}))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors[field]
    assert re.search(
        r"(control character \(U\+000B\)|single line: remove the line break \(U\+000A\))", " ".join(errors)
    )
    assert all(error in html.unescape(_page(response)) for error in errors)
    before = (dialogue.venue, dialogue.room, dialogue.meeting_link)
    dialogue.refresh_from_db()
    assert (dialogue.venue, dialogue.room, dialogue.meeting_link) == before


def test_admin_agenda_item_with_a_control_character_is_refused(secretariat_client):
    dialogue = _open_dialogue()
    url = reverse("admin:dialogue_sessions_dialogue_change", args=[dialogue.pk])
    data = _admin_dialogue_data(dialogue) | {
        "agenda_items-TOTAL_FORMS": "1",
        "agenda_items-0-number": "1",
        "agenda_items-0-title": "Prevention\x0band protection",
        "agenda_items-0-description": "Of victims.\r\n\tAnd witnesses.",
        "agenda_items-0-cluster": "",
    }
    response = secretariat_client.post(url, data)
    assert response.status_code == 200
    (agenda_items,) = [
        formset
        for formset in response.context["inline_admin_formsets"]
        if formset.formset.prefix == "agenda_items"
    ]
    assert list(agenda_items.formset.errors[0]) == ["title"]
    assert REFUSAL in " ".join(agenda_items.formset.errors[0]["title"])
    assert not AgendaItem.objects.exists()


def test_admin_working_group_with_a_multi_line_name_is_refused(secretariat_client):
    response = secretariat_client.post(
        reverse("admin:dialogue_sessions_workinggroup_add"),
        {"name": "Working Group\non Firearms", "symbol_prefix": "CTOC/COP/WG.6", "slug": "firearms"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["name"] == [
        "This field takes a single line: remove the line break (U+000A) after “Working Group”."
    ]
    assert not WorkingGroup.objects.exists()


# --- Calendars of what was stored before ------------------------------------------------------


@pytest.fixture
def hostile_dialogue(db):
    """Stored as it may be from before the forms refused it: straight into the tables."""
    dialogue = _open_dialogue()
    group = dialogue.session.working_group
    WorkingGroup.objects.filter(pk=group.pk).update(name="Working Group\r\non Firearms")
    Dialogue.objects.filter(pk=dialogue.pk).update(
        venue="Vienna\x0bInternational Centre", room="Board\u2028room"
    )
    return dialogue


def _assert_valid_icalendar(content: bytes) -> icalendar.Calendar:
    text = content.decode("utf-8")
    # RFC 5545: lines end in CRLF and TEXT holds no control character but the folding tab.
    assert not re.search("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]", text.replace("\r\n", ""))
    return icalendar.Calendar.from_ical(content)


def test_dialogue_calendar_file_parses_whatever_its_names_hold(client, hostile_dialogue):
    response = client.get(reverse("dialogue_ics", args=[hostile_dialogue.pk]))
    assert response.status_code == 200
    calendar = _assert_valid_icalendar(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "Working Group on Firearms"
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]).endswith(": Working Group on Firearms")
    assert str(event["LOCATION"]) == "Vienna International Centre, Board room"


def test_upcoming_calendar_parses_whatever_the_names_hold(client, hostile_dialogue):
    response = client.get(reverse("upcoming_ics"))
    assert response.status_code == 200
    calendar = _assert_valid_icalendar(response.content)
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]).endswith(": Working Group on Firearms")
    assert str(event["LOCATION"]) == "Vienna International Centre, Board room"
