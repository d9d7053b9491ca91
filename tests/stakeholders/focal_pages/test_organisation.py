"""The focal point's organisation pages: its details, representatives and accreditation."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from stakeholders import services
from stakeholders.models import Accreditation, Representative
from tests.factories import AccreditationFactory, OrganisationFactory, RepresentativeFactory

from .support import _manage_url, _organisation_data, _page

# --- Organisation details ------------------------------------------------------------------


def test_edit_saves_the_details(focal_client, focal_point):
    organisation = focal_point.organisation
    edit_url = reverse("stakeholders:edit", args=[organisation.pk])
    assert 'value="Red de Víctimas"' in _page(focal_client.get(edit_url))
    response = focal_client.post(edit_url, _organisation_data(name="Red de Víctimas de Armas"))
    assert response["Location"] == _manage_url(organisation)
    organisation.refresh_from_db()
    assert organisation.name == "Red de Víctimas de Armas"
    assert organisation.name_key == "red de victimas de armas"
    assert organisation.website_domain == "oap.example"


def test_edit_bad_input_keeps_input_and_changes_nothing(focal_client, focal_point):
    organisation = focal_point.organisation
    response = focal_client.post(
        reverse("stakeholders:edit", args=[organisation.pk]), _organisation_data(name="New Name", country="")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["country"]
    page = _page(response)
    assert 'value="New Name"' in page
    # The heading names the organisation as saved, not as typed.
    assert "Edit the details of Red de Víctimas" in page
    organisation.refresh_from_db()
    assert organisation.name == "Red de Víctimas"


def test_edit_to_a_registered_name_is_refused_next_to_name(focal_client, focal_point):
    OrganisationFactory(name="Fundación Ñandú")
    organisation = focal_point.organisation
    response = focal_client.post(
        reverse("stakeholders:edit", args=[organisation.pk]), _organisation_data(name="FUNDACION NANDU")
    )
    assert response.status_code == 200
    assert "already registered: Fundación Ñandú" in str(response.context["form"].errors["name"])
    assert 'value="FUNDACION NANDU"' in _page(response)
    organisation.refresh_from_db()
    assert organisation.name == "Red de Víctimas"


# --- Representatives -----------------------------------------------------------------------


def _representative_data(**changes) -> dict:
    return {
        "name": "María José PÉREZ LÓPEZ",
        "title": "Director",
        "email": "mj@red.example",
        "gender": "female",
        **changes,
    }


def test_representative_add_appears_on_manage(focal_client, focal_point):
    organisation = focal_point.organisation
    response = focal_client.post(
        reverse("stakeholders:representative_add", args=[organisation.pk]), _representative_data()
    )
    assert response["Location"] == _manage_url(organisation)
    representative = organisation.representatives.get()
    assert (representative.name, representative.email, representative.gender) == (
        "María José PÉREZ LÓPEZ",
        "mj@red.example",
        "female",
    )
    page = _page(focal_client.get(_manage_url(organisation)))
    assert "María José PÉREZ LÓPEZ" in page
    assert "mj@red.example" in page


@pytest.mark.parametrize(("field", "value"), [("name", ""), ("email", "not-an-email"), ("gender", "unknown")])
def test_representative_bad_input_shows_error_and_keeps_input(focal_client, focal_point, field, value):
    response = focal_client.post(
        reverse("stakeholders:representative_add", args=[focal_point.organisation.pk]),
        _representative_data(**{field: value}),
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert f'id="id_{field}_error"' in _page(response)
    assert 'value="Director"' in _page(response)
    assert not Representative.objects.exists()


def test_representative_same_email_twice_is_refused_next_to_email(focal_client, focal_point):
    RepresentativeFactory(organisation=focal_point.organisation, email="mj@red.example")
    response = focal_client.post(
        reverse("stakeholders:representative_add", args=[focal_point.organisation.pk]),
        _representative_data(email="MJ@red.example"),
    )
    assert response.context["form"].errors["email"] == [
        "This person is already a representative of the organisation."
    ]
    assert Representative.objects.count() == 1


def test_representative_edit_and_remove(focal_client, focal_point):
    organisation = focal_point.organisation
    representative = RepresentativeFactory(organisation=organisation, name="Old Name", email="mj@red.example")
    edit_url = reverse("stakeholders:representative_edit", args=[organisation.pk, representative.pk])
    assert 'value="Old Name"' in _page(focal_client.get(edit_url))
    # Saving with its own e-mail is not a duplicate of itself.
    focal_client.post(edit_url, _representative_data(name="New Name"))
    representative.refresh_from_db()
    assert representative.name == "New Name"

    remove_url = reverse("stakeholders:representative_remove", args=[organisation.pk, representative.pk])
    assert "Remove <bdi>New Name</bdi>?" in _page(focal_client.get(remove_url))
    assert Representative.objects.filter(pk=representative.pk).exists()
    response = focal_client.post(remove_url, follow=True)
    assert "New Name is removed." in _page(response)
    assert not Representative.objects.filter(pk=representative.pk).exists()


# --- Accreditation -------------------------------------------------------------------------


def test_accreditation_request_submits_and_emails_secretariat_and_focal_points(
    focal_client, focal_point, secretariat, django_capture_on_commit_callbacks
):
    organisation = focal_point.organisation
    request_url = reverse("stakeholders:accreditation_request", args=[organisation.pk])
    assert f'action="{request_url}"' in _page(focal_client.get(_manage_url(organisation)))
    with django_capture_on_commit_callbacks(execute=True):
        response = focal_client.post(request_url, follow=True)
    accreditation = organisation.accreditations.get()
    assert accreditation.state == "submitted"
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {secretariat.email, "ana@red.example"}
    assert "New accreditation request: Red de Víctimas" in by_recipient[secretariat.email].subject
    assert (
        "We received the request for accreditation of Red de Víctimas" in by_recipient["ana@red.example"].body
    )
    page = _page(response)
    assert "The request for accreditation was sent." in page
    assert "The secretariat is reviewing the request." in page
    assert "submitted (new request)" in page
    assert f'action="{request_url}"' not in page


def test_accreditation_request_again_is_refused_with_message(focal_client, focal_point):
    organisation = focal_point.organisation
    AccreditationFactory(organisation=organisation, state="circulated")
    response = focal_client.post(
        reverse("stakeholders:accreditation_request", args=[organisation.pk]), follow=True
    )
    assert "The organisation&#x27;s accreditation is already circulated to States parties." in _page(response)
    assert organisation.accreditations.count() == 1


def test_accreditation_request_is_post_only(focal_client, focal_point):
    url = reverse("stakeholders:accreditation_request", args=[focal_point.organisation.pk])
    assert focal_client.get(url).status_code == 405
    assert not Accreditation.objects.exists()


def test_accreditation_withdraw_confirms_then_withdraws(
    focal_client, focal_point, django_capture_on_commit_callbacks
):
    organisation = focal_point.organisation
    accreditation = AccreditationFactory(organisation=organisation, state="admitted")
    withdraw_url = reverse("stakeholders:accreditation_withdraw", args=[organisation.pk])
    page = _page(focal_client.get(withdraw_url))
    assert "The organisation will no longer be admitted as an observer." in page
    accreditation.refresh_from_db()
    assert accreditation.state == "admitted"
    with django_capture_on_commit_callbacks(execute=True):
        response = focal_client.post(withdraw_url, follow=True)
    accreditation.refresh_from_db()
    assert accreditation.state == "withdrawn"
    assert mail.outbox[0].to == ["ana@red.example"]
    page = _page(response)
    assert "The accreditation is withdrawn." in page
    assert "admitted → withdrawn" in page
    # A new request may follow.
    assert reverse("stakeholders:accreditation_request", args=[organisation.pk]) in page


def test_accreditation_withdraw_of_circulated_request_is_refused(focal_client, focal_point):
    accreditation = AccreditationFactory(organisation=focal_point.organisation, state="circulated")
    response = focal_client.post(
        reverse("stakeholders:accreditation_withdraw", args=[focal_point.organisation.pk]), follow=True
    )
    assert "cannot go from" in _page(response)
    accreditation.refresh_from_db()
    assert accreditation.state == "circulated"


def test_accreditation_returned_shows_message_and_resubmit_moves_to_submitted(
    focal_client, focal_point, secretariat, django_capture_on_commit_callbacks
):
    organisation = focal_point.organisation
    accreditation = AccreditationFactory(
        organisation=organisation, state="returned", message="Give the full postal address, with the city."
    )
    page = _page(focal_client.get(_manage_url(organisation)))
    assert "What to correct" in page
    assert "Give the full postal address, with the city." in page
    resubmit_url = reverse("stakeholders:accreditation_resubmit", args=[organisation.pk])
    assert f'action="{resubmit_url}"' in page
    edit_page = _page(focal_client.get(reverse("stakeholders:edit", args=[organisation.pk])))
    assert "Give the full postal address, with the city." in edit_page
    assert "then resubmit the request" in edit_page

    with django_capture_on_commit_callbacks(execute=True):
        response = focal_client.post(resubmit_url, follow=True)
    accreditation.refresh_from_db()
    assert accreditation.state == "submitted"
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert "Accreditation request resubmitted: Red de Víctimas" in subjects[secretariat.email]
    assert "Accreditation of Red de Víctimas: submitted" in subjects["ana@red.example"]
    page = _page(response)
    assert "The corrected request was sent to the secretariat." in page
    assert "What to correct" not in page
    assert "returned for correction → submitted" in page
    assert "Corrected and resubmitted." in page


def test_accreditation_rejected_shows_reason_and_allows_a_new_request(focal_client, focal_point):
    organisation = focal_point.organisation
    AccreditationFactory(organisation=organisation, state="rejected", message="Not active on the topics.")
    page = _page(focal_client.get(_manage_url(organisation)))
    assert "The reason given" in page
    assert "Not active on the topics." in page
    request_url = reverse("stakeholders:accreditation_request", args=[organisation.pk])
    assert f'action="{request_url}"' in page
    focal_client.post(request_url)
    assert sorted(organisation.accreditations.values_list("state", flat=True)) == ["rejected", "submitted"]


def test_accreditation_resubmit_when_not_returned_is_refused(focal_client, focal_point):
    accreditation = AccreditationFactory(organisation=focal_point.organisation, state="submitted")
    response = focal_client.post(
        reverse("stakeholders:accreditation_resubmit", args=[focal_point.organisation.pk]), follow=True
    )
    assert "cannot go from “submitted” to “submitted”" in _page(response)
    accreditation.refresh_from_db()
    assert accreditation.state == "submitted"


def test_manage_history_never_names_the_actor_or_the_objecting_state(focal_client, focal_point, secretariat):
    organisation = focal_point.organisation
    accreditation = AccreditationFactory(organisation=organisation, state="circulated")
    services.objection_record(
        by=secretariat,
        state_party="FR",
        made_on=datetime.date(2030, 1, 20),
        note="France objects.",
        accreditation=accreditation,
    )
    page = _page(focal_client.get(_manage_url(organisation)))
    assert "circulated to States parties → objected to; awaiting the Conference" in page
    assert "A State party objected." in page
    assert "France" not in page
    assert secretariat.email not in page
    assert secretariat.username not in page
