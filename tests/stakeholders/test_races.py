"""Edits of organisations and representatives racing the moves that depend on them: one
wins, the other is told, and nothing the winner did is undone.

The race tests run each pair at one barrier, on PostgreSQL, for several rounds; the
others replay the same interleaving one step after the other, on any database.
"""

import datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.urls import reverse
from django.utils import timezone

from dialogue_portal.models import AuditEvent
from sessions import services as session_services
from sessions.models import Dialogue
from stakeholders import services
from stakeholders.models import Accreditation, CirculationList, EcosocStatus, Organisation, Representative
from tests.concurrency import on_postgresql, refused, run_at_once, stagger
from tests.factories import (
    AccreditationFactory,
    AgendaItemFactory,
    CirculationListFactory,
    DialogueFactory,
    FocalPointFactory,
    OrganisationFactory,
    RegistrationFactory,
    RepresentativeFactory,
    SecretariatFactory,
    UserFactory,
)

ROUNDS = 20
State = Accreditation.State
FROZEN = "This stays as it was circulated to the States parties until the request is decided."
GONE = "This representative was removed meanwhile. Add them again if they still represent the organisation."


def open_list(reference: str) -> CirculationList:
    """A list that still takes requests: its deadline leaves the States parties 30 days and more."""
    today = timezone.localdate()
    return CirculationListFactory(
        reference=reference, circulated_on=today, deadline=today + datetime.timedelta(days=40)
    )


def circulation_seen(accreditation: Accreditation) -> str:
    """The organisation as the circulation recorded it (its audit row names the organisation)."""
    return AuditEvent.objects.for_object(accreditation).get(to_state=State.CIRCULATED).object_repr


# --- Organisation edits against accreditation moves ---------------------------------------


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_organisation_rename_against_circulation_one_after_the_other_each_round():
    user, secretariat = UserFactory(), SecretariatFactory()
    for round_ in range(ROUNDS):
        organisation = OrganisationFactory(name=f"Old Name {round_}", acronym="ON")
        accreditation = AccreditationFactory(organisation=organisation)
        circulation_list = open_list(f"NOP/RACE/{round_}")

        def edit(pk=organisation.pk, round_=round_):
            read = Organisation.objects.get(pk=pk)
            read.name = f"New Name {round_}"
            return lambda: services.organisation_update(organisation=read, by=user, fields=["name"])

        def circulate(pk=accreditation.pk, list_pk=circulation_list.pk):
            read = Accreditation.objects.select_related("organisation").get(pk=pk)
            on_list = CirculationList.objects.get(pk=list_pk)
            return lambda: services.accreditation_circulate(
                accreditation=read, circulation_list=on_list, by=secretariat
            )

        edited, circulated = run_at_once(edit, circulate, delays=stagger(round_))

        assert not refused(circulated), circulated
        accreditation.refresh_from_db()
        organisation.refresh_from_db()
        assert accreditation.state == State.CIRCULATED
        if refused(edited):
            # Circulated first: the States parties were sent the old name, and it stays.
            assert edited.message_dict["name"] == [FROZEN]
            assert organisation.name == f"Old Name {round_}"
        else:
            # Renamed first: the circulation sent the new name.
            assert organisation.name == f"New Name {round_}"
        assert circulation_seen(accreditation) == f"Accreditation of {organisation}"


def test_organisation_rename_after_circulation_is_refused_and_changes_nothing(db, user, secretariat):
    organisation = OrganisationFactory(name="Old Name", acronym="ON", postal_address="1 Old Street")
    accreditation = AccreditationFactory(organisation=organisation)
    read = Organisation.objects.get(pk=organisation.pk)  # the edit page, loaded before
    services.accreditation_circulate(
        accreditation=accreditation, circulation_list=open_list("NOP/2030/9"), by=secretariat
    )
    read.name, read.postal_address = "New Name", "2 New Street"

    with pytest.raises(ValidationError) as excinfo:
        services.organisation_update(organisation=read, by=user, fields=["name", "postal_address"])

    assert excinfo.value.message_dict["name"] == [FROZEN]
    assert "before the States parties (list NOP/2030/9)" in excinfo.value.message_dict[NON_FIELD_ERRORS][0]
    organisation.refresh_from_db()
    assert (organisation.name, organisation.postal_address) == ("Old Name", "1 Old Street")


