"""Importing a dialogue's participants from its sign-in sheet (XLSX or CSV): the preview
matches each row, says what is unmatched and why, and what is ambiguous, and stores
nothing; the confirmation records the applications (approved) and the attendance, in one
go, without e-mail; the figures count them."""

import datetime
import html
import io
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from post_office.models import Email

from dialogue_portal.models import AuditEvent
from sessions import imports
from sessions.models import Attendance, Dialogue, Registration
from sessions.selectors import participation_figures
from stakeholders.models import Representative
from tests.factories import (
    DialogueFactory,
    HeldDialogueFactory,
    OrganisationFactory,
    RegistrationFactory,
    RepresentativeFactory,
    admitted_organisation,
    vienna,
)

HEADINGS = ["Organisation", "Name", "E-mail", "Title", "Present"]


def _text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def xlsx(rows, headings=HEADINGS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Sign-in sheet, constructive dialogue"])  # a title above the table
    sheet.append([])
    sheet.append(headings)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def world(db):
    """A held dialogue, and organisations each row of the sheet below tests."""
    dialogue = HeldDialogueFactory()
    alpha = admitted_organisation(name="Alpha Network", acronym="ALN")
    jane = RepresentativeFactory(organisation=alpha, name="Jane Doe", email="jane@alpha.example")
    beta = admitted_organisation(name="Bêta Aid", acronym="BA")
    OrganisationFactory(name="Gamma Watch", acronym="GW")  # registered, not admitted
    first = admitted_organisation(name="Delta North", acronym="DUP")
    second = admitted_organisation(name="Delta South", acronym="DUP")
    RepresentativeFactory(organisation=first, name="Ola Nord", email="ola@north.example")
    return {
        "dialogue": dialogue,
        "alpha": alpha,
        "jane": jane,
        "beta": beta,
        "first": first,
        "second": second,
    }


SHEET = [
    ("alpha network", "JANE DOE", "", "", "yes"),  # 4: matched by folded name, rep by name
    ("BETA AID", "Tom Beta", "tom@beta.example", "Director", ""),  # 5: no such rep: may be added
    ("Gamma Watch", "Gil Gamma", "gil@gamma.example", "", ""),  # 6: not admitted
    ("Nowhere Org", "No Body", "no@where.example", "", ""),  # 7: no such organisation
    ("DUP", "Ola Nord", "ola@north.example", "", ""),  # 8: two organisations go by DUP
    ("BA", "Ann Absent", "", "", "no"),  # 9: no e-mail: cannot be added
]


def _upload(client, dialogue, name, data):
    return client.post(
        reverse("staff_import", args=[dialogue.pk]), {"file": SimpleUploadedFile(name, data)}, follow=False
    )


def _statuses(response):
    return {match.row.number: (match.status, match.reason) for match in response.context["matches"]}


def _nothing_stored(representatives_before):
    assert not Registration.objects.exists()
    assert not Attendance.objects.exists()
    assert Representative.objects.count() == representatives_before
    assert not AuditEvent.objects.filter(content_type__model="registration").exists()


def test_xlsx_preview_matches_and_explains_and_stores_nothing(secretariat_client, world):
    before = Representative.objects.count()
    response = _upload(secretariat_client, world["dialogue"], "sign-in.xlsx", xlsx(SHEET))

    assert response.status_code == 200
    statuses = _statuses(response)
    assert statuses[4] == (imports.MATCHED, "")
    assert statuses[5][0] == imports.UNMATCHED
    assert "tick to add them" in statuses[5][1]
    assert statuses[6][0] == imports.UNMATCHED
    assert "Not admitted" in statuses[6][1]
    assert statuses[7][0] == imports.UNMATCHED
    assert "No such organisation" in statuses[7][1]
    assert statuses[8][0] == imports.AMBIGUOUS
    assert statuses[9][0] == imports.UNMATCHED
    assert "no valid e-mail" in statuses[9][1]
    page = _text(response)
    assert "1 rows matched (1 organisations, 1 people present), 4 unmatched, 1 ambiguous" in page
    assert "Delta North (DUP, KE)" in page
    assert "Delta South (DUP, KE)" in page
    assert "Add Tom Beta (tom@beta.example) to the representatives of Bêta Aid" in page
    _nothing_stored(before)


def test_confirmed_import_records_applications_and_attendance_without_mail(
    secretariat_client, secretariat, world
):
    dialogue = world["dialogue"]
    preview = _upload(secretariat_client, dialogue, "sign-in.xlsx", xlsx(SHEET))
    rows = preview.context["form"].initial["rows"]
    response = secretariat_client.post(
        reverse("staff_import_confirm", args=[dialogue.pk]),
        {
            "rows": rows,
            "received_on": "2023-04-20",
            "decided_on": "2023-04-24",
            "create_5": "on",
            "choice_8": str(world["first"].pk),
            "import": "1",
        },
        follow=True,
    )

    assert (
        "3 organisations take part; 3 people marked present; 3 rows left out. Nobody was e-mailed."
        in _text(response)
    )
    registrations = Registration.objects.filter(dialogue=dialogue)
    assert {(r.organisation.name, r.state) for r in registrations} == {
        ("Alpha Network", Registration.State.APPROVED),
        ("Bêta Aid", Registration.State.APPROVED),
        ("Delta North", Registration.State.APPROVED),
    }
    alpha = registrations.get(organisation=world["alpha"])
    assert alpha.applied_at == vienna(datetime.date(2023, 4, 20), 12, 0)
    assert alpha.decided_at == vienna(datetime.date(2023, 4, 24), 12, 0)
    tom = Representative.objects.get(email="tom@beta.example")
    assert (tom.organisation, tom.title) == (world["beta"], "Director")
    present = set(Attendance.objects.filter(dialogue=dialogue).values_list("representative__name", flat=True))
    assert present == {"Jane Doe", "Tom Beta", "Ola Nord"}
    event = AuditEvent.objects.for_object(alpha).order_by("id").first()
    assert (event.actor, event.on_behalf_of) == (secretariat, "Alpha Network")
    assert event.occurred_at == alpha.applied_at
    assert mail.outbox == []
    assert not Email.objects.exists()
    figures = participation_figures(dialogue)
    assert (figures.organisations, figures.people) == (3, 3)
    page = _text(secretariat_client.get(reverse("staff_figures", args=[dialogue.pk])))
    assert "Total 3 3" in page


def test_csv_with_semicolons_and_other_headings_is_read(secretariat_client, world):
    data = "Organization;Full name;Email address;Attended\r\nALN;Jane Doe;jane@alpha.example;yes\r\n"
    response = _upload(secretariat_client, world["dialogue"], "list.CSV", data.encode("cp1252"))

    (match,) = response.context["matches"]
    assert match.is_matched
    assert match.representative == world["jane"]


def test_imported_organisations_named_in_public_only_if_ticked(secretariat_client, world):
    dialogue = world["dialogue"]
    data = "organisation,name,email\nAlpha Network,Jane Doe,\nBA,Tom Beta,tom@beta.example\n"
    for ticked, organisation in ((False, "alpha"), (True, "beta")):
        rows = data.splitlines()
        sheet = "\n".join([rows[0], rows[1 if organisation == "alpha" else 2]]).encode()
        preview = _upload(secretariat_client, dialogue, "s.csv", sheet)
        fields = {"rows": preview.context["form"].initial["rows"], "create_all": "on", "import": "1"}
        fields |= {"received_on": "2023-04-20", "decided_on": "2023-04-20"}
        secretariat_client.post(
            reverse("staff_import_confirm", args=[dialogue.pk]),
            fields | ({"may_be_named": "on"} if ticked else {}),
        )
    named = dict(Registration.objects.values_list("organisation__name", "may_be_named"))
    assert named == {"Alpha Network": False, "Bêta Aid": True}
    public = _text(secretariat_client.get(reverse("dialogue_detail", args=[dialogue.pk])))
    assert "Bêta Aid" in public
    assert "Alpha Network" not in public


def test_csv_row_not_present_is_registered_without_attendance(secretariat_client, world):
    dialogue = world["dialogue"]
    data = "organisation,name,email,present\nAlpha Network,Jane Doe,,no\n"
    preview = _upload(secretariat_client, dialogue, "list.csv", data.encode())
    secretariat_client.post(
        reverse("staff_import_confirm", args=[dialogue.pk]),
        {
            "rows": preview.context["form"].initial["rows"],
            "received_on": "2023-04-20",
            "decided_on": "2023-04-20",
            "import": "1",
        },
    )
    assert Registration.objects.get().state == Registration.State.APPROVED
    assert not Attendance.objects.exists()


def test_choice_made_and_checked_again_before_importing(secretariat_client, world):
    dialogue = world["dialogue"]
    preview = _upload(secretariat_client, dialogue, "s.xlsx", xlsx([SHEET[4]]))
    response = secretariat_client.post(
        reverse("staff_import_confirm", args=[dialogue.pk]),
        {
            "rows": preview.context["form"].initial["rows"],
            "received_on": "2023-04-20",
            "decided_on": "2023-04-20",
            "choice_4": str(world["first"].pk),
            "check": "1",
        },
    )
    assert _statuses(response) == {4: (imports.MATCHED, "")}
    assert not Registration.objects.exists()


def test_tampered_preview_imports_nothing(secretariat_client, world):
    dialogue = world["dialogue"]
    preview = _upload(secretariat_client, dialogue, "s.xlsx", xlsx(SHEET[:1]))
    rows = preview.context["form"].initial["rows"]
    response = secretariat_client.post(
        reverse("staff_import_confirm", args=[dialogue.pk]),
        {"rows": rows[:-2] + "xx", "received_on": "2023-04-20", "decided_on": "2023-04-20", "import": "1"},
        follow=True,
    )
    assert "The preview was not sent whole" in _text(response)
    assert not Registration.objects.exists()


def test_preview_of_another_dialogue_refused(secretariat_client, world):
    preview = _upload(secretariat_client, world["dialogue"], "s.xlsx", xlsx(SHEET[:1]))
    other = HeldDialogueFactory()
    response = secretariat_client.post(
        reverse("staff_import_confirm", args=[other.pk]),
        {
            "rows": preview.context["form"].initial["rows"],
            "received_on": "2023-04-20",
            "decided_on": "2023-04-20",
            "import": "1",
        },
        follow=True,
    )
    assert "another upload" in _text(response)
    assert not Registration.objects.exists()


def test_import_for_a_dialogue_not_held_refused(secretariat_client, world):
    dialogue = DialogueFactory(
        state=Dialogue.State.CLOSED,
        session=world["dialogue"].session,
        date=world["dialogue"].date,
        room="Another room",
    )
    preview = _upload(secretariat_client, dialogue, "s.xlsx", xlsx(SHEET[:1]))
    response = secretariat_client.post(
        reverse("staff_import_confirm", args=[dialogue.pk]),
        {
            "rows": preview.context["form"].initial["rows"],
            "received_on": "2023-04-20",
            "decided_on": "2023-04-20",
            "import": "1",
        },
    )
    assert "Mark the dialogue as held first" in _text(response)
    assert not Registration.objects.exists()


def test_existing_application_is_approved_and_names_who_may_attend(secretariat_client, world):
    dialogue = world["dialogue"]
    registration = RegistrationFactory(
        dialogue=dialogue, organisation=world["alpha"], representatives=[world["jane"]]
    )
    Registration.objects.filter(pk=registration.pk).update(applied_at=vienna(datetime.date(2023, 4, 1)))
    RepresentativeFactory(organisation=world["alpha"], name="Max Other", email="max@alpha.example")
    data = "organisation,name,email\nALN,Jane Doe,\nALN,Max Other,\n"
    preview = _upload(secretariat_client, dialogue, "s.csv", data.encode())
    statuses = _statuses(preview)
    assert statuses[2] == (imports.MATCHED, "")
    assert "Not named in the organisation's application" in statuses[3][1]
    secretariat_client.post(
        reverse("staff_import_confirm", args=[dialogue.pk]),
        {
            "rows": preview.context["form"].initial["rows"],
            "received_on": "2023-04-20",
            "decided_on": "2023-04-22",
            "import": "1",
        },
    )
    registration.refresh_from_db()
    assert registration.state == Registration.State.APPROVED
    assert Registration.objects.count() == 1
    assert list(Attendance.objects.values_list("representative__name", flat=True)) == ["Jane Doe"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("list.pdf", b"%PDF", "Upload a CSV file"),
        ("list.xlsx", b"not a zip", "not an Excel workbook"),
        ("list.csv", b"", "empty"),
        ("list.csv", b"\n\n", "The file is empty"),
        ("list.csv", b"who,where\nA,B\n", "missing: organisation, name"),
    ],
)
def test_unreadable_file_refused_next_to_the_field(secretariat_client, world, name, data, message):
    response = _upload(secretariat_client, world["dialogue"], name, data)
    assert response.status_code == 200
    assert message in _text(response)
    assert "Expected columns" in _text(response)


