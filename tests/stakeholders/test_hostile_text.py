"""Text that would break a feed, an e-mail subject or a CSV row, typed on the organisation
pages: refused next to its field with the character named, and nothing saved; a name
stored with such text before (or through the shell) still gives a CSV of one line a row."""

import csv
import io
import re

import pytest
from django.urls import reverse

from stakeholders.models import Accreditation, JoinRequest, Objection, Organisation, Representative
from tests.factories import (
    AccreditationFactory,
    CirculationListFactory,
    FocalPointFactory,
    RepresentativeFactory,
    admitted_organisation,
)

State = Accreditation.State
CONTROL = "\x0b"
REFUSAL = "This text contains a control character (U+000B) after “"


def _page(response) -> str:
    return response.content.decode()


def assert_refused_next_to(response, field_id: str, wording: str = REFUSAL) -> None:
    """The page is shown again with the refusal in the field's own error list."""
    assert response.status_code == 200
    match = re.search(rf'id="{field_id}_error"[^>]*>(.*?)</(?:ul|div)>', _page(response), re.S)
    assert match, f"no error next to {field_id}"
    assert wording in match.group(1)


def _organisation_data(**changes) -> dict:
    return {
        "name": "Observatorio de Armas Pequeñas",
        "acronym": "OAP",
        "category": "ngo",
        "country": "AR",
        "ecosoc_status": "none",
        "website": "https://www.oap.example/",
        "postal_address": "Avenida de Mayo 1\r\nBuenos Aires",
        "description": "Research on firearms.\r\n\r\n\tAnd on their trafficking.",
        **changes,
    }


ORGANISATION_TEXT = {
    "name": "Observatorio de\x0bArmas",
    "acronym": "O\x0bAP",
    "website": "https://www.oap.example/a\x0bb",
    "postal_address": "Avenida de Mayo 1\x0bBuenos Aires",
    "description": "Research on\x0bfirearms.",
}


@pytest.fixture
def focal_point(db):
    return FocalPointFactory(organisation__name="Red de Víctimas")


@pytest.fixture
def focal_client(client, focal_point):
    client.force_login(focal_point.user)
    return client


# --- Registering and editing an organisation -------------------------------------------


@pytest.mark.parametrize(("field", "value"), ORGANISATION_TEXT.items(), ids=list(ORGANISATION_TEXT))
def test_register_with_a_control_character_is_refused_next_to_the_field(client, user, field, value):
    client.force_login(user)
    response = client.post(reverse("stakeholders:register"), _organisation_data(**{field: value}))
    assert_refused_next_to(response, f"id_{field}")
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    "name", ["Red de Víctimas\nde Armas", "Red de Víctimas\r\nde Armas", "Red\u2028Víctimas"]
)
def test_register_with_a_multi_line_name_is_refused(client, user, name):
    client.force_login(user)
    response = client.post(reverse("stakeholders:register"), _organisation_data(name=name))
    assert_refused_next_to(response, "id_name", "This field takes a single line: remove the line break (U+")
    assert not Organisation.objects.exists()


def test_register_keeps_the_line_breaks_and_tabs_of_the_address_and_description(client, user):
    client.force_login(user)
    response = client.post(reverse("stakeholders:register"), _organisation_data())
    assert response.status_code == 302
    organisation = Organisation.objects.get()
    assert organisation.postal_address == "Avenida de Mayo 1\r\nBuenos Aires"
    assert "\tAnd on their trafficking." in organisation.description


@pytest.mark.parametrize(("field", "value"), ORGANISATION_TEXT.items(), ids=list(ORGANISATION_TEXT))
def test_edit_with_a_control_character_changes_nothing(focal_client, focal_point, field, value):
    organisation = focal_point.organisation
    before = {name: getattr(organisation, name) for name in ORGANISATION_TEXT}
    response = focal_client.post(
        reverse("stakeholders:edit", args=[organisation.pk]), _organisation_data(**{field: value})
    )
    assert_refused_next_to(response, f"id_{field}")
    organisation.refresh_from_db()
    assert {name: getattr(organisation, name) for name in ORGANISATION_TEXT} == before


def test_edit_to_a_multi_line_name_is_refused(focal_client, focal_point):
    organisation = focal_point.organisation
    response = focal_client.post(
        reverse("stakeholders:edit", args=[organisation.pk]), _organisation_data(name="Red de\nVíctimas")
    )
    assert_refused_next_to(
        response, "id_name", "This field takes a single line: remove the line break (U+000A) after “Red de”."
    )
    organisation.refresh_from_db()
    assert organisation.name == "Red de Víctimas"


# --- Representatives, joining and inviting ----------------------------------------------