def test_organisation_address_while_objected_is_saved(db, user):
    organisation = OrganisationFactory(postal_address="1 Old Street")
    AccreditationFactory(organisation=organisation, state=State.OBJECTED)
    organisation.postal_address = "2 New Street"

    services.organisation_update(organisation=organisation, by=user, fields=["postal_address"])

    organisation.refresh_from_db()
    assert organisation.postal_address == "2 New Street"


@pytest.mark.parametrize("state", [State.SUBMITTED, State.RETURNED, State.ADMITTED])
def test_organisation_rename_outside_circulation_is_saved(db, user, state):
    organisation = OrganisationFactory(name="Old Name")
    AccreditationFactory(organisation=organisation, state=state)
    organisation.name = "New Name"

    services.organisation_update(organisation=organisation, by=user, fields=["name"])

    organisation.refresh_from_db()
    assert (organisation.name, organisation.name_key) == ("New Name", "new name")


def test_organisation_update_writes_only_the_fields_changed(db, user):
    organisation = OrganisationFactory(name="Old Name", description="Old description.")
    first, second = (Organisation.objects.get(pk=organisation.pk) for _ in range(2))
    first.description = "New description."
    services.organisation_update(organisation=first, by=user, fields=["description"])
    second.name = "New Name"  # read before the first save: its description is the old one

    services.organisation_update(organisation=second, by=user, fields=["name"])

    organisation.refresh_from_db()
    assert (organisation.name, organisation.description) == ("New Name", "New description.")


def test_accreditation_admit_on_review_decides_on_the_stored_ecosoc_status(db, user, secretariat):
    organisation = OrganisationFactory(ecosoc_status=EcosocStatus.SPECIAL)
    accreditation = AccreditationFactory(organisation=organisation)
    read = Accreditation.objects.select_related("organisation").get(pk=accreditation.pk)
    organisation.ecosoc_status = EcosocStatus.NONE  # corrected by the focal point meanwhile
    services.organisation_update(organisation=organisation, by=user, fields=["ecosoc_status"])

    with pytest.raises(ValidationError) as excinfo:
        services.accreditation_admit(accreditation=read, by=secretariat)

    assert "Only organisations in consultative status with ECOSOC" in excinfo.value.messages[0]
    accreditation.refresh_from_db()
    assert accreditation.state == State.SUBMITTED


# --- Representative edits against their removal --------------------------------------------


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_representative_edit_against_removal_never_brings_them_back():
    user = UserFactory()
    for round_ in range(ROUNDS):
        representative = RepresentativeFactory(title="Programme Officer")

        def edit(pk=representative.pk):
            read = Representative.objects.get(pk=pk)
            read.title = "Director"
            return lambda: services.representative_save(representative=read, by=user, fields=["title"])

        def remove(pk=representative.pk):
            read = Representative.objects.get(pk=pk)
            return lambda: services.representative_remove(representative=read, by=user)

        edited, removed = run_at_once(edit, remove, delays=stagger(round_))

        assert not refused(removed), removed
        assert not Representative.objects.filter(pk=representative.pk).exists()
        if refused(edited):
            assert edited.messages == [GONE]


def test_representative_save_after_removal_is_refused_not_added_again(db, user):
    representative = RepresentativeFactory(title="Programme Officer")
    read = Representative.objects.get(pk=representative.pk)
    services.representative_remove(representative=representative, by=user)
    read.title = "Director"

    with pytest.raises(ValidationError) as excinfo:
        services.representative_save(representative=read, by=user, fields=["title"])

    assert excinfo.value.messages == [GONE]
    assert not Representative.objects.exists()


def test_representative_save_writes_only_the_fields_changed(db, user):
    representative = RepresentativeFactory(name="Ana Pérez", title="Programme Officer")
    first, second = (Representative.objects.get(pk=representative.pk) for _ in range(2))
    first.title = "Director"
    services.representative_save(representative=first, by=user, fields=["title"])
    second.name = "Ana PÉREZ LÓPEZ"

    services.representative_save(representative=second, by=user, fields=["name"])

    representative.refresh_from_db()
    assert (representative.name, representative.title) == ("Ana PÉREZ LÓPEZ", "Director")


