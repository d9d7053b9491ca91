"""The secretariat's accreditation pages: who may see them, and the queue."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from stakeholders.models import CirculationList
from tests.factories import AccreditationFactory, CirculationListFactory

from .support import (
    LISTS,
    QUEUE,
    State,
    _action_url,
    _detail_url,
    _focal_point_emails,
    _page,
    _recipients,
    _request,
    _today,
)

# --- Access --------------------------------------------------------------------------------


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


# --- The queue -----------------------------------------------------------------------------


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
    assert "(<bdi>SUBS</bdi>)" in page
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
