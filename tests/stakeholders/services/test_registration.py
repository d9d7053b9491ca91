"""The stakeholders' services: registering an organisation, and refusing a duplicate."""

import pytest

from stakeholders import services
from stakeholders.models import FocalPoint, Organisation
from tests.factories import OrganisationFactory, UserFactory

from .support import details, on_postgresql, run_at_once

# --- Registration and duplicates -----------------------------------------------------------


def test_organisation_register_creates_organisation_and_focal_point(db, user):
    organisation = services.organisation_register(user=user, **details())

    organisation.refresh_from_db()
    assert organisation.name == "Fundación Ñandú"
    assert organisation.name_key == "fundacion nandu"
    assert organisation.website_domain == "example.org"
    assert organisation.country.code == "AR"
    assert list(organisation.focal_points.values_list("user", flat=True)) == [user.pk]
    assert not organisation.accreditations.exists()


def test_organisation_register_same_folded_name_refused(db, user):
    existing = OrganisationFactory(name="fundacion nandu", website="https://nandu.example.net/")

    with pytest.raises(services.DuplicateOrganisation) as excinfo:
        services.organisation_register(
            user=user, **details(name="Fundación  Ñandú", website="https://other.example.com/")
        )

    assert excinfo.value.existing == existing
    assert list(excinfo.value.message_dict) == ["name"]
    assert "fundacion nandu" in excinfo.value.message_dict["name"][0]
    assert list(Organisation.objects.all()) == [existing]
    assert not FocalPoint.objects.filter(user=user).exists()


def test_organisation_register_same_registered_domain_refused(db, user):
    existing = OrganisationFactory(name="Example Watch", website="http://example.org")

    with pytest.raises(services.DuplicateOrganisation) as excinfo:
        services.organisation_register(
            user=user, **details(name="Another Name", website="https://www.example.org/about")
        )

    assert excinfo.value.existing == existing
    assert list(excinfo.value.message_dict) == ["website"]
    assert "Example Watch" in excinfo.value.message_dict["website"][0]
    assert list(Organisation.objects.all()) == [existing]
    assert not FocalPoint.objects.filter(user=user).exists()


def test_organisation_register_shared_host_page_not_a_match(db, user):
    first = OrganisationFactory(name="First Page NGO", website="https://www.facebook.com/first-ngo")

    second = services.organisation_register(
        user=user, **details(name="Second Page NGO", website="https://www.facebook.com/second-ngo")
    )

    assert set(Organisation.objects.all()) == {first, second}
    second.refresh_from_db()
    assert second.website_domain == ""
    assert second.website == "https://www.facebook.com/second-ngo"


def test_organisation_register_blog_on_same_platform_not_a_match(db, user):
    OrganisationFactory(name="First Blog NGO", website="https://first.blogspot.com")

    services.organisation_register(
        user=user, **details(name="Second Blog NGO", website="https://second.blogspot.com")
    )

    assert Organisation.objects.count() == 2


def test_organisation_update_keeps_own_name_and_website(db, user):
    organisation = OrganisationFactory(name="Fundación Ñandú", website="https://www.nandu.example.org/")
    organisation.acronym = "FUNAN"
    organisation.name = "FUNDACION  NANDU"

    services.organisation_update(organisation=organisation, by=user)

    organisation.refresh_from_db()
    assert organisation.acronym == "FUNAN"
    assert organisation.name == "FUNDACION  NANDU"
    assert organisation.name_key == "fundacion nandu"


def test_organisation_update_to_another_organisations_name_refused(db, user):
    other = OrganisationFactory(name="Transparency Watch")
    organisation = OrganisationFactory(name="Fundación Ñandú")
    organisation.name = "transparency  watch!"

    with pytest.raises(services.DuplicateOrganisation) as excinfo:
        services.organisation_update(organisation=organisation, by=user)

    assert excinfo.value.existing == other
    organisation.refresh_from_db()
    assert organisation.name == "Fundación Ñandú"


def test_organisation_update_to_another_organisations_domain_refused(db, user):
    other = OrganisationFactory(website="https://example.org/")
    organisation = OrganisationFactory(website="https://www.nandu.example.net/")
    organisation.website = "https://news.example.org/"

    with pytest.raises(services.DuplicateOrganisation) as excinfo:
        services.organisation_update(organisation=organisation, by=user)

    assert excinfo.value.existing == other
    assert list(excinfo.value.message_dict) == ["website"]
    organisation.refresh_from_db()
    assert organisation.website == "https://www.nandu.example.net/"


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_organisation_register_same_name_at_once_one_registered():
    first, second = UserFactory(), UserFactory()

    results = run_at_once(
        lambda: services.organisation_register(user=first, **details(website="https://a.example.net/")),
        lambda: services.organisation_register(
            user=second, **details(name="FUNDACION NANDU", website="https://b.example.net/")
        ),
    )

    registered = [r for r in results if isinstance(r, Organisation)]
    refused = [r for r in results if isinstance(r, services.DuplicateOrganisation)]
    assert len(registered) == 1
    assert len(refused) == 1
    assert refused[0].existing == registered[0]
    assert Organisation.objects.count() == 1
    assert FocalPoint.objects.count() == 1