def _speaker(organisation) -> Representative:
    """A representative who asked for the floor in a dialogue."""
    registration = RegistrationFactory(
        organisation=organisation,
        state="approved",
        dialogue=DialogueFactory(state=Dialogue.State.OPEN),
    )
    speaker = registration.representatives.order_by("pk").first()
    session_services.intervention_request(
        registration=registration,
        agenda_item=AgendaItemFactory(dialogue=registration.dialogue),
        speaker=speaker,
        by=None,
    )
    return speaker


def test_representative_remove_of_a_speaker_is_refused(db, user):
    organisation = OrganisationFactory()
    AccreditationFactory(organisation=organisation, state=State.ADMITTED)
    speaker = _speaker(organisation)

    with pytest.raises(ValidationError) as excinfo:
        services.representative_remove(representative=speaker, by=user)

    assert excinfo.value.messages == [
        f"{speaker.name} attended a dialogue or asked for the floor, and that record names them: "
        "they stay on the organisation's list."
    ]
    assert Representative.objects.filter(pk=speaker.pk).exists()


# --- The pages -------------------------------------------------------------------------------


@pytest.fixture
def focal_point(db):
    return FocalPointFactory(
        organisation__name="Red de Víctimas",
        organisation__acronym="RV",
        organisation__postal_address="1 Old Street",
    )


@pytest.fixture
def focal_client(client, focal_point):
    client.force_login(focal_point.user)
    return client


def _form_data(response) -> dict:
    """What the browser would post back: every field as the page shows it, with its initial."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else str(value)
        data[f"initial-{name}"] = data[name]
    return data


def _page(response) -> str:
    return response.content.decode()


def test_edit_page_renamed_after_circulation_shows_refusal_and_keeps_typed_text(
    focal_client, focal_point, secretariat
):
    organisation = focal_point.organisation
    accreditation = AccreditationFactory(organisation=organisation)
    url = reverse("stakeholders:edit", args=[organisation.pk])
    data = _form_data(focal_client.get(url))
    # The secretariat circulates the request while the focal point types.
    services.accreditation_circulate(
        accreditation=accreditation, circulation_list=open_list("NOP/2030/7"), by=secretariat
    )

    response = focal_client.post(
        url, {**data, "name": "Red Nacional de Víctimas", "postal_address": "2 New Street"}
    )

    assert response.status_code == 200
    page = _page(response)
    assert "The request for accreditation is before the States parties (list NOP/2030/7)" in page
    assert FROZEN in page
    assert 'value="Red Nacional de Víctimas"' in page
    assert "2 New Street" in page
    organisation.refresh_from_db()
    assert (organisation.name, organisation.postal_address) == ("Red de Víctimas", "1 Old Street")


def test_edit_page_while_circulated_says_what_stays_and_saves_the_address(focal_client, focal_point):
    organisation = focal_point.organisation
    AccreditationFactory(organisation=organisation, state=State.CIRCULATED)
    url = reverse("stakeholders:edit", args=[organisation.pk])
    response = focal_client.get(url)
    assert "stay as they were circulated; the postal address and the description can change" in _page(
        response
    )

    response = focal_client.post(url, {**_form_data(response), "postal_address": "2 New Street"})

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.postal_address == "2 New Street"


def test_edit_page_two_focal_points_at_once_each_keeps_their_change(client, focal_point):
    organisation = focal_point.organisation
    other = FocalPointFactory(organisation=organisation)
    url = reverse("stakeholders:edit", args=[organisation.pk])
    client.force_login(focal_point.user)
    mine = _form_data(client.get(url))
    client.force_login(other.user)
    theirs = _form_data(client.get(url))
    assert client.post(url, {**theirs, "description": "Their new description."}).status_code == 302

    client.force_login(focal_point.user)
    response = client.post(url, {**mine, "acronym": "RdV"})

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.acronym, organisation.description) == ("RdV", "Their new description.")


def test_representative_remove_page_of_a_speaker_shows_refusal(focal_client, focal_point):
    organisation = focal_point.organisation
    AccreditationFactory(organisation=organisation, state=State.ADMITTED)
    speaker = _speaker(organisation)
    url = reverse("stakeholders:representative_remove", args=[organisation.pk, speaker.pk])

    response = focal_client.post(url)

    assert response.status_code == 200
    assert "asked for the floor, and that record names them" in _page(response)
    assert Representative.objects.filter(pk=speaker.pk).exists()
