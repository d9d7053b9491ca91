"""The focal points' dialogue pages, used as a focal point would: apply for dialogues, follow
the decision, withdraw, ask for the floor; what changed is checked in the database, on the
page and in the outbox."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from sessions import services
from sessions.models import Dialogue, Intervention, Registration
from stakeholders.models import Objection
from tests.factories import (
    AgendaItemFactory,
    DialogueFactory,
    FocalPointFactory,
    OrganisationFactory,
    RegistrationFactory,
    RepresentativeFactory,
    WorkingGroupSessionFactory,
    admitted_organisation,
    vienna,
)

MEETING_LINK = "https://meet.example.org/j/secret-room-4711"
APPLY = reverse("apply")


def _open_dialogue(days: int = 40, **fields) -> Dialogue:
    """An open dialogue ``days`` from today, its applications deadline a week before."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    session = WorkingGroupSessionFactory(first_day=day - datetime.timedelta(days=2), last_day=day)
    fields.setdefault("applications_deadline", vienna(day - datetime.timedelta(days=7)))
    fields.setdefault("comments_deadline", vienna(day - datetime.timedelta(days=7)))
    return DialogueFactory(session=session, state=Dialogue.State.OPEN, meeting_link=MEETING_LINK, **fields)


@pytest.fixture
def organisation(db):
    return admitted_organisation(name="Red de Víctimas", acronym="RDV")


@pytest.fixture
def focal_user(organisation):
    return FocalPointFactory(organisation=organisation, user__email="ana@red.example").user


@pytest.fixture
def focal_client(client, focal_user):
    client.force_login(focal_user)
    return client


@pytest.fixture
def representatives(organisation):
    return [
        RepresentativeFactory(
            organisation=organisation, name=name, email=f"{name.split()[0].lower()}@red.example"
        )
        for name in ("Ana Pérez", "Bruno Díaz", "Carla Ruiz")
    ]


def _apply_url(organisation) -> str:
    return f"{APPLY}?organisation={organisation.pk}"


def _applications_url(organisation) -> str:
    return reverse("my_applications", args=[organisation.pk])


def _application_url(registration) -> str:
    return reverse("my_application", args=[registration.organisation_id, registration.pk])


def _page(response) -> str:
    return response.content.decode()


def _apply_data(dialogues, representatives, **changes) -> dict:
    data = {
        "dialogues": [dialogue.pk for dialogue in dialogues],
        "representatives": [representative.pk for representative in representatives],
        "expertise": "Research on the illicit trafficking in firearms in the Andean region.",
        "may_be_named": "on",
    }
    data.update(changes)
    return data


def _checkbox(page: str, name: str, value) -> str | None:
    """The <input> tag of one checkbox, or None when the page does not offer it."""
    match = re.search(rf'<input type="checkbox" name="{name}" value="{value}"[^>]*>', page)
    return match.group(0) if match else None


# --- Applying ---------------------------------------------------------------------------


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
    assert "Ana Pérez, Bruno Díaz" in page


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


# --- Following the decision and withdrawing ---------------------------------------------------


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


# --- Requests for the floor -----------------------------------------------------------------


@pytest.fixture
def approved(organisation, representatives, secretariat):
    registration = RegistrationFactory(
        dialogue=_open_dialogue(), organisation=organisation, representatives=representatives[:2]
    )
    services.registration_approve(registration=registration, by=secretariat)
    AgendaItemFactory(dialogue=registration.dialogue, number=1, title="Opening")
    AgendaItemFactory(dialogue=registration.dialogue, number=2, title="Prevention and protection")
    return registration


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


# --- Only one's own ---------------------------------------------------------------------------


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


# --- The meeting link ---------------------------------------------------------------------------


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


# --- Queries -------------------------------------------------------------------------------------


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
