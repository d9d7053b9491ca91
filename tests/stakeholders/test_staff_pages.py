"""The secretariat's pages, used as the secretariat would: the queue, one request and its
decisions, the circulation lists and their CSV and PDF; what changed is checked in the
database, on the page and in the outbox."""

import csv
import datetime
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from dialogue_portal.celery import app
from dialogue_portal.models import AuditEvent
from stakeholders.models import Accreditation, CirculationList, Objection
from tests.factories import (
    AccreditationFactory,
    CirculationListFactory,
    FocalPointFactory,
    OrganisationFactory,
    RepresentativeFactory,
)

State = Accreditation.State
QUEUE = reverse("stakeholders:staff_queue")
LISTS = reverse("stakeholders:staff_circulation_lists")


@pytest.fixture(autouse=True)
def _tasks_in_process():
    """The e-mail tasks run in the test's process on either CI pass, so the outbox shows
    them: with a broker (pass 2) and no worker they would wait in the queue unseen."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


def _page(response) -> str:
    return response.content.decode()


def _detail_url(accreditation) -> str:
    return reverse("stakeholders:staff_accreditation", args=[accreditation.pk])


def _action_url(accreditation, action: str) -> str:
    return reverse("stakeholders:staff_accreditation_action", args=[accreditation.pk, action])


def _today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def act(secretariat_client, django_capture_on_commit_callbacks):
    """POST one decision from the request's page; e-mails queued on commit are sent."""

    def post(accreditation, action: str, **data):
        with django_capture_on_commit_callbacks(execute=True):
            return secretariat_client.post(_action_url(accreditation, action), data, follow=True)

    return post


def _request(state=State.SUBMITTED, **organisation_fields) -> Accreditation:
    """A request of an organisation with two focal points."""
    organisation = OrganisationFactory(**organisation_fields)
    FocalPointFactory(organisation=organisation, user__email=f"first@{organisation.pk}.example")
    FocalPointFactory(organisation=organisation, user__email=f"second@{organisation.pk}.example")
    return AccreditationFactory(organisation=organisation, state=state)


def _recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def _focal_point_emails(accreditation) -> list[str]:
    pk = accreditation.organisation_id
    return [f"first@{pk}.example", f"second@{pk}.example"]


# --- Access ---------------------------------------------------------------------------


def _staff_urls(accreditation, circulation_list) -> list[str]:
    return [
        QUEUE,
        _detail_url(accreditation),
        _action_url(accreditation, "admit"),
        LISTS,
        reverse("stakeholders:staff_circulation_list", args=[circulation_list.pk]),
        reverse("stakeholders:staff_circulation_list_csv", args=[circulation_list.pk]),
        reverse("stakeholders:staff_circulation_list_pdf", args=[circulation_list.pk]),
    ]


@pytest.mark.parametrize("method", ["get", "post"])
def test_staff_pages_answer_404_to_signed_in_non_staff(client, user, method):
    accreditation = _request(ecosoc_status="special")
    circulation_list = CirculationListFactory()
    client.force_login(user)
    for url in _staff_urls(accreditation, circulation_list):
        assert getattr(client, method)(url).status_code == 404, url
    accreditation.refresh_from_db()
    assert accreditation.state == State.SUBMITTED
    assert CirculationList.objects.count() == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_staff_pages_send_visitors_to_login(client, db, method):
    accreditation = _request(ecosoc_status="special")
    circulation_list = CirculationListFactory()
    login = reverse("account_login")
    for url in _staff_urls(accreditation, circulation_list):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{login}?next="), url
    accreditation.refresh_from_db()
    assert accreditation.state == State.SUBMITTED


def test_staff_action_unknown_slug_is_404_and_get_is_refused(secretariat_client, db):
    accreditation = _request(ecosoc_status="special")
    assert secretariat_client.post(_action_url(accreditation, "publish")).status_code == 404
    assert secretariat_client.get(_action_url(accreditation, "admit")).status_code == 405
    accreditation.refresh_from_db()
    assert accreditation.state == State.SUBMITTED


