"""The public directory: admitted organisations only, filterable, in a fixed number of queries."""

import pytest
from django.urls import reverse

from stakeholders.models import Accreditation
from tests.factories import AccreditationFactory, OrganisationFactory, admitted_organisation

URL = reverse("stakeholders:directory")


def test_directory_lists_admitted_organisations_only(client, db):
    admitted_organisation(name="Admitted Alliance", acronym="AA", website="https://www.alliance.example/")
    for state in ("submitted", "returned", "circulated", "objected", "rejected", "withdrawn"):
        AccreditationFactory(state=state, organisation=OrganisationFactory(name=f"Pending {state}"))
    OrganisationFactory(name="Never requested")
    page = client.get(URL).content.decode()
    assert "<bdi>Admitted Alliance</bdi> (<bdi>AA</bdi>)" in page
    assert 'href="https://www.alliance.example/"' in page
    assert "Pending" not in page
    assert "Never requested" not in page
    assert "1 organisation" in page


def test_directory_filters_by_category_and_country(client, db):
    admitted_organisation(name="Kenyan NGO", category="ngo", country="KE")
    admitted_organisation(name="Kenyan University", category="academia", country="KE")
    admitted_organisation(name="Chilean University", category="academia", country="CL")
    page = client.get(URL, {"category": "academia", "country": "KE"}).content.decode()
    assert "Kenyan University" in page
    assert "Kenyan NGO" not in page
    assert "Chilean University" not in page
    # The country filter offers the countries of admitted organisations only.
    assert '<option value="CL">Chile</option>' in page


def test_directory_unknown_filter_value_shows_all_with_error_free_page(client, db):
    admitted_organisation(name="Kenyan NGO", country="KE")
    response = client.get(URL, {"country": "XX"})
    assert response.status_code == 200
    assert "Kenyan NGO" in response.content.decode()


def test_directory_withdrawn_admission_leaves_directory(client, db):
    organisation = admitted_organisation(name="Leaving League")
    Accreditation.objects.filter(organisation=organisation).update(state="withdrawn")
    assert "Leaving League" not in client.get(URL).content.decode()


@pytest.mark.parametrize("rows", [5, 50])
def test_directory_runs_fixed_number_of_queries(client, db, django_assert_max_num_queries, rows):
    for _ in range(rows):
        admitted_organisation()
    with django_assert_max_num_queries(4):
        response = client.get(URL)
    assert response.content.decode().count('<th scope="row">') == rows
