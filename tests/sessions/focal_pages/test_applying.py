"""The focal point's dialogue pages: applying, following the decision and withdrawing, their query
counts."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from sessions import services
from sessions.models import Intervention, Registration
from stakeholders.models import Objection
from tests.factories import (
    AgendaItemFactory,
    FocalPointFactory,
    OrganisationFactory,
    RegistrationFactory,
    RepresentativeFactory,
    vienna,
)

from .support import (
    APPLY,
    _application_url,
    _applications_url,
    _apply_data,
    _apply_url,
    _checkbox,
    _open_dialogue,
    _page,
)

# --- Applying ------------------------------------------------------------------------------


def test_apply_for_two_dialogues_at_once_creates_two_registrations(
    focal_client, organisation, representatives, django_capture_on_commit_callbacks
):
    first, second = _open_dialogue(days=40), _open_dialogue(days=60)
    with django_capture_on_commit_callbacks(execute=True):
        response = focal_client.post(
            _apply_url(organisation),
            _apply_data([first, second], representatives[:2], travel_support_requested="on"),
        )
    assert response.status_code == 302
    assert response["Location"] == _applications_url(organisation)
    registrations = Registration.objects.filter(organisation=organisation).order_by("dialogue__date")
    assert [r.dialogue_id for r in registrations] == [first.pk, second.pk]
    for registration in registrations:
        assert registration.state == Registration.State.APPLIED
        assert set(registration.representatives.all()) == set(representatives[:2])
        assert registration.travel_support_requested
        assert registration.may_be_named
        assert registration.expertise.startswith("Research on the illicit trafficking")
    assert [message.to for message in mail.outbox] == [["ana@red.example"]]
    assert "Application received: Red de Víctimas" in mail.outbox[0].subject
    page = _page(focal_client.get(response["Location"]))
    assert "The application was sent." in page
    assert page.count('class="badge badge-applied"') == 2
    assert "<bdi>Ana Pérez</bdi>, <bdi>Bruno Díaz</bdi>" in page


def test_apply_without_consent_to_be_named_records_it(focal_client, organisation, representatives):
    dialogue = _open_dialogue()
    data = _apply_data([dialogue], representatives[:1])
    del data["may_be_named"]
    focal_client.post(_apply_url(organisation), data)
    registration = Registration.objects.get()
    assert registration.may_be_named is False
    assert registration.travel_support_requested is False


def test_apply_page_shows_each_deadline_with_its_time_zone(focal_client, organisation, representatives):
    dialogue = _open_dialogue(
        applications_deadline=vienna(timezone.localdate() + datetime.timedelta(days=20))
    )
    new_york = _open_dialogue(days=50, time_zone="America/New_York")
    page = _page(focal_client.get(_apply_url(organisation)))
    deadline = timezone.localtime(dialogue.applications_deadline, dialogue.zone)
    assert f"Applications until {deadline:%-d %B %Y}, 23:59 {deadline:%Z} (Europe/Vienna time)." in page
    assert "(America/New_York time)" in page
    assert _checkbox(page, "dialogues", dialogue.pk)
    assert _checkbox(page, "dialogues", new_york.pk)
    for representative in representatives:
        assert _checkbox(page, "representatives", representative.pk)
    assert 'for="id_expertise"' in page


def test_apply_with_one_organisation_redirects_to_it(focal_client, organisation):
    response = focal_client.get(APPLY)
    assert response.status_code == 302
    assert response["Location"] == _apply_url(organisation)


def test_apply_with_several_organisations_asks_which(focal_client, organisation, focal_user):
    other = FocalPointFactory(user=focal_user, organisation__name="Academia Network").organisation
    page = _page(focal_client.get(APPLY))
    assert f'href="{_apply_url(organisation)}"' in page
    assert f'href="{_apply_url(other)}"' in page


def test_apply_not_admitted_is_refused_with_reason(client, db):
    organisation = OrganisationFactory(name="Unaccredited Forum")
    RepresentativeFactory(organisation=organisation)
    client.force_login(FocalPointFactory(organisation=organisation).user)
    dialogue = _open_dialogue()
    page = _page(client.get(_apply_url(organisation)))
    assert "Only organisations admitted as observers can apply; Unaccredited Forum is not admitted." in page
    assert not _checkbox(page, "dialogues", dialogue.pk)
    assert 'name="expertise"' not in page
    response = client.post(
        _apply_url(organisation), _apply_data([dialogue], organisation.representatives.all())
    )
    assert response.status_code == 200
    assert "Unaccredited Forum is not admitted" in " ".join(response.context["form"].errors["dialogues"])
    assert not Registration.objects.exists()


def test_apply_under_objection_for_that_dialogue_is_refused_only_for_it(
    focal_client, organisation, representatives
):
    objected, other = _open_dialogue(days=40), _open_dialogue(days=60)
    Objection.objects.create(
        state_party="FR", made_on=datetime.date(2030, 1, 5), organisation=organisation, dialogue=objected
    )
    page = _page(focal_client.get(_apply_url(organisation)))
    assert "A State party objected to the participation of Red de Víctimas in this dialogue." in page
    assert "France" not in page  # never by whom
    assert not _checkbox(page, "dialogues", objected.pk)
    assert _checkbox(page, "dialogues", other.pk)
    # Sent anyway (a stale page): refused with the reason, nothing created.
    response = focal_client.post(
        _apply_url(organisation), _apply_data([objected, other], representatives[:1])
    )
    assert response.status_code == 200
    assert "A State party objected" in " ".join(response.context["form"].errors["dialogues"])
    assert not Registration.objects.exists()
    # The other dialogue alone is accepted.
    focal_client.post(_apply_url(organisation), _apply_data([other], representatives[:1]))
    assert list(Registration.objects.values_list("dialogue", flat=True)) == [other.pk]


def test_apply_after_the_deadline_is_closed_with_the_date(focal_client, organisation, representatives):
    deadline = timezone.now() - datetime.timedelta(days=1)
    late = _open_dialogue(applications_deadline=deadline)
    page = _page(focal_client.get(_apply_url(organisation)))
    shown = timezone.localtime(deadline, late.zone)
    assert f"Applications closed on {shown:%-d %B %Y, %H:%M} {shown:%Z}." in page
    assert not _checkbox(page, "dialogues", late.pk)
    assert 'name="expertise"' not in page  # no dialogue open: no form
    response = focal_client.post(_apply_url(organisation), _apply_data([late], representatives[:1]))
    assert response.status_code == 200
    assert "Applications closed on" in " ".join(response.context["form"].errors["dialogues"])
    assert not Registration.objects.exists()


def test_apply_already_applied_is_refused_for_that_dialogue(focal_client, organisation, representatives):
    dialogue = _open_dialogue()
    RegistrationFactory(dialogue=dialogue, organisation=organisation, representatives=representatives[:1])
    page = _page(focal_client.get(_apply_url(organisation)))
    assert "Red de Víctimas has already applied for this dialogue." in page
    assert not _checkbox(page, "dialogues", dialogue.pk)


def test_apply_too_many_representatives_shows_error_next_to_field_and_keeps_input(
    focal_client, organisation, representatives
):
    dialogue = _open_dialogue(max_representatives=2)
    data = _apply_data([dialogue], representatives, expertise="Our own words, kept.")
    response = focal_client.post(_apply_url(organisation), data)
    assert response.status_code == 200
    page = _page(response)
    expected = f"At most 2 representatives per organisation for the dialogue of {dialogue.date:%-d %B %Y}."
    assert response.context["form"].errors["representatives"] == [expected]
    assert re.search(rf'<ul class="errorlist" id="id_representatives_error"><li>{re.escape(expected)}', page)
    assert re.search(r'<fieldset aria-describedby="[^"]*id_representatives_error', page)
    assert "Our own words, kept." in page
    assert "checked" in _checkbox(page, "dialogues", dialogue.pk)
    for representative in representatives:
        assert "checked" in _checkbox(page, "representatives", representative.pk)
    assert not Registration.objects.exists()


@pytest.mark.parametrize("missing", ["dialogues", "representatives", "expertise"])
def test_apply_missing_input_shows_error_next_to_field(focal_client, organisation, representatives, missing):
    dialogue = _open_dialogue()
    data = _apply_data([dialogue], representatives[:1])
    del data[missing]
    response = focal_client.post(_apply_url(organisation), data)
    assert response.status_code == 200
    assert response.context["form"].errors[missing]
    assert f'id="id_{missing}_error"' in _page(response)
    assert not Registration.objects.exists()


# --- Following the decision and withdrawing ------------------------------------------------


def test_applications_page_shows_decision_and_decline_reason(
    focal_client, organisation, representatives, secretariat
):
    approved = RegistrationFactory(
        dialogue=_open_dialogue(days=40), organisation=organisation, representatives=representatives[:1]
    )
    declined = RegistrationFactory(
        dialogue=_open_dialogue(days=60), organisation=organisation, representatives=representatives[1:2]
    )
    services.registration_approve(registration=approved, by=secretariat)
    services.registration_decline(
        registration=declined, by=secretariat, reason="Places are limited to one per region."
    )
    page = _page(focal_client.get(_applications_url(organisation)))
    assert 'class="badge badge-approved"' in page
    assert 'class="badge badge-declined"' in page
    assert "Places are limited to one per region." in page
    page = _page(focal_client.get(_application_url(declined)))
    assert "Declined on" in page
    assert "Places are limited to one per region." in page


def test_application_withdraw_asks_then_withdraws(focal_client, organisation, representatives):
    registration = RegistrationFactory(
        dialogue=_open_dialogue(), organisation=organisation, representatives=representatives[:1]
    )
    url = reverse("my_application_withdraw", args=[organisation.pk, registration.pk])
    page = _page(focal_client.get(url))
    assert "<h1>Withdraw the application?</h1>" in page
    registration.refresh_from_db()
    assert registration.state == Registration.State.APPLIED
    response = focal_client.post(url)
    assert response.status_code == 302
    assert response["Location"] == _applications_url(organisation)
    registration.refresh_from_db()
    assert registration.state == Registration.State.WITHDRAWN
    page = _page(focal_client.get(response["Location"]))
    assert "The application is withdrawn." in page
    assert 'class="badge badge-withdrawn"' in page


def test_application_withdraw_of_approved_withdraws_its_requests_for_the_floor(
    focal_client, organisation, representatives, secretariat
):
    registration = RegistrationFactory(
        dialogue=_open_dialogue(), organisation=organisation, representatives=representatives[:1]
    )
    services.registration_approve(registration=registration, by=secretariat)
    item = AgendaItemFactory(dialogue=registration.dialogue, number=1)
    intervention = services.intervention_request(
        registration=registration, agenda_item=item, speaker=representatives[0], by=None
    )
    services.intervention_schedule(intervention=intervention, by=secretariat)
    focal_client.post(reverse("my_application_withdraw", args=[organisation.pk, registration.pk]))
    registration.refresh_from_db()
    intervention.refresh_from_db()
    assert registration.state == Registration.State.WITHDRAWN
    assert intervention.state == Intervention.State.WITHDRAWN
    assert intervention.position is None


def test_application_withdraw_of_declined_is_refused(
    focal_client, organisation, representatives, secretariat
):
    registration = RegistrationFactory(
        dialogue=_open_dialogue(), organisation=organisation, representatives=representatives[:1]
    )
    services.registration_decline(registration=registration, by=secretariat, reason="No places left.")
    response = focal_client.post(
        reverse("my_application_withdraw", args=[organisation.pk, registration.pk]), follow=True
    )
    assert "This application can no longer be withdrawn." in _page(response)
    registration.refresh_from_db()
    assert registration.state == Registration.State.DECLINED
    assert "Withdraw the application" not in _page(focal_client.get(_application_url(registration)))


# --- Queries -------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [3, 30])
def test_applications_page_runs_fixed_number_of_queries(
    focal_client, organisation, representatives, django_assert_max_num_queries, rows
):
    for n in range(rows):
        RegistrationFactory(
            dialogue=_open_dialogue(days=30 + n),
            organisation=organisation,
            representatives=representatives[:2],
        )
    with django_assert_max_num_queries(6):
        response = focal_client.get(_applications_url(organisation))
    assert _page(response).count('class="badge badge-applied"') == rows


@pytest.mark.parametrize("rows", [2, 20])
def test_application_page_runs_fixed_number_of_queries(
    focal_client, approved, secretariat, django_assert_max_num_queries, rows
):
    item = approved.dialogue.agenda_items.first()
    for _n in range(rows):
        intervention = services.intervention_request(
            registration=approved, agenda_item=item, speaker=approved.representatives.first(), by=None
        )
        services.intervention_schedule(intervention=intervention, by=secretariat)
    with django_assert_max_num_queries(10):
        response = focal_client.get(_application_url(approved))
    assert f"Speaker {rows} of {rows}" in _page(response)