# --- The queue ------------------------------------------------------------------------


def test_queue_shows_requests_needing_action_by_default(secretariat_client):
    submitted = _request(name="Submitted Society", acronym="SUBS")
    objected = _request(State.OBJECTED, name="Objected Org")
    for state, name in [
        (State.CIRCULATED, "Circulated Centre"),
        (State.RETURNED, "Returned Rights"),
        (State.ADMITTED, "Admitted Alliance"),
    ]:
        _request(state, name=name)
    page = _page(secretariat_client.get(QUEUE))
    assert "Submitted Society" in page
    assert "(SUBS)" in page
    assert "Objected Org" in page
    assert objected.circulation_list.reference in page
    for name in ("Circulated Centre", "Returned Rights", "Admitted Alliance"):
        assert name not in page
    assert f'href="{_detail_url(submitted)}"' in page
    assert f'href="{_detail_url(objected)}"' in page
    assert "2 requests" in page


def test_queue_filters_by_state_category_country_and_ecosoc_status(secretariat_client):
    _request(name="Kenyan NGO", country="KE", category="ngo")
    _request(name="Mexican University", country="MX", category="academia")
    _request(name="Special Status Group", ecosoc_status="special")
    _request(State.CIRCULATED, name="Circulated Centre")
    _request(State.ADMITTED, name="Admitted Alliance")

    def names(**filters) -> set[str]:
        page = _page(secretariat_client.get(QUEUE, filters))
        every = {
            "Kenyan NGO",
            "Mexican University",
            "Special Status Group",
            "Circulated Centre",
            "Admitted Alliance",
        }
        return {name for name in every if name in page}

    assert names(category="academia") == {"Mexican University"}
    assert names(country="MX") == {"Mexican University"}
    assert names(ecosoc_status="special") == {"Special Status Group"}
    assert names(state="circulated") == {"Circulated Centre"}
    assert names(state="all", country="KE") == {
        "Kenyan NGO",
        "Special Status Group",
        "Circulated Centre",
        "Admitted Alliance",
    }
    # An unknown value is shown as an error and filters nothing.
    response = secretariat_client.get(QUEUE, {"state": "lost"})
    assert "Select a valid choice" in _page(response)
    assert names(state="lost") == {"Kenyan NGO", "Mexican University", "Special Status Group"}


def test_queue_filter_form_is_a_labelled_get_form(secretariat_client):
    page = _page(secretariat_client.get(QUEUE, {"country": "MX"}))
    assert '<form method="get"' in page
    for field, label in [
        ("state", "State"),
        ("category", "Category"),
        ("country", "Country"),
        ("ecosoc_status", "ECOSOC consultative status"),
    ]:
        assert f'<label for="id_{field}">{label}:</label>' in page
    assert '<option value="MX" selected>Mexico</option>' in page
    assert page.count("<h1>") == 1


@pytest.mark.parametrize("rows", [5, 50])
def test_queue_runs_a_fixed_number_of_queries(secretariat_client, django_assert_max_num_queries, rows):
    circulation_list = CirculationListFactory()
    for n in range(rows):
        state = State.OBJECTED if n % 2 else State.SUBMITTED
        AccreditationFactory(state=state, circulation_list=circulation_list if n % 2 else None)
    # Session, user, the open lists for the circulation form, the count and the page of rows.
    with django_assert_max_num_queries(6):
        response = secretariat_client.get(QUEUE, {"state": "all"})
    assert _page(response).count("/staff/accreditations/") >= rows


