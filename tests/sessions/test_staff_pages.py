"""The secretariat's dialogue pages, used as the secretariat would: the calendar, one
dialogue and its changes of plan, the applications and the Extended Bureau's decisions,
the attendance checklist, the participation figures and the speakers' list; what changed
is checked in the database, on the page and in the outbox."""

import datetime
import html
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dialogue_portal.models import AuditEvent
from sessions.models import AgendaItem, Attendance, Dialogue, Intervention, Registration
from stakeholders.models import Category, Representative
from tests.factories import (
    AgendaItemFactory,
    DialogueChairFactory,
    DialogueFactory,
    FocalPointFactory,
    InterventionFactory,
    OrganisationFactory,
    RegistrationFactory,
    RepresentativeFactory,
    SecretariatFactory,
    UserFactory,
    WorkingGroupFactory,
    WorkingGroupSessionFactory,
)

State = Dialogue.State
MEETING_LINK = "https://meet.example.org/dialogue-secret-42"


# --- Helpers --------------------------------------------------------------------------


def _page(response) -> str:
    return response.content.decode()


def _text(response) -> str:
    """The page's text, tags dropped and spaces squeezed, for asserting on what a reader sees."""
    text = re.sub(r"<[^>]+>", " ", _page(response))
    return re.sub(r"\s+", " ", html.unescape(text))


def _field_error(response, field_id: str) -> str:
    """The error shown next to one field (Django renders it with the id ``<field>_error``)."""
    match = re.search(rf'id="{field_id}_error"[^>]*>(.*?)</ul>', _page(response), re.S)
    assert match, f"no error next to {field_id}"
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1)))


def _recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def _mail_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def _url(name: str, *args) -> str:
    return reverse(name, args=args)


