"""The focal points' pages, used as a focal point would: register, join, invite, leave,
representatives, accreditation; what changed is checked in the database, on the page and
in the outbox."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse

from stakeholders import services
from stakeholders.models import (
    Accreditation,
    FocalPoint,
    Invitation,
    JoinRequest,
    Organisation,
    Representative,
)
from tests.factories import (
    AccreditationFactory,
    FocalPointFactory,
    JoinRequestFactory,
    OrganisationFactory,
    RepresentativeFactory,
    UserFactory,
)

REGISTER = reverse("stakeholders:register")
MINE = reverse("stakeholders:mine")


def _organisation_data(**changes) -> dict:
    data = {
        "name": "Observatorio de Armas Pequeñas",
        "acronym": "OAP",
        "category": "ngo",
        "country": "AR",
        "ecosoc_status": "none",
        "website": "https://www.oap.example/",
        "postal_address": "Avenida de Mayo 1, Buenos Aires",
        "description": "Research on the illicit manufacturing of and trafficking in firearms.",
    }
    data.update(changes)
    return data


@pytest.fixture
def focal_point(db):
    return FocalPointFactory(organisation__name="Red de Víctimas", user__email="ana@red.example")


@pytest.fixture
def focal_client(client, focal_point):
    client.force_login(focal_point.user)
    return client


def _manage_url(organisation) -> str:
    return reverse("stakeholders:manage", args=[organisation.pk])


def _page(response) -> str:
    return response.content.decode()


# --- Register -------------------------------------------------------------------------


def test_register_makes_the_user_focal_point_and_redirects_to_manage(client, user):
    client.force_login(user)
    response = client.post(REGISTER, _organisation_data())
    organisation = Organisation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _manage_url(organisation)
    assert organisation.name == "Observatorio de Armas Pequeñas"
    assert organisation.country.code == "AR"
    assert organisation.website_domain == "oap.example"
    assert list(organisation.focal_points.values_list("user", flat=True)) == [user.pk]
    page = _page(client.get(response["Location"]))
    assert "<h1>Observatorio de Armas Pequeñas (OAP)</h1>" in page
    assert "is registered and you are its focal point" in page


def test_register_page_labels_every_field(client, user):
    client.force_login(user)
    page = _page(client.get(REGISTER))
    for field in _organisation_data():
        assert f'for="id_{field}"' in page
    assert page.count("<h1>") == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("category", "church"),
        ("country", "XX"),
        ("ecosoc_status", "observer"),
        ("website", "not a web address"),
        ("postal_address", ""),
        ("description", ""),
    ],
)
def test_register_bad_input_shows_error_next_to_field_and_keeps_input(client, user, field, value):
    client.force_login(user)
    response = client.post(REGISTER, _organisation_data(**{field: value}))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    page = _page(response)
    # The error sits next to its field and the field points at it.
    assert f'id="id_{field}_error"' in page
    assert re.search(rf'aria-describedby="[^"]*id_{field}_error[^"]*"[^>]*id="id_{field}"', page)
    assert 'value="OAP"' in page
    assert "Avenida de Mayo 1, Buenos Aires" in page or field == "postal_address"
    assert not Organisation.objects.exists()
    assert not FocalPoint.objects.exists()


def test_register_duplicate_name_is_refused_with_link_to_join(client, user):
    existing = OrganisationFactory(name="fundacion nandu")
    AccreditationFactory(organisation=existing, state="admitted")
    client.force_login(user)
    response = client.post(REGISTER, _organisation_data(name="Fundación  Ñandú"))
    assert response.status_code == 200
    assert "An organisation with this name is already registered: fundacion nandu." in str(
        response.context["form"].errors["name"]
    )
    page = _page(response)
    join_url = reverse("stakeholders:join", args=[existing.pk])
    error = re.search(r'<ul class="errorlist" id="id_name_error">(.*?)</ul>', page, re.S).group(1)
    assert f'<a href="{join_url}">' in error
    assert 'value="Fundación  Ñandú"' in page
    assert Organisation.objects.count() == 1
    assert not FocalPoint.objects.filter(user=user).exists()


def test_register_duplicate_website_is_refused_with_link_to_join(client, user):
    existing = OrganisationFactory(name="Example Alliance", website="http://example.org")
    AccreditationFactory(organisation=existing, state="admitted")
    client.force_login(user)
    response = client.post(REGISTER, _organisation_data(website="https://www.example.org/about"))
    assert response.status_code == 200
    assert "already registered: Example Alliance" in str(response.context["form"].errors["website"])
    page = _page(response)
    error = re.search(r'<ul class="errorlist" id="id_website_error">(.*?)</ul>', page, re.S).group(1)
    assert f'href="{reverse("stakeholders:join", args=[existing.pk])}"' in error
    assert 'value="https://www.example.org/about"' in page
    assert Organisation.objects.count() == 1


@pytest.mark.parametrize("state", [None, "submitted", "rejected", "withdrawn"])
def test_register_duplicate_of_organisation_not_admitted_is_refused_without_link(client, user, state):
    existing = OrganisationFactory(name="fundacion nandu")
    if state:
        AccreditationFactory(organisation=existing, state=state)
    client.force_login(user)
    response = client.post(REGISTER, _organisation_data(name="Fundación  Ñandú"))
    assert "already registered" in str(response.context["form"].errors["name"])
    # Its join page answers 404: the refusal does not link to it.
    assert reverse("stakeholders:join", args=[existing.pk]) not in _page(response)
    assert Organisation.objects.count() == 1


def test_register_duplicate_link_escapes_the_existing_name(client, user):
    AccreditationFactory(organisation=OrganisationFactory(name="<b>Bold</b> Org"), state="admitted")
    client.force_login(user)
    page = _page(client.post(REGISTER, _organisation_data(name="B Bold B Org")))
    assert "&lt;b&gt;Bold&lt;/b&gt; Org" in page
    assert "<b>Bold</b>" not in page


def test_register_social_media_page_is_not_a_match(client, user):
    OrganisationFactory(name="First Facebook NGO", website="https://www.facebook.com/first-ngo")
    client.force_login(user)
    response = client.post(REGISTER, _organisation_data(website="https://facebook.com/second-ngo"))
    assert response.status_code == 302
    assert Organisation.objects.filter(name="Observatorio de Armas Pequeñas").exists()


def test_register_requires_login(client, db):
    response = client.post(REGISTER, _organisation_data())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Organisation.objects.exists()


# --- Mine -----------------------------------------------------------------------------


def test_mine_lists_organisations_with_accreditation_state_and_pending_join_requests(client, user):
    FocalPointFactory(user=user, organisation__name="Alpha Aid")
    beta = FocalPointFactory(user=user, organisation__name="Beta Bureau").organisation
    AccreditationFactory(organisation=beta, state="returned")
    JoinRequestFactory(user=user, organisation__name="Gamma Group")
    JoinRequestFactory(user=user, organisation__name="Delta Decided", state="declined")
    FocalPointFactory(organisation__name="Someone Else's")
    client.force_login(user)
    page = _page(client.get(MINE))
    assert "Alpha Aid" in page
    assert "not requested yet" in page
    assert re.search(r"Beta Bureau.*returned for correction", page, re.S)
    assert "Gamma Group: asked on" in page
    assert "Delta Decided" not in page
    assert "Someone Else" not in page
    assert f'href="{REGISTER}"' in page


# --- Join requests --------------------------------------------------------------------


def _ask_to_join(client, organisation, user, django_capture_on_commit_callbacks):
    # Only an admitted organisation can be joined.
    AccreditationFactory(organisation=organisation, state="admitted")
    client.force_login(user)
    join_url = reverse("stakeholders:join", args=[organisation.pk])
    assert organisation.name in _page(client.get(join_url))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(join_url, {"message": "I coordinate our firearms programme."}, follow=True)
    assert response.redirect_chain[-1][0] == MINE
    assert "Your request was sent to the organisation&#x27;s focal points." in _page(response)
    return JoinRequest.objects.get(organisation=organisation, user=user)


def test_join_request_approved_makes_requester_focal_point(
    client, focal_point, django_capture_on_commit_callbacks
):
    organisation = focal_point.organisation
    requester = UserFactory(email="bea@red.example")
    join_request = _ask_to_join(client, organisation, requester, django_capture_on_commit_callbacks)
    assert [message.to for message in mail.outbox] == [["ana@red.example"]]
    assert "bea@red.example asks to become a focal point of Red de Víctimas" in mail.outbox[0].body
    mail.outbox.clear()

    client.force_login(focal_point.user)
    page = _page(client.get(_manage_url(organisation)))
    assert "bea@red.example asked on" in page
    assert "I coordinate our firearms programme." in page
    decide_url = reverse("stakeholders:join_request_decide", args=[organisation.pk, join_request.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decide_url, {"decision": "approve"}, follow=True)
    assert "bea@red.example is now a focal point of the organisation." in _page(response)
    join_request.refresh_from_db()
    assert join_request.state == "approved"
    assert organisation.focal_points.filter(user=requester).exists()
    assert [message.to for message in mail.outbox] == [["bea@red.example"]]
    assert "Your request was approved" in mail.outbox[0].body

    client.force_login(requester)
    assert client.get(_manage_url(organisation)).status_code == 200


def test_join_request_declined_leaves_requester_out(client, focal_point, django_capture_on_commit_callbacks):
    organisation = focal_point.organisation
    requester = UserFactory(email="bea@red.example")
    join_request = _ask_to_join(client, organisation, requester, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    client.force_login(focal_point.user)
    decide_url = reverse("stakeholders:join_request_decide", args=[organisation.pk, join_request.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(decide_url, {"decision": "decline"})
    join_request.refresh_from_db()
    assert join_request.state == "declined"
    assert not organisation.focal_points.filter(user=requester).exists()
    assert mail.outbox[0].to == ["bea@red.example"]
    assert "was declined" in mail.outbox[0].body
    # Decided: it leaves the focal point's page and cannot be decided again.
    assert "bea@red.example asked on" not in _page(client.get(_manage_url(organisation)))
    assert client.post(decide_url, {"decision": "approve"}).status_code == 404


def test_join_request_decide_without_decision_changes_nothing(focal_client, focal_point):
    join_request = JoinRequestFactory(organisation=focal_point.organisation)
    decide_url = reverse(
        "stakeholders:join_request_decide", args=[focal_point.organisation.pk, join_request.pk]
    )
    response = focal_client.post(decide_url, {"decision": "maybe"}, follow=True)
    assert "Choose to approve or to decline the request." in _page(response)
    join_request.refresh_from_db()
    assert join_request.state == "pending"


def test_join_by_current_focal_point_is_refused(focal_client, focal_point):
    AccreditationFactory(organisation=focal_point.organisation, state="admitted")
    join_url = reverse("stakeholders:join", args=[focal_point.organisation.pk])
    assert "You are already a focal point of this organisation." in _page(focal_client.get(join_url))
    response = focal_client.post(join_url, {"message": ""})
    assert response.status_code == 200
    assert "You are already a focal point of this organisation." in _page(response)
    assert not JoinRequest.objects.exists()


# --- Invitations, hand over, leave ----------------------------------------------------


def _invite(client, organisation, email, django_capture_on_commit_callbacks, hand_over=False) -> str:
    data = {"email": email, **({"hand_over": "on"} if hand_over else {})}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("stakeholders:invite", args=[organisation.pk]), data, follow=True)
    assert f"The invitation was sent to {email}." in _page(response)
    assert mail.outbox[-1].to == [email]
    url = re.search(r"https?://\S+/invitations/\S+/", mail.outbox[-1].body).group(0)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_invitation_accepted_by_invitee_makes_them_focal_point(
    client, focal_client, focal_point, django_capture_on_commit_callbacks
):
    organisation = focal_point.organisation
    url = _invite(focal_client, organisation, "carla@red.example", django_capture_on_commit_callbacks)
    assert "ana@red.example invites you to become a focal point of Red de Víctimas" in mail.outbox[-1].body
    assert "carla@red.example" in _page(focal_client.get(_manage_url(organisation)))

    invitee = UserFactory(email="carla@red.example")
    client.force_login(invitee)
    page = _page(client.get(url))
    assert "Invitation to manage Red de Víctimas" in page
    assert "ana@red.example" in page
    response = client.post(url)
    assert response["Location"] == _manage_url(organisation)
    assert set(organisation.focal_points.values_list("user__email", flat=True)) == {
        "ana@red.example",
        "carla@red.example",
    }
    assert Invitation.objects.get().accepted_at is not None
    # Used: the link answers 404 now.
    assert client.get(url).status_code == 404


def test_invitation_url_is_404_for_another_user(
    client, focal_client, focal_point, django_capture_on_commit_callbacks
):
    url = _invite(
        focal_client, focal_point.organisation, "carla@red.example", django_capture_on_commit_callbacks
    )
    client.force_login(UserFactory(email="mallory@elsewhere.example"))
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not focal_point.organisation.focal_points.filter(user__email="mallory@elsewhere.example").exists()
    assert Invitation.objects.get().accepted_at is None


def test_invitation_with_hand_over_removes_the_inviter(
    client, focal_client, focal_point, django_capture_on_commit_callbacks
):
    organisation = focal_point.organisation
    url = _invite(
        focal_client, organisation, "carla@red.example", django_capture_on_commit_callbacks, hand_over=True
    )
    assert "asks you to take over as focal point" in mail.outbox[-1].body
    client.force_login(UserFactory(email="carla@red.example"))
    assert "hands the organisation over to you" in _page(client.get(url))
    client.post(url)
    assert list(organisation.focal_points.values_list("user__email", flat=True)) == ["carla@red.example"]
    focal_client.force_login(focal_point.user)
    assert focal_client.get(_manage_url(organisation)).status_code == 404


def test_invite_current_focal_point_shows_error_next_to_email(focal_client, focal_point):
    response = focal_client.post(
        reverse("stakeholders:invite", args=[focal_point.organisation.pk]), {"email": "ANA@red.example"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "This person is already a focal point of the organisation."
    ]
    assert 'value="ANA@red.example"' in _page(response)
    assert not Invitation.objects.exists()


def test_invite_bad_email_shows_error_and_keeps_input(focal_client, focal_point):
    response = focal_client.post(
        reverse("stakeholders:invite", args=[focal_point.organisation.pk]), {"email": "carla-at-red"}
    )
    assert response.context["form"].errors["email"]
    assert 'value="carla-at-red"' in _page(response)
    assert not Invitation.objects.exists()


def test_leave_refused_for_the_last_focal_point(focal_client, focal_point):
    leave_url = reverse("stakeholders:leave", args=[focal_point.organisation.pk])
    assert "only focal point, and an organisation always has one" in _page(focal_client.get(leave_url))
    response = focal_client.post(leave_url)
    assert response.status_code == 200
    assert "invite someone to take over (hand over) before you leave" in _page(response)
    assert FocalPoint.objects.filter(pk=focal_point.pk).exists()


def test_leave_allowed_when_another_focal_point_remains(focal_client, focal_point):
    organisation = focal_point.organisation
    other = FocalPointFactory(organisation=organisation)
    response = focal_client.post(reverse("stakeholders:leave", args=[organisation.pk]), follow=True)
    assert response.redirect_chain[-1][0] == MINE
    assert "You no longer manage Red de Víctimas" in _page(response)
    assert list(organisation.focal_points.all()) == [other]
    assert focal_client.get(_manage_url(organisation)).status_code == 404


# --- Organisation details -------------------------------------------------------------


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


# --- Representatives ------------------------------------------------------------------


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
    assert "Remove New Name?" in _page(focal_client.get(remove_url))
    assert Representative.objects.filter(pk=representative.pk).exists()
    response = focal_client.post(remove_url, follow=True)
    assert "New Name is removed." in _page(response)
    assert not Representative.objects.filter(pk=representative.pk).exists()


# --- Accreditation --------------------------------------------------------------------


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


# --- Query counts ---------------------------------------------------------------------


@pytest.mark.parametrize("size", [2, 20])
def test_mine_runs_a_fixed_number_of_queries(client, user, size, django_assert_max_num_queries):
    for _ in range(size):
        organisation = FocalPointFactory(user=user).organisation
        AccreditationFactory(organisation=organisation, state="submitted")
        JoinRequestFactory(user=user)
    client.force_login(user)
    # Session, user, organisations, their accreditations, their applications and the
    # applications' dialogues, their comments, the user's join requests.
    with django_assert_max_num_queries(8):
        response = client.get(MINE)
    assert response.content.decode().count('class="card"') == size


@pytest.mark.parametrize("size", [2, 20])
def test_manage_runs_a_fixed_number_of_queries(
    focal_client, focal_point, size, django_assert_max_num_queries
):
    organisation = focal_point.organisation
    accreditation = AccreditationFactory(organisation=organisation, state="submitted")
    services.accreditation_return(accreditation=accreditation, by=None, note="Add the postal code.")
    for _ in range(size):
        RepresentativeFactory(organisation=organisation)
        FocalPointFactory(organisation=organisation)
        JoinRequestFactory(organisation=organisation)
    focal_client.get(_manage_url(organisation))  # content types cached, as in a running server
    # Session, user, organisation, accreditations, history, representatives, focal points,
    # join requests, invitations.
    with django_assert_max_num_queries(9):
        response = focal_client.get(_manage_url(organisation))
    assert response.content.decode().count('<th scope="row">Representative Person') == size
