"""The secretariat's dialogue pages: who may see them, the calendar, one dialogue and its changes of
plan, the admin's actions."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse

from dialogue_portal.models import AuditEvent
from sessions.models import AgendaItem, Intervention, Registration
from tests.factories import (
    AgendaItemFactory,
    DialogueFactory,
    InterventionFactory,
    UserFactory,
    WorkingGroupSessionFactory,
)

from .support import (
    MEETING_LINK,
    State,
    _applicant,
    _field_error,
    _mail_to,
    _page,
    _recipients,
    _request,
    _text,
    _today,
    _url,
)

# --- Access --------------------------------------------------------------------------------


def _staff_urls(dialogue, registration, item, intervention) -> list[str]:
    pk = dialogue.pk
    return [
        _url("staff_calendar"),
        _url("staff_dialogue", pk),
        _url("staff_dialogue_action", pk, "open"),
        _url("staff_dialogue_action", pk, "cancel"),
        _url("staff_agenda_move", pk, item.pk),
        _url("staff_applications", pk),
        _url("staff_application", pk, registration.pk),
        _url("staff_attendance", pk),
        _url("staff_figures", pk),
        _url("staff_speakers", pk),
        _url("staff_speaker_action", pk, intervention.pk, "schedule"),
    ]


@pytest.fixture
def everything(dialogue):
    registration = _applicant(dialogue, name="Access Test Network")
    item = AgendaItemFactory(dialogue=dialogue, number=1)
    intervention = InterventionFactory(
        registration=_applicant(dialogue, name="Speaker Network", state=Registration.State.APPROVED),
        agenda_item=item,
    )
    return dialogue, registration, item, intervention


@pytest.mark.parametrize("method", ["get", "post"])
def test_staff_pages_answer_404_to_signed_in_non_staff(client, user, everything, method):
    client.force_login(user)
    for url in _staff_urls(*everything):
        assert getattr(client, method)(url, {"direction": "up"}).status_code == 404, url
    dialogue, registration, item, intervention = everything
    for obj in (dialogue, registration, intervention):
        obj.refresh_from_db()
    assert (dialogue.state, registration.state, intervention.state) == ("open", "applied", "requested")


def test_staff_pages_answer_404_to_staff_outside_the_secretariat(client, everything):
    client.force_login(UserFactory(is_staff=True))
    for url in _staff_urls(*everything):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("method", ["get", "post"])
def test_staff_pages_send_visitors_to_login(client, everything, method):
    login = reverse("account_login")
    for url in _staff_urls(*everything):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{login}?next="), url


def test_staff_actions_refuse_get_and_unknown_slugs(secretariat_client, everything):
    dialogue, _registration, item, intervention = everything
    assert secretariat_client.get(_url("staff_dialogue_action", dialogue.pk, "open")).status_code == 405
    assert secretariat_client.post(_url("staff_dialogue_action", dialogue.pk, "delete")).status_code == 404
    assert (
        secretariat_client.post(
            _url("staff_speaker_action", dialogue.pk, intervention.pk, "promote")
        ).status_code
        == 404
    )
    dialogue.refresh_from_db()
    assert dialogue.state == State.OPEN


def test_staff_pages_of_one_dialogue_refuse_objects_of_another(secretariat_client, everything):
    dialogue, registration, item, intervention = everything
    other = DialogueFactory()
    assert secretariat_client.get(_url("staff_application", other.pk, registration.pk)).status_code == 404
    assert (
        secretariat_client.post(_url("staff_agenda_move", other.pk, item.pk), {"direction": "up"}).status_code
        == 404
    )
    assert (
        secretariat_client.post(
            _url("staff_speaker_action", other.pk, intervention.pk, "schedule")
        ).status_code
        == 404
    )
    intervention.refresh_from_db()
    assert intervention.state == Intervention.State.REQUESTED


# --- The calendar --------------------------------------------------------------------------


def test_calendar_shows_the_month_dialogues_with_group_and_state(secretariat_client, dialogue):
    april = DialogueFactory(date=datetime.date(2030, 4, 2))
    response = secretariat_client.get(_url("staff_calendar"), {"month": "2030-03"})
    assert response.status_code == 200
    text = _text(response)
    assert "Dialogue calendar: March 2030" in text
    assert "1 dialogue in March 2030" in text
    assert "15:00 Working Group on Firearms open" in text
    assert f'href="{_url("staff_dialogue", dialogue.pk)}"' in _page(response)
    assert f'href="{_url("staff_dialogue", april.pk)}"' not in _page(response)
    # The grid runs Monday to Sunday, 6 March 2030 (a Wednesday) in its first week.
    assert re.search(r"<thead>\s*<tr><th scope=\"col\">Monday</th>", _page(response))
    assert '<time datetime="2030-03-06">6</time>' in _page(response)


def test_calendar_links_previous_and_next_months(secretariat_client, db):
    page = _page(secretariat_client.get(_url("staff_calendar"), {"month": "2030-01"}))
    assert 'href="?month=2029-12" rel="prev"' in page
    assert 'href="?month=2030-02" rel="next"' in page


@pytest.mark.parametrize("month", [None, "2030-13", "soon"])
def test_calendar_shows_this_month_by_default(secretariat_client, db, month):
    today = _today()
    DialogueFactory(
        session=WorkingGroupSessionFactory(first_day=today, last_day=today),
        date=today,
    )
    response = secretariat_client.get(_url("staff_calendar"), {"month": month} if month else {})
    assert response.status_code == 200
    assert response.context["month"] == today.replace(day=1)
    assert 'aria-current="date"' in _page(response)
    assert "1 dialogue in" in _text(response)


# --- One dialogue and its changes of plan --------------------------------------------------


def test_dialogue_page_shows_details_actions_and_links(secretariat_client, dialogue):
    AgendaItemFactory(dialogue=dialogue, number=1, title="Opening of the dialogue")
    response = secretariat_client.get(_url("staff_dialogue", dialogue.pk))
    text = _text(response)
    assert "First constructive dialogue" in text
    assert "Boardroom D" in text
    assert MEETING_LINK in text
    assert "Opening of the dialogue" in text
    # An open dialogue can be closed, postponed or cancelled, not opened again.
    assert set(response.context["forms"]) == {"close", "postpone", "cancel"}
    for name in ("staff_applications", "staff_attendance", "staff_figures", "staff_speakers"):
        assert f'href="{_url(name, dialogue.pk)}"' in _page(response)


def test_dialogue_open_and_close_through_the_buttons(post, secretariat, dialogue):
    dialogue.state = State.SCHEDULED
    dialogue.save()
    response = post(_url("staff_dialogue_action", dialogue.pk, "open"), follow=True)
    dialogue.refresh_from_db()
    assert dialogue.state == State.OPEN
    assert "The dialogue is open for applications" in _text(response)
    post(_url("staff_dialogue_action", dialogue.pk, "close"))
    dialogue.refresh_from_db()
    assert dialogue.state == State.CLOSED
    assert list(
        AuditEvent.objects.for_object(dialogue).order_by("id").values_list("from_state", "to_state", "actor")
    ) == [("scheduled", "open", secretariat.pk), ("open", "closed", secretariat.pk)]


def test_dialogue_open_after_both_deadlines_is_refused_with_the_message(post, dialogue_today):
    dialogue_today.state = State.SCHEDULED
    dialogue_today.save()
    response = post(_url("staff_dialogue_action", dialogue_today.pk, "open"))
    assert response.status_code == 200
    assert "Both deadlines have passed" in _text(response)
    assert "The dialogue was not changed" in _text(response)
    dialogue_today.refresh_from_db()
    assert dialogue_today.state == State.SCHEDULED


def test_dialogue_mark_held_before_its_date_is_refused(post, dialogue):
    dialogue.state = State.CLOSED
    dialogue.save()
    response = post(_url("staff_dialogue_action", dialogue.pk, "hold"))
    assert "only on its date or later" in _text(response)
    dialogue.refresh_from_db()
    assert dialogue.state == State.CLOSED


def test_dialogue_mark_held_on_the_day(post, dialogue_today):
    post(_url("staff_dialogue_action", dialogue_today.pk, "hold"))
    dialogue_today.refresh_from_db()
    assert dialogue_today.state == State.HELD


def test_dialogue_cancel_with_a_reason_emails_every_applicant(post, dialogue):
    applied = _applicant(dialogue, name="Applied Network")
    approved = _applicant(dialogue, name="Approved Network", state=Registration.State.APPROVED)
    declined = _applicant(dialogue, name="Declined Network", state=Registration.State.DECLINED)
    response = post(
        _url("staff_dialogue_action", dialogue.pk, "cancel"),
        {"reason": "The room is unavailable."},
        follow=True,
    )
    dialogue.refresh_from_db()
    assert (dialogue.state, dialogue.sequence) == (State.CANCELLED, 1)
    assert "The dialogue is cancelled" in _text(response)
    approved_rep = approved.representatives.get().email
    assert _recipients() == sorted(
        [
            f"focal@{applied.organisation_id}.example",
            f"focal@{approved.organisation_id}.example",
            approved_rep,
        ]
    )
    assert all("The room is unavailable." in message.body for message in mail.outbox)
    assert not _mail_to(f"focal@{declined.organisation_id}.example")


def test_dialogue_postpone_moves_it_with_deadlines_in_the_venue_time_zone(post, dialogue):
    dialogue.time_zone = "America/New_York"
    dialogue.save()
    registration = _applicant(dialogue, name="Applied Network")
    response = post(
        _url("staff_dialogue_action", dialogue.pk, "postpone"),
        {
            "date": "2030-03-12",
            "start_time": "10:00",
            "end_time": "13:00",
            "applications_deadline": "2030-03-01T23:59",
            "comments_deadline": "",
            "note": "Moved for the interpreters.",
        },
        follow=True,
    )
    assert "The dialogue is postponed to 12 March 2030, 10:00" in _text(response)
    before_comments = dialogue.comments_deadline
    dialogue.refresh_from_db()
    assert (dialogue.date, dialogue.start_time, dialogue.end_time, dialogue.sequence) == (
        datetime.date(2030, 3, 12),
        datetime.time(10, 0),
        datetime.time(13, 0),
        1,
    )
    local = dialogue.applications_deadline.astimezone(dialogue.zone)
    assert (local.date(), local.hour, local.minute) == (datetime.date(2030, 3, 1), 23, 59)
    assert dialogue.comments_deadline == before_comments  # left empty: kept
    (message,) = _mail_to(f"focal@{registration.organisation_id}.example")
    assert "Tuesday 12 March 2030, 10:00" in message.body
    assert "Moved for the interpreters." in message.body


def test_dialogue_postpone_before_the_session_shows_the_error_next_to_the_date(post, dialogue):
    response = post(
        _url("staff_dialogue_action", dialogue.pk, "postpone"),
        {"date": "2030-03-01", "start_time": "10:00", "end_time": "13:00", "note": "Kept note"},
    )
    assert response.status_code == 200
    assert "after its working-group session" in _field_error(response, "id_postpone_date")
    page = _page(response)
    assert 'value="2030-03-01"' in page  # what was typed is kept
    assert "Kept note" in page
    assert 'href="#id_postpone_date"' in page  # the summary links to the field
    dialogue.refresh_from_db()
    assert (dialogue.date, dialogue.sequence) == (datetime.date(2030, 3, 6), 0)
    assert mail.outbox == []


def test_dialogue_postpone_with_deadline_after_the_start_shows_error_next_to_it(post, dialogue):
    response = post(
        _url("staff_dialogue_action", dialogue.pk, "postpone"),
        {
            "date": "2030-03-07",
            "start_time": "10:00",
            "end_time": "13:00",
            "comments_deadline": "2030-03-08T12:00",
        },
    )
    assert "cannot be after the dialogue starts" in _field_error(response, "id_postpone_comments_deadline")
    assert 'value="2030-03-08T12:00"' in _page(response)
    dialogue.refresh_from_db()
    assert dialogue.date == datetime.date(2030, 3, 6)


def test_dialogue_postpone_into_a_taken_room_is_refused_next_to_the_date(post, dialogue):
    other = DialogueFactory(
        date=datetime.date(2030, 3, 12), start_time=datetime.time(11, 0), room="Boardroom D"
    )
    response = post(
        _url("staff_dialogue_action", dialogue.pk, "postpone"),
        {"date": "2030-03-12", "start_time": "10:00", "end_time": "13:00"},
    )
    error = _field_error(response, "id_postpone_date")
    assert "Boardroom D is taken from 12 March 2030, 11:00" in error
    assert str(other.session.working_group) in error
    dialogue.refresh_from_db()
    assert (dialogue.date, dialogue.sequence) == (datetime.date(2030, 3, 6), 0)


def test_dialogue_postpone_needs_its_date_and_times(post, dialogue):
    response = post(_url("staff_dialogue_action", dialogue.pk, "postpone"), {"date": ""})
    assert "This field is required." in _field_error(response, "id_postpone_date")
    assert "This field is required." in _field_error(response, "id_postpone_start_time")
    dialogue.refresh_from_db()
    assert dialogue.sequence == 0


def test_dialogue_held_offers_no_change_of_plan(secretariat_client, dialogue):
    dialogue.state = State.HELD
    dialogue.save()
    response = secretariat_client.get(_url("staff_dialogue", dialogue.pk))
    assert response.context["forms"] == {}
    assert "nothing more to change" in _text(response)


def test_agenda_items_move_up_and_down(post, dialogue):
    first = AgendaItemFactory(dialogue=dialogue, number=1, title="Opening")
    second = AgendaItemFactory(dialogue=dialogue, number=2, title="Firearms")
    third = AgendaItemFactory(dialogue=dialogue, number=3, title="Closing")
    response = post(_url("staff_agenda_move", dialogue.pk, third.pk), {"direction": "up"}, follow=True)
    assert "“Closing” is now item 2." in _text(response)
    post(_url("staff_agenda_move", dialogue.pk, first.pk), {"direction": "down"})
    numbers = dict(AgendaItem.objects.filter(dialogue=dialogue).values_list("title", "number"))
    assert numbers == {"Closing": 1, "Opening": 2, "Firearms": 3}
    page = _text(
        post(_url("staff_agenda_move", dialogue.pk, second.pk), {"direction": "sideways"}, follow=True)
    )
    assert "Choose to move the agenda item up or down." in page
    second.refresh_from_db()
    assert second.number == 3


# --- Admin actions -------------------------------------------------------------------------


def _admin_changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def test_admin_approves_applications_through_the_service(post, secretariat, dialogue):
    registration = _applicant(dialogue, name="Network")
    response = post(
        _admin_changelist(Registration),
        {"action": "registration_approve", "_selected_action": [registration.pk]},
        follow=True,
    )
    assert "1 application approved." in _text(response)
    registration.refresh_from_db()
    assert registration.state == Registration.State.APPROVED
    (message,) = _mail_to(registration.representatives.get().email)
    assert MEETING_LINK in message.body
    assert AuditEvent.objects.for_object(registration).get().actor == secretariat


def test_admin_links_to_the_staff_page_to_decline(secretariat_client, dialogue):
    registration = _applicant(dialogue, name="Network")
    page = _page(secretariat_client.get(_admin_changelist(Registration)))
    assert _url("staff_application", dialogue.pk, registration.pk) in page
    assert "registration_decline" not in page  # a reason is needed: not an action here


def test_admin_schedules_and_refuses_interventions_through_the_service(post, item):
    ana = _request(item, "Ana")
    post(_admin_changelist(Intervention), {"action": "intervention_schedule", "_selected_action": [ana.pk]})
    ana.refresh_from_db()
    assert (ana.state, ana.position) == (Intervention.State.SCHEDULED, 1)
    response = post(
        _admin_changelist(Intervention),
        {"action": "intervention_schedule", "_selected_action": [ana.pk]},
        follow=True,
    )
    assert "cannot go from “scheduled” to “scheduled”" in _text(response)
