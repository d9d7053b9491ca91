"""The stakeholders' admin, used as the secretariat would: every change of state goes
through a service, and a refused move is reported with the service's message."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from dialogue_portal.celery import app
from dialogue_portal.models import AuditEvent
from stakeholders.models import (
    Accreditation,
    CirculationList,
    FocalPoint,
    JoinRequest,
    Objection,
    Organisation,
)
from tests.factories import (
    AccreditationFactory,
    DialogueFactory,
    FocalPointFactory,
    JoinRequestFactory,
    OrganisationFactory,
    admitted_organisation,
)

State = Accreditation.State
ACCREDITATIONS = reverse("admin:stakeholders_accreditation_changelist")


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


@pytest.fixture
def run_action(secretariat_client, django_capture_on_commit_callbacks):
    def run(changelist: str, action: str, *objects):
        with django_capture_on_commit_callbacks(execute=True):
            return secretariat_client.post(
                changelist,
                {"action": action, "_selected_action": [obj.pk for obj in objects]},
                follow=True,
            )

    return run


def _with_focal_point(accreditation: Accreditation, email: str) -> Accreditation:
    FocalPointFactory(organisation=accreditation.organisation, user__email=email)
    return accreditation


# --- Accreditation --------------------------------------------------------------------


def test_admin_admit_action_admits_an_ecosoc_request(run_action, secretariat):
    accreditation = _with_focal_point(
        AccreditationFactory(
            organisation__ecosoc_status="general", organisation__name="General Status Group"
        ),
        "fp@general.example",
    )
    response = run_action(ACCREDITATIONS, "accreditation_admit", accreditation)
    assert "1 organisation admitted." in _page(response)
    accreditation.refresh_from_db()
    assert accreditation.state == State.ADMITTED
    event = AuditEvent.objects.for_object(accreditation).get()
    assert (event.from_state, event.to_state, event.actor) == ("submitted", "admitted", secretariat)
    assert [message.to for message in mail.outbox] == [["fp@general.example"]]
    assert "General Status Group is admitted as an observer" in mail.outbox[0].body


def test_admin_admit_action_refuses_a_rejected_request_with_the_service_message(run_action):
    accreditation = AccreditationFactory(state=State.REJECTED, organisation__ecosoc_status="general")
    response = run_action(ACCREDITATIONS, "accreditation_admit", accreditation)
    page = _page(response)
    assert "cannot go from “rejected” to “admitted”" in page
    assert "organisation admitted" not in page
    accreditation.refresh_from_db()
    assert accreditation.state == State.REJECTED
    assert not AuditEvent.objects.exists()
    assert mail.outbox == []


def test_admin_admit_action_reports_each_refusal_and_moves_the_others(run_action):
    ecosoc = AccreditationFactory(organisation__ecosoc_status="special")
    without_status = AccreditationFactory(
        organisation__ecosoc_status="none", organisation__name="No Status NGO"
    )
    response = run_action(ACCREDITATIONS, "accreditation_admit", ecosoc, without_status)
    page = _page(response)
    assert "1 organisation admitted." in page
    assert "Accreditation of No Status NGO (" in page
    assert "Only organisations in consultative status with ECOSOC are admitted on review" in page
    ecosoc.refresh_from_db()
    without_status.refresh_from_db()
    assert (ecosoc.state, without_status.state) == (State.ADMITTED, State.SUBMITTED)


def test_admin_admit_action_refuses_a_circulated_request_before_its_deadline(run_action):
    accreditation = AccreditationFactory(state=State.CIRCULATED)  # deadline in 2030
    response = run_action(ACCREDITATIONS, "accreditation_admit", accreditation)
    assert "States parties may object until 10 February 2030." in _page(response)
    accreditation.refresh_from_db()
    assert accreditation.state == State.CIRCULATED


def test_admin_accreditation_state_cannot_be_changed_in_the_form(secretariat_client):
    accreditation = AccreditationFactory(organisation__ecosoc_status="general")
    url = reverse("admin:stakeholders_accreditation_change", args=[accreditation.pk])
    page = _page(secretariat_client.get(url))
    assert 'name="state"' not in page
    assert reverse("stakeholders:staff_accreditation", args=[accreditation.pk]) in page
    secretariat_client.post(url, {"state": "admitted", "message": "typed"})
    accreditation.refresh_from_db()
    assert (accreditation.state, accreditation.message) == (State.SUBMITTED, "")
    assert secretariat_client.get(reverse("admin:stakeholders_accreditation_add")).status_code == 403


def test_admin_circulation_lists_are_made_on_the_staff_page_only(secretariat_client):
    url = reverse("admin:stakeholders_circulationlist_add")
    response = secretariat_client.post(
        url, {"reference": "NOP/1", "circulated_on": "2030-01-01", "deadline": "2030-01-02"}
    )
    assert response.status_code == 403
    assert not CirculationList.objects.exists()


# --- Organisations --------------------------------------------------------------------


def _organisation_form(**changes) -> dict:
    data = {
        "name": "Fundación Ñandú",
        "acronym": "FN",
        "category": "ngo",
        "country": "PY",
        "ecosoc_status": "none",
        "website": "https://www.nandu.example/about",
        "postal_address": "Calle 1, Asunción",
        "description": "Victims of trafficking.",
    }
    for prefix in ("focal_points", "representatives"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | changes


def test_admin_registers_an_organisation_without_focal_point_with_its_keys(secretariat_client):
    response = secretariat_client.post(reverse("admin:stakeholders_organisation_add"), _organisation_form())
    assert response.status_code == 302
    organisation = Organisation.objects.get()
    assert (organisation.name_key, organisation.website_domain) == ("fundacion nandu", "nandu.example")
    assert not organisation.focal_points.exists()


def test_admin_refuses_a_duplicate_organisation_next_to_the_name(secretariat_client):
    existing = OrganisationFactory(name="Fundación  Ñandú")
    response = secretariat_client.post(
        reverse("admin:stakeholders_organisation_add"), _organisation_form(name="fundacion nandu")
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["name"] == [f"An organisation with this name is already registered: {existing.name}."]
    assert 'value="fundacion nandu"' in _page(response)
    assert Organisation.objects.count() == 1


def test_admin_refuses_a_change_to_another_organisations_website(secretariat_client):
    OrganisationFactory(website="https://taken.example/")
    organisation = OrganisationFactory()
    response = secretariat_client.post(
        reverse("admin:stakeholders_organisation_change", args=[organisation.pk]),
        _organisation_form(name=organisation.name, website="https://www.taken.example/contact"),
    )
    assert "An organisation with this website is already registered" in " ".join(
        response.context["adminform"].form.errors["website"]
    )
    organisation.refresh_from_db()
    assert organisation.website_domain != "taken.example"


def test_admin_organisation_change_recomputes_the_keys_through_the_service(secretariat_client):
    organisation = OrganisationFactory()
    response = secretariat_client.post(
        reverse("admin:stakeholders_organisation_change", args=[organisation.pk]),
        _organisation_form(name="Red  de Víctimas!", website="https://blog.victimas.example/"),
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.name_key, organisation.website_domain) == ("red de victimas", "victimas.example")
    page = _page(
        secretariat_client.get(reverse("admin:stakeholders_organisation_change", args=[organisation.pk]))
    )
    assert 'name="name_key"' not in page
    assert 'name="website_domain"' not in page


# --- Join requests and objections -----------------------------------------------------


def test_admin_approves_a_join_request_through_the_service(run_action, secretariat):
    join_request = JoinRequestFactory(user__email="bea@red.example")
    response = run_action(
        reverse("admin:stakeholders_joinrequest_changelist"), "join_request_approve", join_request
    )
    assert "1 join request approved." in _page(response)
    join_request.refresh_from_db()
    assert join_request.state == JoinRequest.State.APPROVED
    assert FocalPoint.objects.filter(organisation=join_request.organisation, user=join_request.user).exists()
    assert [message.to for message in mail.outbox] == [["bea@red.example"]]


def test_admin_decided_join_request_cannot_be_decided_again(run_action):
    join_request = JoinRequestFactory(state=JoinRequest.State.DECLINED)
    response = run_action(
        reverse("admin:stakeholders_joinrequest_changelist"), "join_request_approve", join_request
    )
    assert "cannot go from “declined” to “approved”" in _page(response)
    assert not FocalPoint.objects.exists()


def test_admin_records_a_dialogue_objection_through_the_service(
    secretariat_client, secretariat, django_capture_on_commit_callbacks
):
    organisation = admitted_organisation(name="Admitted Alliance")
    FocalPointFactory(organisation=organisation, user__email="fp@alliance.example")
    dialogue = DialogueFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(
            reverse("admin:stakeholders_objection_add"),
            {
                "organisation": organisation.pk,
                "dialogue": dialogue.pk,
                "state_party": "FR",
                "made_on": "2030-02-01",
                "note": "Note verbale",
            },
        )
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert (objection.organisation, objection.dialogue, objection.recorded_by) == (
        organisation,
        dialogue,
        secretariat,
    )
    assert objection.made_on == datetime.date(2030, 2, 1)
    assert [message.to for message in mail.outbox] == [["fp@alliance.example"]]
    assert "France" not in mail.outbox[0].body


def test_admin_dialogue_objection_only_against_an_admitted_organisation(secretariat_client):
    pending = AccreditationFactory().organisation
    response = secretariat_client.post(
        reverse("admin:stakeholders_objection_add"),
        {
            "organisation": pending.pk,
            "dialogue": DialogueFactory().pk,
            "state_party": "FR",
            "made_on": "2030-02-01",
        },
    )
    assert response.status_code == 200
    assert "organisation" in response.context["adminform"].form.errors
    assert not Objection.objects.exists()


def test_admin_objection_is_read_mostly(secretariat_client, secretariat):
    accreditation = AccreditationFactory(state=State.OBJECTED)
    objection = Objection.objects.create(
        accreditation=accreditation,
        state_party="FR",
        made_on=datetime.date(2030, 1, 20),
        recorded_by=secretariat,
    )
    url = reverse("admin:stakeholders_objection_change", args=[objection.pk])
    secretariat_client.post(url, {"state_party": "DE", "made_on": "2030-01-21", "note": "Added later"})
    objection.refresh_from_db()
    assert (objection.state_party.code, objection.made_on, objection.note) == (
        "FR",
        datetime.date(2030, 1, 20),
        "Added later",
    )
    delete = reverse("admin:stakeholders_objection_delete", args=[objection.pk])
    assert secretariat_client.post(delete, {"post": "yes"}).status_code == 403
    assert Objection.objects.filter(pk=objection.pk).exists()