def test_read_sheet_skips_blank_rows_and_numbers_rows_as_the_sheet_does():
    rows = imports.read_sheet(
        name="a.xlsx", data=xlsx([("ALN", "Jane Doe", "", "", ""), ("", "", "", "", "")])
    )
    assert rows == [imports.SheetRow(number=4, organisation="ALN", name="Jane Doe")]
    with pytest.raises(ValidationError):
        imports.read_sheet(name="a.xlsx", data=b"x" * (imports.MAX_BYTES + 1))


def test_template_lists_the_expected_columns(secretariat_client, world):
    response = secretariat_client.get(reverse("staff_import_template"))
    assert response["Content-Type"].startswith("text/csv")
    rows = imports.read_sheet(name="t.csv", data=response.content)
    assert rows[0].organisation == "Example Network"
    upload_page = _text(secretariat_client.get(reverse("staff_import", args=[world["dialogue"].pk])))
    for column, _help in imports.COLUMN_HELP:
        assert column in upload_page


@pytest.mark.parametrize("count", [4, 40])
def test_preview_runs_a_fixed_number_of_queries(
    secretariat_client, world, django_assert_max_num_queries, count
):
    for n in range(count):
        organisation = admitted_organisation(name=f"Network {n:02d}")
        RepresentativeFactory(organisation=organisation, name=f"Person {n}", email=f"p{n}@net.example")
    sheet = [(f"Network {n:02d}", f"Person {n}", f"p{n}@net.example", "", "") for n in range(count)]
    data = xlsx(sheet)
    with django_assert_max_num_queries(14):
        response = _upload(secretariat_client, world["dialogue"], "s.xlsx", data)
    assert len(response.context["matched"]) == count


