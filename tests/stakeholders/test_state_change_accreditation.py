"""The request's page offers exactly the decisions the services allow, in every state; a
rejection asks first; bulk circulation is all or none."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from dialogue_portal.celery import app
from stakeholders import services
from stakeholders.models import Accreditation, CirculationList, EcosocStatus
from stakeholders.permissions import can_admit
from stakeholders.views.staff import LIFECYCLE
from tests.factories import (
    AccreditationFactory,
    CirculationListFactory,
    FocalPointFactory,
    OrganisationFactory,
)
from tests.state_change import allowed_moves, offered_on_page, urls_for

State = Accreditation.State


@pytest.fixture(autouse=True)
def _tasks_in_process():
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


def _today() -> datetime.date:
    return timezone.localdate()


def _accreditation(case: str) -> Accreditation:
    today = _today()
    organisation = OrganisationFactory(
        ecosoc_status=EcosocStatus.SPECIAL if case.endswith("ecosoc") else EcosocStatus.NONE
    )
    FocalPointFactory(organisation=organisation, user__email=f"focal@{organisation.pk}.example")
    state = case.split(":")[0]
    fields = {}
    if case.startswith("circulated") or state == State.OBJECTED:
        past = ":past" in case
        circulated_on = today - datetime.timedelta(days=40) if past else today
        fields["circulation_list"] = CirculationListFactory(
            circulated_on=circulated_on, deadline=circulated_on + datetime.timedelta(days=30)
        )
    return AccreditationFactory(organisation=organisation, state=state, **fields)


def _fresh(accreditation: Accreditation) -> Accreditation:
    return Accreditation.objects.select_related("organisation", "circulation_list").get(pk=accreditation.pk)


def _service_calls(accreditation: Accreditation, by) -> dict:
    today = _today()
    open_list = CirculationListFactory(circulated_on=today, deadline=today + datetime.timedelta(days=31))
    made_on = accreditation.circulation_list.circulated_on if accreditation.circulation_list else today
    return {
        "admit": lambda: services.accreditation_admit(accreditation=_fresh(accreditation), by=by),
        "circulate": lambda: services.accreditation_circulate(
            accreditation=_fresh(accreditation), circulation_list=open_list, by=by
        ),
        "object": lambda: services.objection_record(
            by=by, state_party="FR", made_on=made_on, accreditation=_fresh(accreditation)
        ),
        "return": lambda: services.accreditation_return(
            accreditation=_fresh(accreditation), by=by, note="Fix."
        ),
        "reject": lambda: services.accreditation_reject(
            accreditation=_fresh(accreditation), by=by, reason="Outside the Convention."
        ),
    }


CASES = [
    "submitted",
    "submitted:ecosoc",
    "returned",
    "circulated",
    "circulated:past",
    "objected",
    "admitted",
    "rejected",
    "withdrawn",
]


@pytest.mark.parametrize("case", CASES)
def test_request_page_offers_exactly_the_decisions_the_services_allow(secretariat_client, secretariat, case):
    accreditation = _accreditation(case)
    page = secretariat_client.get(reverse("stakeholders:staff_accreditation", args=[accreditation.pk]))
    urls = urls_for(
        LIFECYCLE.actions,
        lambda slug: reverse("stakeholders:staff_accreditation_action", args=[accreditation.pk, slug]),
    )
    offered = offered_on_page(page.content.decode(), urls)
    assert offered == allowed_moves(_service_calls(accreditation, secretariat))
    accreditation.refresh_from_db()
    assert accreditation.state == case.split(":")[0]


def test_every_state_is_covered():
    assert {case.split(":")[0] for case in CASES} == set(State.values)


def test_admit_predicate_is_the_services_rule(secretariat):
    """The ECOSOC rule in one place: the predicate refuses, and so does the service."""
    accreditation = _accreditation("submitted")
    assert not can_admit(accreditation)
    with pytest.raises(Exception, match="consultative status with ECOSOC"):
        services.accreditation_admit(accreditation=_fresh(accreditation), by=secretariat)


# --- Rejecting asks first -------------------------------------------------------------


def test_reject_confirmation_page_names_the_consequences_and_changes_nothing(secretariat_client):
    accreditation = _accreditation("submitted")
    url = reverse("stakeholders:staff_accreditation_action", args=[accreditation.pk, "reject"])
    page = secretariat_client.get(url).content.decode()
    assert "This cannot be undone" in page
    assert "focal points are e-mailed the decision and its reason" in page
    assert '<label for="id_reject_reason">' in page
    assert f'href="{reverse("stakeholders:staff_accreditation", args=[accreditation.pk])}"' in page
    accreditation.refresh_from_db()
    assert accreditation.state == State.SUBMITTED
    assert mail.outbox == []


def test_reject_confirmed_rejects_and_emails(secretariat_client, django_capture_on_commit_callbacks):
    accreditation = _accreditation("submitted")
    url = reverse("stakeholders:staff_accreditation_action", args=[accreditation.pk, "reject"])
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(url, {"reason": "Outside the Convention."}, follow=True)
    assert "was rejected" in response.content.decode()
    accreditation.refresh_from_db()
    assert (accreditation.state, accreditation.message) == (State.REJECTED, "Outside the Convention.")
    assert [message.to for message in mail.outbox] == [[f"focal@{accreditation.organisation_id}.example"]]


def test_reject_confirmed_without_a_reason_stays_on_the_confirmation_page(secretariat_client):
    accreditation = _accreditation("submitted")
    url = reverse("stakeholders:staff_accreditation_action", args=[accreditation.pk, "reject"])
    response = secretariat_client.post(url, {"reason": "  "})
    page = response.content.decode()
    assert response.status_code == 200
    assert "This cannot be undone" in page
    assert 'id="id_reject_reason_error"' in page
    assert "Give the reason for the rejection." in page
    accreditation.refresh_from_db()
    assert accreditation.state == State.SUBMITTED


def test_confirmation_of_a_move_no_longer_open_goes_back_to_the_page(secretariat_client):
    accreditation = _accreditation("admitted")
    url = reverse("stakeholders:staff_accreditation_action", args=[accreditation.pk, "reject"])
    response = secretariat_client.get(url)
    assert response.status_code == 302
    assert response.url == reverse("stakeholders:staff_accreditation", args=[accreditation.pk])


# --- Bulk circulation: all or none ----------------------------------------------------


def test_bulk_circulation_refused_for_one_circulates_none_and_makes_no_list(secretariat):
    submitted = _accreditation("submitted")
    admitted = _accreditation("admitted")
    today = _today()
    with pytest.raises(Exception, match=admitted.organisation.name):
        services.accreditations_circulate(
            accreditations=[_fresh(submitted), _fresh(admitted)],
            by=secretariat,
            reference="NOP/2031/20",
            circulated_on=today,
            deadline=today + datetime.timedelta(days=30),
        )
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED
    assert not CirculationList.objects.filter(reference="NOP/2031/20").exists()


def test_bulk_circulation_circulates_all_on_one_new_list(secretariat):
    first, second = _accreditation("submitted"), _accreditation("submitted")
    today = _today()
    circulation_list = services.accreditations_circulate(
        accreditations=[_fresh(first), _fresh(second)],
        by=secretariat,
        reference="NOP/2031/21",
        circulated_on=today,
        deadline=today + datetime.timedelta(days=30),
    )
    for accreditation in (first, second):
        accreditation.refresh_from_db()
        assert (accreditation.state, accreditation.circulation_list) == (State.CIRCULATED, circulation_list)