REPRESENTATIVE_TEXT = {
    "name": "María José\x0bPÉREZ",
    "title": "Director\x0bGeneral",
    "email": "mj\x0b@red.example",
}


@pytest.mark.parametrize(("field", "value"), REPRESENTATIVE_TEXT.items(), ids=list(REPRESENTATIVE_TEXT))
def test_representative_with_a_control_character_is_refused(focal_client, focal_point, field, value):
    organisation = focal_point.organisation
    data = {"name": "María José PÉREZ", "title": "Director", "email": "mj@red.example", "gender": ""}
    response = focal_client.post(
        reverse("stakeholders:representative_add", args=[organisation.pk]), {**data, field: value}
    )
    assert_refused_next_to(response, f"id_{field}")
    assert not Representative.objects.exists()

    representative = RepresentativeFactory(organisation=organisation, name="Old Name", title="Old Title")
    response = focal_client.post(
        reverse("stakeholders:representative_edit", args=[organisation.pk, representative.pk]),
        {**data, field: value},
    )
    assert_refused_next_to(response, f"id_{field}")
    representative.refresh_from_db()
    assert (representative.name, representative.title) == ("Old Name", "Old Title")


def test_join_request_message_with_a_control_character_is_refused(client, user):
    organisation = admitted_organisation()
    client.force_login(user)
    response = client.post(
        reverse("stakeholders:join", args=[organisation.pk]), {"message": "I am the\x0bdirector."}
    )
    assert_refused_next_to(response, "id_message")
    assert not JoinRequest.objects.exists()


def test_invitation_to_an_address_with_a_control_character_is_refused(focal_client, focal_point):
    organisation = focal_point.organisation
    response = focal_client.post(
        reverse("stakeholders:invite", args=[organisation.pk]), {"email": "new\x0bfocal@red.example"}
    )
    assert_refused_next_to(response, "id_email")
    assert not organisation.invitations.exists()


# --- The secretariat's decisions ----------------------------------------------------------


def _action(secretariat_client, accreditation, action: str, **data):
    url = reverse("stakeholders:staff_accreditation_action", args=[accreditation.pk, action])
    return secretariat_client.post(url, data, follow=True)


@pytest.mark.parametrize(
    ("action", "field", "state"),
    [
        ("return", "note", State.SUBMITTED),
        ("reject", "reason", State.SUBMITTED),
        ("admit", "note", State.OBJECTED),
        ("object", "note", State.CIRCULATED),
    ],
)
def test_decision_with_a_control_character_in_its_reason_is_refused(secretariat_client, action, field, state):
    accreditation = AccreditationFactory(state=state)
    data = {field: "Give the full\x0baddress."}
    if action == "object":
        data |= {"state_party": "FR", "made_on": accreditation.circulation_list.circulated_on.isoformat()}
    response = _action(secretariat_client, accreditation, action, **data)
    assert_refused_next_to(response, f"id_{action}_{field}")
    accreditation.refresh_from_db()
    assert (accreditation.state, accreditation.message) == (state, "")
    assert not Objection.objects.exists()


def test_circulation_list_with_a_control_character_in_its_reference_is_refused(secretariat_client):
    from stakeholders.models import CirculationList

    response = secretariat_client.post(
        reverse("stakeholders:staff_circulation_lists"),
        {"reference": "NOP/2031\x0b/1", "circulated_on": "2031-01-01", "deadline": "2031-02-15"},
    )
    assert_refused_next_to(response, "id_reference")
    assert not CirculationList.objects.exists()


# --- What was stored before -------------------------------------------------------------------


def test_circulation_list_csv_gives_one_line_a_row_whatever_a_name_holds(secretariat_client):
    circulation_list = CirculationListFactory(reference="NOP/2031/7")
    # Stored as they may be from before the forms refused them: straight into the table.
    for name, acronym in (("Red de Víctimas\r\nde Armas", "R\x0bV"), ("Observatorio\x0bde Armas", "OA")):
        accreditation = AccreditationFactory(state=State.CIRCULATED, circulation_list=circulation_list)
        Organisation.objects.filter(pk=accreditation.organisation_id).update(name=name, acronym=acronym)
    response = secretariat_client.get(
        reverse("stakeholders:staff_circulation_list_csv", args=[circulation_list.pk])
    )
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert sorted((row[0], row[1]) for row in rows[1:]) == [
        ("Observatorio de Armas", "OA"),
        ("Red de Víctimas de Armas", "R V"),
    ]
    # One line a row: a spreadsheet or a line-based reader sees three rows, not four.
    assert text.count("\r\n") == len(rows) == 3
    assert "\x0b" not in text