def test_queue_circulates_selected_requests_on_a_new_list(
    secretariat_client, django_capture_on_commit_callbacks
):
    first, second, left = _request(), _request(), _request()
    today = _today()
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(
            QUEUE,
            {
                "accreditations": [first.pk, second.pk],
                "circulation_list": "",
                "reference": "NOP/2031/7",
                "circulated_on": today.isoformat(),
                "deadline": (today + datetime.timedelta(days=30)).isoformat(),
            },
            follow=True,
        )
    circulation_list = CirculationList.objects.get(reference="NOP/2031/7")
    assert response.redirect_chain[-1][0] == reverse(
        "stakeholders:staff_circulation_list", args=[circulation_list.pk]
    )
    assert "2 requests were circulated on the list NOP/2031/7." in _page(response)
    for accreditation in (first, second, left):
        accreditation.refresh_from_db()
    assert (first.state, second.state, left.state) == (State.CIRCULATED, State.CIRCULATED, State.SUBMITTED)
    assert first.circulation_list == second.circulation_list == circulation_list
    assert _recipients() == sorted(_focal_point_emails(first) + _focal_point_emails(second))
    deadline = (today + datetime.timedelta(days=30)).strftime("%-d %B %Y")
    assert all(deadline in message.body for message in mail.outbox)


def test_queue_circulates_selected_requests_on_an_open_list(secretariat_client):
    accreditation = _request()
    open_list = CirculationListFactory(
        circulated_on=_today(), deadline=_today() + datetime.timedelta(days=40)
    )
    response = secretariat_client.post(
        QUEUE, {"accreditations": [accreditation.pk], "circulation_list": open_list.pk}
    )
    assert response.status_code == 302
    accreditation.refresh_from_db()
    assert (accreditation.state, accreditation.circulation_list) == (State.CIRCULATED, open_list)