def test_every_unknown_representative_added_at_once(secretariat_client, world):
    dialogue = world["dialogue"]
    data = "organisation,name,email\nBA,Tom Beta,tom@beta.example\nBA,Una Beta,una@beta.example\n"
    preview = _upload(secretariat_client, dialogue, "s.csv", data.encode())
    assert "Add every person not yet on their organisation's list" in _text(preview)
    response = secretariat_client.post(
        reverse("staff_import_confirm", args=[dialogue.pk]),
        {
            "rows": preview.context["form"].initial["rows"],
            "received_on": "2023-04-20",
            "decided_on": "2023-04-20",
            "create_all": "on",
            "check": "1",
        },
    )
    assert [match.status for match in response.context["matches"]] == [imports.MATCHED, imports.MATCHED]
    assert not Representative.objects.filter(organisation=world["beta"]).exists()


def test_confirming_the_same_import_again_doubles_nothing(secretariat_client, world):
    dialogue = world["dialogue"]
    preview = _upload(secretariat_client, dialogue, "sign-in.xlsx", xlsx(SHEET))
    data = {
        "rows": preview.context["form"].initial["rows"],
        "received_on": "2023-04-20",
        "decided_on": "2023-04-24",
        "create_5": "on",
        "choice_8": str(world["first"].pk),
        "import": "1",
    }
    url = reverse("staff_import_confirm", args=[dialogue.pk])
    secretariat_client.post(url, data, follow=True)
    stored = (
        Registration.objects.filter(dialogue=dialogue).count(),
        Attendance.objects.filter(dialogue=dialogue).count(),
        Representative.objects.count(),
    )

    again = secretariat_client.post(url, data, follow=True)

    # What the first stored is matched again: the same figures, nothing doubled.
    assert "3 organisations take part; 3 people marked present" in _text(again)
    assert (
        Registration.objects.filter(dialogue=dialogue).count(),
        Attendance.objects.filter(dialogue=dialogue).count(),
        Representative.objects.count(),
    ) == stored
