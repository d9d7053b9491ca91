"""The focal point's organisation pages: registering, the list of one's organisations, their query
counts."""

import re

import pytest
from django.urls import reverse

from stakeholders import services
from stakeholders.models import FocalPoint, Organisation
from tests.factories import (
    AccreditationFactory,
    FocalPointFactory,
    JoinRequestFactory,
    OrganisationFactory,
    RepresentativeFactory,
)

from .support import MINE, REGISTER, _manage_url, _organisation_data, _page

# --- Register ------------------------------------------------------------------------------


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


# --- Mine ----------------------------------------------------------------------------------


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
    assert "<bdi>Gamma Group</bdi>: asked on" in page
    assert "Delta Decided" not in page
    assert "Someone Else" not in page
    assert f'href="{REGISTER}"' in page


# --- Query counts --------------------------------------------------------------------------


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
    assert response.content.decode().count('<th scope="row"><bdi>Representative Person') == size