def test_queue_circulation_refuses_a_short_deadline_and_keeps_the_selection(secretariat_client):
    accreditation = _request()
    today = _today()
    response = secretariat_client.post(
        QUEUE,
        {
            "accreditations": [accreditation.pk],
            "reference": "NOP/2031/8",
            "circulated_on": today.isoformat(),
            "deadline": (today + datetime.timedelta(days=10)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert (
        response.context["circulate_form"]
        .errors["deadline"][0]
        .startswith("States parties have at least 30 days to object")
    )
    page = _page(response)
    assert f'value="{accreditation.pk}" id="select-{accreditation.pk}" checked' in page
    assert 'value="NOP/2031/8"' in page
    assert not CirculationList.objects.exists()
    accreditation.refresh_from_db()
    assert accreditation.state == State.SUBMITTED


def test_queue_circulation_of_a_request_admitted_meanwhile_is_refused_with_the_service_message(
    secretariat_client,
):
    submitted = _request()
    admitted = _request(State.ADMITTED, name="Admitted Alliance")
    today = _today()
    response = secretariat_client.post(
        QUEUE,
        {
            "accreditations": [submitted.pk, admitted.pk],
            "reference": "NOP/2031/11",
            "circulated_on": today.isoformat(),
            "deadline": (today + datetime.timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "Admitted Alliance" in _page(response)
    assert "cannot go from “admitted” to “circulated to States parties”" in _page(response)
    # All or none: neither the list nor the other request moved.
    assert not CirculationList.objects.exists()
    submitted.refresh_from_db()
    admitted.refresh_from_db()
    assert (submitted.state, admitted.state) == (State.SUBMITTED, State.ADMITTED)


def test_queue_circulation_needs_a_selection(secretariat_client):
    accreditation = _request()
    response = secretariat_client.post(QUEUE, {"reference": "NOP/2031/9"})
    assert "Select at least one submitted request." in _page(response)
    assert not CirculationList.objects.exists()
    accreditation.refresh_from_db()
    assert accreditation.state == State.SUBMITTED


# --- One request ----------------------------------------------------------------------


def test_detail_shows_organisation_focal_points_representatives_history_and_objections(
    secretariat_client, secretariat
):
    accreditation = _request(
        State.CIRCULATED,
        name="Observatorio de Armas",
        acronym="ODA",
        country="AR",
        website="https://oda.example/",
        postal_address="Avenida de Mayo 1, Buenos Aires",
        description="Research on illicit firearms.",
    )
    RepresentativeFactory(
        organisation=accreditation.organisation, name="Lucía Pérez", email="lucia@oda.example"
    )
    objection = Objection.objects.create(
        accreditation=accreditation,
        state_party="FR",
        made_on=_today(),
        note="Note verbale 12",
        recorded_by=secretariat,
    )
    from dialogue_portal.transitions import record

    record(accreditation, by=secretariat, from_state="submitted", to_state="circulated", note="NOP/2030/1")
    page = _page(secretariat_client.get(_detail_url(accreditation)))
    for text in (
        "<h1>Observatorio de Armas (ODA)</h1>",
        "Argentina",
        "https://oda.example/",
        "Avenida de Mayo 1, Buenos Aires",
        "Research on illicit firearms.",
        _focal_point_emails(accreditation)[0],
        _focal_point_emails(accreditation)[1],
        "Lucía Pérez",
        "lucia@oda.example",
        "France",  # the secretariat sees who objected
        "Note verbale 12",
        secretariat.email,
        "circulated to States parties",
        accreditation.circulation_list.reference,
        f'action="{_action_url(accreditation, "object")}"',
    ):
        assert text in page, text
    assert objection.pk
    assert page.count("<h1>") == 1
    assert 'id="id_object_state_party"' in page
    assert f'action="{_action_url(accreditation, "reject")}"' not in page


def test_detail_offers_the_decisions_of_the_state(secretariat_client):
    submitted = _request(ecosoc_status="general")
    page = _page(secretariat_client.get(_detail_url(submitted)))
    for action in ("admit", "return", "circulate"):
        assert f'action="{_action_url(submitted, action)}"' in page
    # Rejecting cannot be undone: the page links to its confirmation page, which asks the reason.
    assert f'href="{_action_url(submitted, "reject")}"' in page
    assert '<label for="id_return_note">' in page
    assert '<label for="id_reject_reason">' in _page(secretariat_client.get(_action_url(submitted, "reject")))

    objected = _request(State.OBJECTED)
    page = _page(secretariat_client.get(_detail_url(objected)))
    assert "The Conference admitted the organisation" in page
    assert "The Conference rejected the request" in page
    assert f'action="{_action_url(objected, "circulate")}"' not in page


def test_admit_ecosoc_request_through_the_page(act, secretariat):
    accreditation = _request(ecosoc_status="special", name="Special Status Group")
    response = act(accreditation, "admit")
    assert response.redirect_chain[-1][0] == _detail_url(accreditation)
    assert "Special Status Group is admitted as an observer." in _page(response)
    accreditation.refresh_from_db()
    assert accreditation.state == State.ADMITTED
    assert accreditation.decided_at is not None
    assert _recipients() == _focal_point_emails(accreditation)
    assert "admitted" in mail.outbox[0].subject
    assert "Special Status Group is admitted as an observer" in mail.outbox[0].body
    event = AuditEvent.objects.for_object(accreditation).get()
    assert (event.from_state, event.to_state, event.actor) == ("submitted", "admitted", secretariat)


def test_admit_refused_for_a_submitted_request_without_ecosoc_status(act):
    accreditation = _request(ecosoc_status="none")
    response = act(accreditation, "admit")
    assert response.status_code == 200
    assert "Only organisations in consultative status with ECOSOC are admitted on review" in _page(response)
    accreditation.refresh_from_db()
    assert accreditation.state == State.SUBMITTED
    assert mail.outbox == []


def test_return_with_a_note(act):
    accreditation = _request()
    response = act(accreditation, "return", note="Give the full postal address.")
    assert "was returned for correction" in _page(response)
    accreditation.refresh_from_db()
    assert (accreditation.state, accreditation.message) == (State.RETURNED, "Give the full postal address.")
    assert _recipients() == _focal_point_emails(accreditation)
    assert "returned for correction" in mail.outbox[0].subject
    assert "Give the full postal address." in mail.outbox[0].body


def test_return_without_a_note_shows_the_error_next_to_the_field(act):
    accreditation = _request()
    response = act(accreditation, "return", note="   ")
    assert response.status_code == 200
    form = response.context["forms"]["return"]
    assert form.errors["note"] == ["Say what the organisation should correct."]
    page = _page(response)
    # The error sits in the field's group, between its label and its textarea.
    label = page.index('<label for="id_return_note">')
    assert (
        label
        < page.index("Say what the organisation should correct.", label)
        < page.index('id="id_return_note"', label + 30)
    )
    accreditation.refresh_from_db()
    assert (accreditation.state, accreditation.message) == (State.SUBMITTED, "")
    assert mail.outbox == []


def test_reject_with_a_reason(act):
    accreditation = _request()
    response = act(accreditation, "reject", reason="Not a non-governmental organization.")
    assert "was rejected" in _page(response)
    accreditation.refresh_from_db()
    assert accreditation.state == State.REJECTED
    assert accreditation.message == "Not a non-governmental organization."
    assert _recipients() == _focal_point_emails(accreditation)
    assert "rejected" in mail.outbox[0].subject
    assert "Not a non-governmental organization." in mail.outbox[0].body


def test_reject_without_a_reason_keeps_the_request(act):
    accreditation = _request()
    response = act(accreditation, "reject", reason="")
    assert response.context["form"].errors["reason"] == ["Give the reason for the rejection."]
    accreditation.refresh_from_db()
    assert accreditation.state == State.SUBMITTED


def test_circulate_onto_a_new_list_from_the_request_page(act):
    accreditation = _request()
    today = _today()
    deadline = today + datetime.timedelta(days=31)
    response = act(
        accreditation,
        "circulate",
        reference="NOP/2031/1",
        circulated_on=today.isoformat(),
        deadline=deadline.isoformat(),
    )
    assert "was circulated to the States parties" in _page(response)
    accreditation.refresh_from_db()
    assert accreditation.state == State.CIRCULATED
    circulation_list = accreditation.circulation_list
    assert (circulation_list.reference, circulation_list.circulated_on, circulation_list.deadline) == (
        "NOP/2031/1",
        today,
        deadline,
    )
    assert _recipients() == _focal_point_emails(accreditation)
    assert deadline.strftime("%-d %B %Y") in mail.outbox[0].body


def test_circulate_with_a_deadline_under_30_days_is_refused_next_to_the_deadline(act):
    accreditation = _request()
    today = _today()
    response = act(
        accreditation,
        "circulate",
        reference="NOP/2031/2",
        circulated_on=today.isoformat(),
        deadline=(today + datetime.timedelta(days=29)).isoformat(),
    )
    assert response.status_code == 200
    form = response.context["forms"]["circulate"]
    assert list(form.errors) == ["deadline"]
    assert "at least 30 days to object" in form.errors["deadline"][0]
    page = _page(response)
    assert 'value="NOP/2031/2"' in page  # what was typed is kept
    assert 'href="#id_circulate_deadline"' in page  # the summary links to the field
    assert not CirculationList.objects.exists()
    accreditation.refresh_from_db()
    assert accreditation.state == State.SUBMITTED
    assert mail.outbox == []


def test_circulate_onto_an_open_list_but_not_a_passed_one(act):
    accreditation = _request()
    passed = CirculationListFactory(
        circulated_on=_today() - datetime.timedelta(days=60), deadline=_today() - datetime.timedelta(days=1)
    )
    response = act(accreditation, "circulate", circulation_list=passed.pk)
    assert "Select a valid choice" in _page(response)
    accreditation.refresh_from_db()
    assert accreditation.state == State.SUBMITTED

    open_list = CirculationListFactory(
        circulated_on=_today(), deadline=_today() + datetime.timedelta(days=30)
    )
    act(accreditation, "circulate", circulation_list=open_list.pk)
    accreditation.refresh_from_db()
    assert (accreditation.state, accreditation.circulation_list) == (State.CIRCULATED, open_list)


def test_record_an_objection(act, secretariat):
    accreditation = _request(State.CIRCULATED, name="Circulated Centre")
    made_on = accreditation.circulation_list.circulated_on + datetime.timedelta(days=3)
    response = act(accreditation, "object", state_party="FR", made_on=made_on.isoformat(), note="From France")
    assert "awaits the Conference" in _page(response)
    accreditation.refresh_from_db()
    assert accreditation.state == State.OBJECTED
    objection = accreditation.objections.get()
    assert (objection.state_party.code, objection.made_on, objection.recorded_by) == (
        "FR",
        made_on,
        secretariat,
    )
    assert _recipients() == _focal_point_emails(accreditation)
    message = mail.outbox[0]
    assert "An objection was made to the accreditation of Circulated Centre" in message.body
    for text in (message.subject, message.body):
        assert "France" not in text
        assert "FR" not in text


def test_record_an_objection_needs_a_state_party_and_keeps_the_note(act):
    accreditation = _request(State.CIRCULATED)
    response = act(accreditation, "object", state_party="", made_on=_today().isoformat(), note="Typed note")
    assert "This field is required." in response.context["forms"]["object"].errors["state_party"]
    assert "Typed note</textarea>" in _page(response)
    accreditation.refresh_from_db()
    assert accreditation.state == State.CIRCULATED
    assert not Objection.objects.exists()


def test_record_an_objection_after_the_deadline_is_refused_next_to_the_date(act):
    accreditation = _request(State.CIRCULATED)
    late = accreditation.circulation_list.deadline + datetime.timedelta(days=1)
    response = act(accreditation, "object", state_party="FR", made_on=late.isoformat())
    assert "The deadline for objections was" in response.context["forms"]["object"].errors["made_on"][0]
    accreditation.refresh_from_db()
    assert accreditation.state == State.CIRCULATED
    assert not Objection.objects.exists()


def test_conference_admits_an_objected_request(act):
    accreditation = _request(State.OBJECTED)
    act(accreditation, "admit", note="Decision 12/1 of the Conference")
    accreditation.refresh_from_db()
    assert accreditation.state == State.ADMITTED
    assert AuditEvent.objects.for_object(accreditation).get().note == "Decision 12/1 of the Conference"
    assert _recipients() == _focal_point_emails(accreditation)
    assert "is admitted as an observer" in mail.outbox[0].body


def test_conference_rejects_an_objected_request(act):
    accreditation = _request(State.OBJECTED)
    act(accreditation, "reject", reason="The Conference decided not to admit it.")
    accreditation.refresh_from_db()
    assert (accreditation.state, accreditation.message) == (
        State.REJECTED,
        "The Conference decided not to admit it.",
    )
    assert "The Conference decided not to admit it." in mail.outbox[0].body


def test_admit_a_circulated_request_once_the_deadline_passed_without_objection(act, secretariat_client):
    accreditation = _request(State.CIRCULATED)
    circulation_list = accreditation.circulation_list
    circulation_list.circulated_on = _today() - datetime.timedelta(days=40)
    circulation_list.deadline = _today() - datetime.timedelta(days=1)
    circulation_list.save()
    assert f'action="{_action_url(accreditation, "admit")}"' in _page(
        secretariat_client.get(_detail_url(accreditation))
    )
    act(accreditation, "admit")
    accreditation.refresh_from_db()
    assert accreditation.state == State.ADMITTED
    assert _recipients() == _focal_point_emails(accreditation)


def test_admit_a_circulated_request_before_the_deadline_is_refused(act, secretariat_client):
    accreditation = _request(State.CIRCULATED)  # objections until 10 February 2030
    page = _page(secretariat_client.get(_detail_url(accreditation)))
    assert f'action="{_action_url(accreditation, "admit")}"' not in page
    response = act(accreditation, "admit")
    assert "States parties may object until 10 February 2030." in _page(response)
    accreditation.refresh_from_db()
    assert accreditation.state == State.CIRCULATED


def test_admit_a_rejected_request_is_refused_with_the_service_message(act):
    accreditation = _request(State.REJECTED, ecosoc_status="general")
    response = act(accreditation, "admit")
    assert response.status_code == 200
    assert "cannot go from “rejected” to “admitted”" in _page(response)
    accreditation.refresh_from_db()
    assert accreditation.state == State.REJECTED
    assert mail.outbox == []


def test_circulate_an_admitted_request_is_refused_with_the_service_message(act):
    accreditation = _request(State.ADMITTED)
    open_list = CirculationListFactory(
        circulated_on=_today(), deadline=_today() + datetime.timedelta(days=30)
    )
    response = act(accreditation, "circulate", circulation_list=open_list.pk)
    assert "cannot go from “admitted” to “circulated to States parties”" in _page(response)
    accreditation.refresh_from_db()
    assert (accreditation.state, accreditation.circulation_list) == (State.ADMITTED, None)


def test_objection_to_a_submitted_request_is_refused(act):
    accreditation = _request(State.SUBMITTED)
    response = act(accreditation, "object", state_party="FR", made_on=_today().isoformat())
    assert "Only a circulated request can be objected to" in _page(response)
    accreditation.refresh_from_db()
    assert accreditation.state == State.SUBMITTED
    assert not Objection.objects.exists()


# --- Circulation lists ----------------------------------------------------------------


def test_circulation_lists_page_proposes_today_and_the_minimum_deadline(secretariat_client):
    _request(name="Waiting Society")
    page = _page(secretariat_client.get(LISTS))
    today = _today()
    assert f'name="circulated_on" value="{today.isoformat()}"' in page
    assert f'name="deadline" value="{(today + datetime.timedelta(days=30)).isoformat()}"' in page
    assert "Waiting Society" in page


def test_circulation_list_created_with_requests(
    secretariat_client, secretariat, django_capture_on_commit_callbacks
):
    chosen, other = _request(), _request()
    today = _today()
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(
            LISTS,
            {
                "reference": "NOP/2031/3",
                "circulated_on": today.isoformat(),
                "deadline": (today + datetime.timedelta(days=45)).isoformat(),
                "accreditations": [chosen.pk],
            },
            follow=True,
        )
    assert "The circulation list NOP/2031/3 was created." in _page(response)
    circulation_list = CirculationList.objects.get()
    assert (circulation_list.created_by, circulation_list.deadline) == (
        secretariat,
        today + datetime.timedelta(days=45),
    )
    chosen.refresh_from_db()
    other.refresh_from_db()
    assert (chosen.state, chosen.circulation_list) == (State.CIRCULATED, circulation_list)
    assert other.state == State.SUBMITTED
    assert _recipients() == _focal_point_emails(chosen)


def test_circulation_list_with_a_short_deadline_is_refused(secretariat_client):
    accreditation = _request()
    today = _today()
    response = secretariat_client.post(
        LISTS,
        {
            "reference": "NOP/2031/4",
            "circulated_on": today.isoformat(),
            "deadline": (today + datetime.timedelta(days=20)).isoformat(),
            "accreditations": [accreditation.pk],
        },
    )
    assert "at least 30 days to object" in response.context["form"].errors["deadline"][0]
    assert 'value="NOP/2031/4"' in _page(response)
    assert not CirculationList.objects.exists()
    accreditation.refresh_from_db()
    assert accreditation.state == State.SUBMITTED


def test_circulation_list_reference_is_unique(secretariat_client):
    existing = CirculationListFactory()
    today = _today()
    response = secretariat_client.post(
        LISTS,
        {
            "reference": existing.reference,
            "circulated_on": today.isoformat(),
            "deadline": (today + datetime.timedelta(days=30)).isoformat(),
        },
    )
    assert response.context["form"].errors["reference"]
    assert CirculationList.objects.count() == 1


def test_circulation_list_page_lists_its_requests_with_state(secretariat_client):
    circulation_list = CirculationListFactory(reference="NOP/2031/5")
    AccreditationFactory(
        state=State.CIRCULATED, circulation_list=circulation_list, organisation__name="Alpha Aid"
    )
    AccreditationFactory(
        state=State.OBJECTED, circulation_list=circulation_list, organisation__name="Beta Base"
    )
    AccreditationFactory(state=State.SUBMITTED, organisation__name="Gamma Group")
    page = _page(
        secretariat_client.get(reverse("stakeholders:staff_circulation_list", args=[circulation_list.pk]))
    )
    assert "<h1>NOP/2031/5</h1>" in page
    assert page.index("Alpha Aid") < page.index("Beta Base")
    assert "objected to; awaiting the Conference" in page
    assert "Gamma Group" not in page
    assert reverse("stakeholders:staff_circulation_list_csv", args=[circulation_list.pk]) in page
    assert reverse("stakeholders:staff_circulation_list_pdf", args=[circulation_list.pk]) in page


def test_circulation_list_csv_has_the_rows_and_neutralises_formulas(secretariat_client):
    circulation_list = CirculationListFactory(reference="NOP/2031/6")
    AccreditationFactory(
        state=State.CIRCULATED,
        circulation_list=circulation_list,
        organisation__name='=HYPERLINK("https://evil.example","Click")',
        organisation__acronym="@SUM",
        organisation__country="MX",
        organisation__category="academia",
        organisation__website="https://univ.example/",
    )
    AccreditationFactory(
        state=State.CIRCULATED,
        circulation_list=circulation_list,
        organisation__name="Fundación Ñandú",
        organisation__acronym="-FN",
        organisation__ecosoc_status="roster",
    )
    AccreditationFactory(state=State.SUBMITTED, organisation__name="Not On The List")
    response = secretariat_client.get(
        reverse("stakeholders:staff_circulation_list_csv", args=[circulation_list.pk])
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="circulation-list-NOP-2031-6.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Organisation",
        "Acronym",
        "Category",
        "Country",
        "ECOSOC consultative status",
        "Website",
        "Request submitted",
    ]
    submitted = _today().isoformat()
    assert rows[1:] == [
        [
            '\'=HYPERLINK("https://evil.example","Click")',
            "'@SUM",
            "Academia",
            "Mexico",
            "None",
            "https://univ.example/",
            submitted,
        ],
        [
            "Fundación Ñandú",
            "'-FN",
            "Non-governmental organization",
            "Kenya",
            "Roster",
            rows[2][5],
            submitted,
        ],
    ]


def test_circulation_list_pdf_annex(secretariat_client):
    circulation_list = CirculationListFactory(reference="NOP/2031/10")
    AccreditationFactory(
        state=State.CIRCULATED, circulation_list=circulation_list, organisation__name="Observatorio Armas"
    )
    response = secretariat_client.get(
        reverse("stakeholders:staff_circulation_list_pdf", args=[circulation_list.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="circulation-list-NOP-2031-10.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 1
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "NOP/2031/10" in text
    assert "Observatorio Armas" in text
    assert "Annex: requests for accreditation under the non-objection procedure" in " ".join(text.split())
    assert "10 February 2030" in text  # the deadline


def test_staff_pages_need_the_secretariat_group_not_just_staff(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("stakeholders:staff_queue")).status_code == 404
