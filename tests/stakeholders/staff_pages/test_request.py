"""The secretariat's accreditation pages: one request and its decisions."""

import datetime

from django.core import mail

from dialogue_portal.models import AuditEvent
from stakeholders.models import CirculationList, Objection
from tests.factories import CirculationListFactory, RepresentativeFactory

from .support import (
    State,
    _action_url,
    _detail_url,
    _focal_point_emails,
    _page,
    _recipients,
    _request,
    _today,
)

# --- One request ---------------------------------------------------------------------------


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
        "<h1><bdi>Observatorio de Armas</bdi> (<bdi>ODA</bdi>)</h1>",
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