def _today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def post(secretariat_client, django_capture_on_commit_callbacks):
    """POST as the secretariat; e-mails queued on commit are sent."""

    def send(url: str, data=None, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return secretariat_client.post(url, data or {}, **kwargs)

    return send


@pytest.fixture
def dialogue(db):
    """An open dialogue on 6 March 2030, after the session of 4–6 March, with its meeting link."""
    return DialogueFactory(
        session=WorkingGroupSessionFactory(
            working_group=WorkingGroupFactory(name="Working Group on Firearms"),
            first_day=datetime.date(2030, 3, 4),
            last_day=datetime.date(2030, 3, 6),
        ),
        state=State.OPEN,
        meeting_link=MEETING_LINK,
    )


@pytest.fixture
def dialogue_today(db):
    """A closed dialogue held today: attendance may be recorded."""
    today = _today()
    return DialogueFactory(
        session=WorkingGroupSessionFactory(first_day=today - datetime.timedelta(days=2), last_day=today),
        state=State.CLOSED,
        meeting_link=MEETING_LINK,
    )


def _applicant(dialogue, *, name: str, state=Registration.State.APPLIED, people: int = 1, **fields):
    """An application by a new organisation with a focal point and ``people`` representatives."""
    organisation = OrganisationFactory(name=name, **fields.pop("organisation", {}))
    FocalPointFactory(organisation=organisation, user__email=f"focal@{organisation.pk}.example")
    representatives = [RepresentativeFactory(organisation=organisation) for _ in range(people)]
    return RegistrationFactory(
        dialogue=dialogue, organisation=organisation, state=state, representatives=representatives, **fields
    )


# --- Access ---------------------------------------------------------------------------


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


# --- The calendar ---------------------------------------------------------------------


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


# --- One dialogue and its changes of plan ---------------------------------------------


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


# --- Applications and decisions -------------------------------------------------------


def test_applications_table_shows_each_application_and_filters_by_state(secretariat_client, dialogue):
    applied = _applicant(
        dialogue,
        name="Grassroots Victims Network",
        people=2,
        travel_support_requested=True,
        expertise="Survivors of armed violence in the Sahel.",
        organisation={"category": Category.ACADEMIA, "country": "SN"},
    )
    _applicant(dialogue, name="Declined Institute", state=Registration.State.DECLINED)
    _applicant(DialogueFactory(), name="Other Dialogue Network")
    response = secretariat_client.get(_url("staff_applications", dialogue.pk))
    text = _text(response)
    assert "2 applications" in text
    for shown in (
        "Grassroots Victims Network",
        "Academia",
        "Senegal",
        *applied.representatives.values_list("name", flat=True),
        "Survivors of armed violence in the Sahel.",
        "requested",
        "Declined Institute",
    ):
        assert shown in text, shown
    assert "Other Dialogue Network" not in text
    # Only an application awaiting a decision can be selected.
    assert f'name="registrations" value="{applied.pk}"' in _page(response)
    assert _page(response).count('name="registrations"') == 1

    filtered = _text(secretariat_client.get(_url("staff_applications", dialogue.pk), {"state": "declined"}))
    assert "1 application" in filtered
    assert "Declined Institute" in filtered
    assert "Grassroots Victims Network" not in filtered


def test_applications_bulk_approve_emails_each_representative_the_meeting_link(post, dialogue):
    first = _applicant(dialogue, name="First Network", people=2)
    second = _applicant(dialogue, name="Second Network")
    response = post(
        _url("staff_applications", dialogue.pk),
        {"registrations": [first.pk, second.pk], "decision": "approve"},
        follow=True,
    )
    assert "2 applications were approved." in _text(response)
    for registration in (first, second):
        registration.refresh_from_db()
        assert registration.state == Registration.State.APPROVED
        assert not registration.travel_support_granted
        for representative in registration.representatives.all():
            (message,) = _mail_to(representative.email)
            assert MEETING_LINK in message.body
        (decided,) = _mail_to(f"focal@{registration.organisation_id}.example")
        assert "approved" in decided.subject.lower()
        assert MEETING_LINK not in decided.body
    assert len(mail.outbox) == 5  # three representatives, two focal points


def test_applications_bulk_decline_needs_a_reason_next_to_the_field(post, dialogue):
    registration = _applicant(dialogue, name="First Network")
    response = post(
        _url("staff_applications", dialogue.pk), {"registrations": [registration.pk], "decision": "decline"}
    )
    assert response.status_code == 200
    assert "Give the reason for declining." in _field_error(response, "id_bulk_reason")
    assert f'value="{registration.pk}" id="select-{registration.pk}" checked' in _page(response)
    registration.refresh_from_db()
    assert registration.state == Registration.State.APPLIED
    assert mail.outbox == []


def test_applications_bulk_decline_tells_the_reason_and_never_the_link(post, dialogue):
    first = _applicant(dialogue, name="First Network")
    second = _applicant(dialogue, name="Second Network")
    post(
        _url("staff_applications", dialogue.pk),
        {"registrations": [first.pk, second.pk], "decision": "decline", "reason": "Outside the topic."},
    )
    for registration in (first, second):
        registration.refresh_from_db()
        assert registration.state == Registration.State.DECLINED
        assert registration.decline_reason == "Outside the topic."
    assert _recipients() == sorted(f"focal@{r.organisation_id}.example" for r in (first, second))
    assert all("Outside the topic." in message.body for message in mail.outbox)
    assert not any(MEETING_LINK in message.body for message in mail.outbox)


def test_applications_bulk_decision_is_all_or_none(post, dialogue):
    applied = _applicant(dialogue, name="Applied Network")
    declined = _applicant(dialogue, name="Already Declined Institute", state=Registration.State.DECLINED)
    response = post(
        _url("staff_applications", dialogue.pk),
        {"registrations": [applied.pk, declined.pk], "decision": "approve"},
    )
    assert "Already Declined Institute: This registration cannot go from “declined” to “approved”." in _text(
        response
    )
    applied.refresh_from_db()
    assert applied.state == Registration.State.APPLIED
    assert mail.outbox == []
    assert not AuditEvent.objects.for_object(applied).exists()


def test_applications_bulk_decision_needs_a_selection(post, dialogue):
    _applicant(dialogue, name="Applied Network")
    response = post(_url("staff_applications", dialogue.pk), {"decision": "approve"})
    assert "Select at least one application." in _text(response)


@pytest.mark.parametrize("count", [5, 50])
def test_applications_page_runs_a_fixed_number_of_queries(
    secretariat_client, dialogue, django_assert_max_num_queries, count
):
    for n in range(count):
        _applicant(dialogue, name=f"Network {n:02d}", people=2)
    with django_assert_max_num_queries(7):
        response = secretariat_client.get(_url("staff_applications", dialogue.pk))
    assert response.context["rows"][count - 1].organisation.name == f"Network {count - 1:02d}"


def test_application_page_approves_with_travel_support(post, secretariat_client, dialogue):
    registration = _applicant(dialogue, name="Grassroots Network", travel_support_requested=True)
    page = _page(secretariat_client.get(_url("staff_application", dialogue.pk, registration.pk)))
    assert 'name="travel_support_granted"' in page
    assert registration.expertise in page
    response = post(
        _url("staff_application", dialogue.pk, registration.pk),
        {"decision": "approve", "travel_support_granted": "on"},
        follow=True,
    )
    assert "The application of Grassroots Network is approved" in _text(response)
    registration.refresh_from_db()
    assert (registration.state, registration.travel_support_granted) == (Registration.State.APPROVED, True)
    (message,) = _mail_to(registration.representatives.get().email)
    assert MEETING_LINK in message.body
    assert "Travel support has been granted" in message.body
    assert "nothing more to decide" in _text(response)


def test_application_page_offers_travel_support_only_when_requested(post, secretariat_client, dialogue):
    registration = _applicant(dialogue, name="Network")
    page = _page(secretariat_client.get(_url("staff_application", dialogue.pk, registration.pk)))
    assert 'name="travel_support_granted"' not in page
    post(
        _url("staff_application", dialogue.pk, registration.pk),
        {"decision": "approve", "travel_support_granted": "on"},
    )
    registration.refresh_from_db()
    assert (registration.state, registration.travel_support_granted) == (Registration.State.APPROVED, False)


def test_application_decline_without_a_reason_shows_the_error_next_to_it(post, dialogue):
    registration = _applicant(dialogue, name="Network")
    response = post(
        _url("staff_application", dialogue.pk, registration.pk), {"decision": "decline", "reason": "  "}
    )
    assert response.status_code == 200
    assert "Give the reason for declining." in _field_error(response, "id_decline_reason")
    registration.refresh_from_db()
    assert registration.state == Registration.State.APPLIED
    assert mail.outbox == []


def test_application_decline_with_a_reason_never_sends_the_link(post, dialogue):
    registration = _applicant(dialogue, name="Network")
    response = post(
        _url("staff_application", dialogue.pk, registration.pk),
        {"decision": "decline", "reason": "The Extended Bureau found no link to the topic."},
        follow=True,
    )
    registration.refresh_from_db()
    assert registration.state == Registration.State.DECLINED
    assert "The Extended Bureau found no link to the topic." in _text(response)  # in the history
    assert _recipients() == [f"focal@{registration.organisation_id}.example"]
    assert MEETING_LINK not in mail.outbox[0].body
    assert not _mail_to(registration.representatives.get().email)


def test_application_decided_meanwhile_is_refused_with_the_message(post, dialogue):
    registration = _applicant(dialogue, name="Network", state=Registration.State.DECLINED)
    response = post(_url("staff_application", dialogue.pk, registration.pk), {"decision": "approve"})
    assert "cannot go from “declined” to “approved”" in _text(response)
    registration.refresh_from_db()
    assert registration.state == Registration.State.DECLINED
    assert mail.outbox == []


# --- Attendance -----------------------------------------------------------------------


def _checklist(response) -> dict:
    """What the rendered checklist would send untouched: its hidden fields and ticked boxes."""
    page = _page(response)
    return {
        name: re.findall(rf'name="{name}" value="(\d+)"(?: id="[^"]+")?( checked)?', page)
        for name in ("shown", "before", "present")
    }


def _submit(client, dialogue, response, *, tick=(), untick=()):
    """Submit the checklist as loaded in ``response``, after ticking and unticking some boxes."""
    fields = _checklist(response)
    present = {value for value, checked in fields["present"] if checked}
    present = (present | {str(pk) for pk in tick}) - {str(pk) for pk in untick}
    with_callbacks = {
        "shown": [value for value, _ in fields["shown"]],
        "before": [value for value, _ in fields["before"]],
        "present": sorted(present),
    }
    return client.post(_url("staff_attendance", dialogue.pk), with_callbacks, follow=True)


def test_attendance_lists_approved_representatives_grouped_by_organisation(
    secretariat_client, dialogue_today
):
    approved = _applicant(
        dialogue_today, name="Approved Network", state=Registration.State.APPROVED, people=2
    )
    _applicant(dialogue_today, name="Applied Network")
    _applicant(dialogue_today, name="Declined Institute", state=Registration.State.DECLINED)
    response = secretariat_client.get(_url("staff_attendance", dialogue_today.pk))
    text = _text(response)
    assert "Approved Network" in text
    assert "Applied Network" not in text
    assert "Declined Institute" not in text
    for representative in approved.representatives.all():
        assert f'<label for="present-{representative.pk}">{representative.name}' in _page(response)
    assert "0 of 2 representatives of approved applications marked present." in text


def test_attendance_two_secretariat_users_marking_at_once_both_keep_their_marks(dialogue_today):
    registration = _applicant(dialogue_today, name="Network", state=Registration.State.APPROVED, people=2)
    first_rep, second_rep = registration.representatives.order_by("name")
    first, second = Client(), Client()
    first.force_login(SecretariatFactory())
    second.force_login(SecretariatFactory())
    url = _url("staff_attendance", dialogue_today.pk)
    first_page, second_page = first.get(url), second.get(url)  # both loaded before either submits

    _submit(first, dialogue_today, first_page, tick=[first_rep.pk])
    response = _submit(second, dialogue_today, second_page, tick=[second_rep.pk])

    assert set(
        Attendance.objects.filter(dialogue=dialogue_today).values_list("representative", flat=True)
    ) == {
        first_rep.pk,
        second_rep.pk,
    }
    assert "2 of 2 representatives of approved applications marked present." in _text(response)
    assert "Attendance saved: 1 marked present, 0 unmarked." in _text(response)


def test_attendance_unticking_removes_only_that_mark(secretariat_client, secretariat, dialogue_today):
    registration = _applicant(dialogue_today, name="Network", state=Registration.State.APPROVED, people=3)
    reps = list(registration.representatives.order_by("name"))
    for representative in reps[:2]:
        Attendance.objects.create(
            dialogue=dialogue_today, representative=representative, registration=registration
        )
    loaded = secretariat_client.get(_url("staff_attendance", dialogue_today.pk))
    # Meanwhile, on another tablet, the third is marked present.
    Attendance.objects.create(dialogue=dialogue_today, representative=reps[2], registration=registration)
    response = _submit(secretariat_client, dialogue_today, loaded, untick=[reps[0].pk])
    assert set(
        Attendance.objects.filter(dialogue=dialogue_today).values_list("representative", flat=True)
    ) == {
        reps[1].pk,
        reps[2].pk,
    }
    assert "Attendance saved: 0 marked present, 1 unmarked." in _text(response)


def test_attendance_before_the_day_is_refused_and_keeps_the_ticks(secretariat_client, dialogue):
    registration = _applicant(dialogue, name="Network", state=Registration.State.APPROVED)
    representative = registration.representatives.get()
    loaded = secretariat_client.get(_url("staff_attendance", dialogue.pk))
    assert "Attendance is recorded on the day of the dialogue, or after." in _text(loaded)
    response = _submit(secretariat_client, dialogue, loaded, tick=[representative.pk])
    assert response.status_code == 200
    assert "The attendance was not saved" in _text(response)
    assert f'value="{representative.pk}" id="present-{representative.pk}" checked' in _page(response)
    assert not Attendance.objects.exists()


def test_attendance_of_a_stranger_is_refused(secretariat_client, dialogue_today):
    _applicant(dialogue_today, name="Network", state=Registration.State.APPROVED)
    stranger = _applicant(dialogue_today, name="Applied Network").representatives.get()
    response = secretariat_client.post(
        _url("staff_attendance", dialogue_today.pk), {"shown": [stranger.pk], "present": [stranger.pk]}
    )
    assert "Only representatives of approved applications can be marked present." in _text(response)
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("organisations", [3, 30])
def test_attendance_page_runs_a_fixed_number_of_queries(
    secretariat_client, dialogue_today, django_assert_max_num_queries, organisations
):
    for n in range(organisations):
        registration = _applicant(
            dialogue_today, name=f"Network {n:02d}", state=Registration.State.APPROVED, people=2
        )
        Attendance.objects.create(
            dialogue=dialogue_today,
            representative=registration.representatives.first(),
            registration=registration,
        )
    with django_assert_max_num_queries(8):
        response = secretariat_client.get(_url("staff_attendance", dialogue_today.pk))
    assert f"{organisations} of {2 * organisations} representatives" in _text(response)


# --- Participation figures ------------------------------------------------------------


def _attend(registration, *representatives):
    for representative in representatives or registration.representatives.all():
        Attendance.objects.create(
            dialogue=registration.dialogue, representative=representative, registration=registration
        )


def _row(text: str, label: str) -> str:
    match = re.search(rf"{re.escape(label)} ((?:[\d.]+ %? ?)+)", text)
    assert match, label
    return match.group(1).strip()


def test_figures_count_attendance_only(secretariat_client, dialogue_today):
    ngo = _applicant(
        dialogue_today,
        name="NGO Network",
        state=Registration.State.APPROVED,
        people=3,
        travel_support_requested=True,
    )
    ngo.travel_support_granted = True
    ngo.save()
    female, male, unstated = ngo.representatives.order_by("name")
    Representative.objects.filter(pk=female.pk).update(gender=Representative.Gender.FEMALE)
    Representative.objects.filter(pk=male.pk).update(gender=Representative.Gender.MALE)
    _attend(ngo)
    academia = _applicant(
        dialogue_today,
        name="University",
        state=Registration.State.APPROVED,
        organisation={"category": Category.ACADEMIA},
    )
    Representative.objects.filter(pk=academia.representatives.get().pk).update(gender="female")
    _attend(academia)
    # Approved, granted travel support, but nobody came: not counted anywhere.
    absent = _applicant(
        dialogue_today,
        name="Absent Company",
        state=Registration.State.APPROVED,
        organisation={"category": Category.PRIVATE_SECTOR},
        travel_support_requested=True,
        travel_support_granted=True,
    )
    # The university took part in an earlier dialogue: not a first-time organisation.
    earlier = DialogueFactory(
        session=WorkingGroupSessionFactory(
            first_day=dialogue_today.date - datetime.timedelta(days=40),
            last_day=dialogue_today.date - datetime.timedelta(days=30),
        ),
        state=State.HELD,
    )
    before = RegistrationFactory(
        dialogue=earlier,
        organisation=academia.organisation,
        state=Registration.State.APPROVED,
        representatives=list(academia.representatives.all()),
    )
    _attend(before)
    InterventionFactory(registration=ngo, speaker=female, state=Intervention.State.DELIVERED)

    response = secretariat_client.get(_url("staff_figures", dialogue_today.pk))
    figures = response.context["figures"]
    assert figures.organisations_by_category == {"ngo": 1, "academia": 1, "private_sector": 0}
    assert (figures.organisations, figures.people) == (2, 4)
    text = _text(response)
    assert _row(text, "Non-governmental organization") == "1 3"
    assert _row(text, "Academia") == "1 1"
    assert _row(text, "Private sector") == "0 0"
    assert "Absent Company" not in text
    assert "Organisations taking part for the first time 1" in text
    assert "Organisations granted travel support 1" in text
    assert absent.state == Registration.State.APPROVED
    # Representatives present: 2 women of 4 (50 %), 1 man (25 %), 1 not stated (25 %).
    representatives = text[text.index("Representatives present") : text.index("Speakers who took the floor")]
    assert _row(representatives, "Female") == "2 50 %"
    assert _row(representatives, "Male") == "1 25 %"
    assert _row(representatives, "Not stated") == "1 25 %"
    speakers = text[text.index("Speakers who took the floor") :]
    assert _row(speakers, "Female") == "1 100 %"
    assert _row(speakers, "Male") == "0 0 %"


# --- The speakers' list ---------------------------------------------------------------


@pytest.fixture
def item(dialogue):
    return AgendaItemFactory(dialogue=dialogue, number=3, title="Firearms trafficking")


def _request(item, name: str) -> Intervention:
    registration = _applicant(item.dialogue, name=f"{name} Network", state=Registration.State.APPROVED)
    speaker = registration.representatives.get()
    speaker.name = name
    speaker.save()
    return InterventionFactory(registration=registration, agenda_item=item, speaker=speaker)


def _order(response) -> list[str]:
    return re.findall(r"<strong>([^<]+)</strong>", _page(response))


def test_speakers_list_order_after_schedule_and_move(post, secretariat_client, item):
    ana, bo, cy = (_request(item, name) for name in ("Ana", "Bo", "Cy"))
    dora = _request(item, "Dora")  # asks, is never scheduled: after those on the list
    for intervention in (cy, ana, bo):
        post(_url("staff_speaker_action", item.dialogue_id, intervention.pk, "schedule"))
    response = post(_url("staff_speaker_action", item.dialogue_id, bo.pk, "up"), follow=True)
    assert "Bo is now in place 2." in _text(response)
    assert _order(response) == ["Cy", "Bo", "Ana", "Dora"]
    positions = dict(Intervention.objects.values_list("speaker__name", "position"))
    assert positions == {"Cy": 1, "Bo": 2, "Ana": 3, "Dora": None}
    post(_url("staff_speaker_action", item.dialogue_id, cy.pk, "down"))
    assert _order(secretariat_client.get(_url("staff_speakers", item.dialogue_id))) == [
        "Bo",
        "Cy",
        "Ana",
        "Dora",
    ]
    assert dora.state == Intervention.State.REQUESTED


def test_speakers_list_deliver_and_withdraw(post, item):
    ana, bo = _request(item, "Ana"), _request(item, "Bo")
    post(_url("staff_speaker_action", item.dialogue_id, ana.pk, "schedule"))
    post(_url("staff_speaker_action", item.dialogue_id, ana.pk, "deliver"))
    response = post(_url("staff_speaker_action", item.dialogue_id, bo.pk, "withdraw"), follow=True)
    ana.refresh_from_db()
    bo.refresh_from_db()
    assert (ana.state, bo.state, bo.position) == ("delivered", "withdrawn", None)
    assert _order(response) == ["Ana"]  # a withdrawn request leaves the list
    refused = post(_url("staff_speaker_action", item.dialogue_id, ana.pk, "withdraw"), follow=True)
    assert "Ana: This intervention cannot go from “delivered” to “withdrawn”." in _text(refused)
    ana.refresh_from_db()
    assert ana.state == Intervention.State.DELIVERED


def test_speakers_list_totals_and_warning_when_too_long(secretariat_client, item):
    dialogue = item.dialogue
    dialogue.minutes_per_speaker = 60
    dialogue.save()  # 15:00–18:00: 180 minutes
    for name in ("Ana", "Bo", "Cy"):
        _request(item, name)
    text = _text(secretariat_client.get(_url("staff_speakers", dialogue.pk)))
    assert "Minutes requested 180 Minutes available 180" in text
    assert "3 speakers, 180 minutes." in text
    assert "The list is too long" not in text
    _request(item, "Dora")
    text = _text(secretariat_client.get(_url("staff_speakers", dialogue.pk)))
    assert "Minutes requested 240 Minutes available 180" in text
    assert "The list is too long" in text
    assert "The speakers ask for 240 minutes; the dialogue has 180: 60 minutes too many." in text


def test_speakers_list_readable_by_a_chair_without_buttons(client, item):
    chair = DialogueChairFactory(dialogue=item.dialogue, user=UserFactory())
    ana = _request(item, "Ana")
    client.force_login(chair.user)
    response = client.get(_url("staff_speakers", item.dialogue_id))
    assert response.status_code == 200
    assert _order(response) == ["Ana"]
    assert "<button" not in _page(response).split("<main", 1)[1].split("</main>", 1)[0]
    assert client.post(_url("staff_speaker_action", item.dialogue_id, ana.pk, "schedule")).status_code == 404
    ana.refresh_from_db()
    assert ana.state == Intervention.State.REQUESTED


def test_speakers_list_answers_404_to_a_chair_of_another_dialogue(client, item):
    other_chair = DialogueChairFactory(user=UserFactory())
    client.force_login(other_chair.user)
    assert client.get(_url("staff_speakers", item.dialogue_id)).status_code == 404


# --- Admin actions --------------------------------------------------------------------


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
