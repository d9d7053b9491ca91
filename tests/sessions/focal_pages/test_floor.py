"""The focal point's dialogue pages: requests for the floor, only one's own, the meeting link."""

import pytest
from django.core import mail
from django.urls import reverse

from sessions import services
from sessions.models import Intervention, Registration
from tests.factories import (
    AgendaItemFactory,
    FocalPointFactory,
    RegistrationFactory,
    RepresentativeFactory,
    admitted_organisation,
)

from .support import (
    APPLY,
    MEETING_LINK,
    _application_url,
    _applications_url,
    _apply_data,
    _apply_url,
    _open_dialogue,
    _page,
)

# --- Requests for the floor ----------------------------------------------------------------


def _floor_url(registration) -> str:
    return reverse("my_floor_request", args=[registration.organisation_id, registration.pk])


def _other_speaker(dialogue, agenda_item, secretariat) -> Intervention:
    """Another organisation's request, already placed on the list."""
    other = admitted_organisation()
    speaker = RepresentativeFactory(organisation=other)
    registration = RegistrationFactory(dialogue=dialogue, organisation=other, representatives=[speaker])
    services.registration_approve(registration=registration, by=secretariat)
    intervention = services.intervention_request(
        registration=registration, agenda_item=agenda_item, speaker=speaker, by=None
    )
    return services.intervention_schedule(intervention=intervention, by=secretariat)


def test_floor_request_then_place_after_secretariat_schedules_it(focal_client, approved, secretariat):
    item = approved.dialogue.agenda_items.get(number=2)
    speaker = approved.representatives.get(name="Bruno Díaz")
    first = _other_speaker(approved.dialogue, item, secretariat)
    response = focal_client.post(
        _floor_url(approved), {"agenda_item": item.pk, "speaker": speaker.pk, "topic": "Victims' rights"}
    )
    assert response.status_code == 302
    assert response["Location"] == _application_url(approved)
    intervention = Intervention.objects.get(registration=approved)
    assert intervention.state == Intervention.State.REQUESTED
    assert (intervention.agenda_item, intervention.speaker, intervention.topic) == (
        item,
        speaker,
        "Victims' rights",
    )
    page = _page(focal_client.get(_application_url(approved)))
    assert "The request for the floor was sent." in page
    assert "Not placed yet" in page

    services.intervention_schedule(intervention=intervention, by=secretariat)
    intervention.refresh_from_db()
    assert intervention.position == 2
    page = _page(focal_client.get(_application_url(approved)))
    assert "Speaker 2 of 2" in page
    assert 'class="badge badge-scheduled"' in page

    # The speaker before withdraws: the place moves up although the stored position stays.
    services.intervention_withdraw(intervention=first, by=secretariat)
    intervention.refresh_from_db()
    assert intervention.position == 2
    assert "Speaker 1 of 1" in _page(focal_client.get(_application_url(approved)))


def test_floor_request_speaker_not_in_the_application_shows_error_next_to_field(
    focal_client, approved, representatives
):
    outsider = representatives[2]  # the organisation's, not named in this application
    item = approved.dialogue.agenda_items.get(number=1)
    response = focal_client.post(
        _floor_url(approved), {"agenda_item": item.pk, "speaker": outsider.pk, "topic": "Kept topic"}
    )
    assert response.status_code == 200
    assert response.context["floor_form"].errors["speaker"]
    page = _page(response)
    assert 'id="id_speaker_error"' in page
    assert 'value="Kept topic"' in page
    assert not Intervention.objects.exists()


def test_floor_request_agenda_item_of_another_dialogue_is_refused(focal_client, approved, representatives):
    foreign_item = AgendaItemFactory(dialogue=_open_dialogue(days=90), number=1)
    response = focal_client.post(
        _floor_url(approved), {"agenda_item": foreign_item.pk, "speaker": representatives[0].pk}
    )
    assert response.status_code == 200
    assert response.context["floor_form"].errors["agenda_item"]
    assert not Intervention.objects.exists()


def test_floor_request_before_approval_is_not_offered_and_refused(
    focal_client, organisation, representatives
):
    registration = RegistrationFactory(
        dialogue=_open_dialogue(), organisation=organisation, representatives=representatives[:1]
    )
    item = AgendaItemFactory(dialogue=registration.dialogue, number=1)
    page = _page(focal_client.get(_application_url(registration)))
    assert 'name="agenda_item"' not in page
    assert "Once the application is approved, you may ask for the floor" in page
    response = focal_client.post(
        _floor_url(registration), {"agenda_item": item.pk, "speaker": representatives[0].pk}
    )
    assert "Only an approved application gives the floor." in _page(response)
    assert not Intervention.objects.exists()


def test_floor_withdraw_asks_then_frees_the_place(focal_client, approved, secretariat):
    item = approved.dialogue.agenda_items.get(number=1)
    intervention = services.intervention_request(
        registration=approved, agenda_item=item, speaker=approved.representatives.first(), by=None
    )
    services.intervention_schedule(intervention=intervention, by=secretariat)
    url = reverse("my_floor_withdraw", args=[approved.organisation_id, intervention.pk])
    assert "<h1>Withdraw the request for the floor?</h1>" in _page(focal_client.get(url))
    response = focal_client.post(url)
    assert response["Location"] == _application_url(approved)
    intervention.refresh_from_db()
    assert intervention.state == Intervention.State.WITHDRAWN
    assert intervention.position is None
    page = _page(focal_client.get(response["Location"]))
    assert "The request for the floor is withdrawn." in page
    assert 'class="badge badge-withdrawn"' in page


# --- Only one's own ------------------------------------------------------------------------


URLS = {
    "apply": lambda r, i: _apply_url(r.organisation),
    "applications": lambda r, i: _applications_url(r.organisation),
    "application": lambda r, i: _application_url(r),
    "application_withdraw": lambda r, i: reverse("my_application_withdraw", args=[r.organisation_id, r.pk]),
    "floor_request": lambda r, i: _floor_url(r),
    "floor_withdraw": lambda r, i: reverse("my_floor_withdraw", args=[r.organisation_id, i.pk]),
}


@pytest.fixture
def approved_with_request(approved):
    intervention = services.intervention_request(
        registration=approved,
        agenda_item=approved.dialogue.agenda_items.first(),
        speaker=approved.representatives.first(),
        by=None,
    )
    return approved, intervention


# The read-only pages answer only GET (a POST is refused as 405 before anything is fetched).
PAGE_METHODS = [(page, "get") for page in URLS] + [
    (page, "post") for page in URLS if page not in ("applications", "application")
]


@pytest.mark.parametrize(("page", "method"), PAGE_METHODS)
def test_other_organisations_focal_point_gets_404(client, approved_with_request, page, method):
    registration, intervention = approved_with_request
    stranger = FocalPointFactory(organisation=admitted_organisation()).user
    client.force_login(stranger)
    response = getattr(client, method)(URLS[page](registration, intervention))
    assert response.status_code == 404
    registration.refresh_from_db()
    intervention.refresh_from_db()
    assert registration.state == Registration.State.APPROVED
    assert intervention.state == Intervention.State.REQUESTED


@pytest.mark.parametrize(("page", "method"), PAGE_METHODS)
def test_anonymous_is_sent_to_login(client, approved_with_request, page, method):
    registration, intervention = approved_with_request
    url = URLS[page](registration, intervention)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")
    registration.refresh_from_db()
    assert registration.state == Registration.State.APPROVED


def test_own_organisation_with_another_organisations_application_is_404(
    focal_client, organisation, approved_with_request
):
    registration, intervention = approved_with_request
    other = admitted_organisation()
    theirs = RegistrationFactory(dialogue=registration.dialogue, organisation=other)
    their_request = Intervention.objects.create(
        registration=theirs,
        agenda_item=intervention.agenda_item,
        speaker=RepresentativeFactory(organisation=other),
    )
    # The focal point's own organisation in the URL, another organisation's objects behind it.
    for url in (
        reverse("my_application", args=[organisation.pk, theirs.pk]),
        reverse("my_application_withdraw", args=[organisation.pk, theirs.pk]),
        reverse("my_floor_request", args=[organisation.pk, theirs.pk]),
        reverse("my_floor_withdraw", args=[organisation.pk, their_request.pk]),
    ):
        assert focal_client.get(url).status_code == 404, url
        if "/withdraw/" in url or "/floor/" in url:
            assert focal_client.post(url).status_code == 404, url
    # And its own application behind the other organisation's id.
    assert focal_client.get(reverse("my_application", args=[other.pk, registration.pk])).status_code == 404


def test_apply_with_bad_organisation_parameter_is_404(focal_client, organisation):
    assert focal_client.get(f"{APPLY}?organisation=abc").status_code == 404
    assert focal_client.get(f"{APPLY}?organisation=999999").status_code == 404


def test_manage_page_links_to_applications_and_apply(focal_client, organisation):
    page = _page(focal_client.get(reverse("stakeholders:manage", args=[organisation.pk])))
    assert f'href="{_applications_url(organisation)}"' in page
    assert f'href="{_apply_url(organisation)}"' in page


# --- The meeting link ----------------------------------------------------------------------


def test_meeting_link_never_reaches_a_declined_organisation(
    focal_client, organisation, representatives, secretariat, django_capture_on_commit_callbacks
):
    dialogue = _open_dialogue()
    # Another organisation is approved: the link exists and is sent, to its representative only.
    other = admitted_organisation()
    other_rep = RepresentativeFactory(organisation=other, email="olga@other.example")
    theirs = RegistrationFactory(dialogue=dialogue, organisation=other, representatives=[other_rep])
    with django_capture_on_commit_callbacks(execute=True):
        focal_client.post(_apply_url(organisation), _apply_data([dialogue], representatives[:2]))
        registration = Registration.objects.get(organisation=organisation)
        services.registration_decline(registration=registration, by=secretariat, reason="No places left.")
        services.registration_approve(registration=theirs, by=secretariat)
    ours = {"ana@red.example", *(rep.email for rep in representatives)}
    to_us = [message for message in mail.outbox if set(message.to) & ours]
    assert len(to_us) == 2  # the receipt and the decision
    for message in to_us:
        assert MEETING_LINK not in message.subject + message.body
    assert any(MEETING_LINK in message.body for message in mail.outbox if message.to == [other_rep.email])
    for url in (
        _apply_url(organisation),
        _applications_url(organisation),
        _application_url(registration),
        reverse("stakeholders:manage", args=[organisation.pk]),
    ):
        assert MEETING_LINK not in _page(focal_client.get(url)), url


def test_meeting_link_not_shown_on_the_focal_pages_of_an_approved_organisation(focal_client, approved):
    # The link travels by e-mail to the representatives only, never on a page.
    assert MEETING_LINK not in _page(focal_client.get(_application_url(approved)))
    assert MEETING_LINK not in _page(focal_client.get(_applications_url(approved.organisation)))
