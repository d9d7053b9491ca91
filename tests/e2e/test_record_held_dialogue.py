"""The secretariat records, in the browser, a 2023 dialogue of the Working Group on the
Smuggling of Migrants from nothing: the session, the dialogue as held, two Co-Chairs,
three organisations registered and admitted on their behalf, their applications and
attendance imported from an XLSX sign-in sheet, one comment received by e-mail; the
figures page counts them, and nobody is e-mailed."""

import re

from django.core import mail
from openpyxl import Workbook
from playwright.sync_api import expect

from dialogue_portal.demo import DEMO_PASSWORD
from dialogue_portal.demo import load as load_demo
from dialogue_portal.models import AuditEvent
from sessions.models import Attendance, Dialogue, Registration
from stakeholders.models import Accreditation, Organisation
from submissions.models import WrittenComment

from .test_every_page import AXE, Audit

ORGANISATIONS = [
    ("Migrant Rights at Sea", "MRS", "ngo", "GR"),
    ("Institute for Border Studies", "IBS", "academia", "MX"),
    ("Shipping Compliance Forum", "SCF", "private_sector", "SG"),
]
SHEET = [
    ("Migrant Rights at Sea", "Lena Sørensen", "lena@mrs.example", "Director", "yes"),
    ("MRS", "Omar Haddad", "omar@mrs.example", "Lawyer", "yes"),
    ("Institute for Border Studies", "Ana Lima", "ana@ibs.example", "Researcher", "yes"),
    ("SCF", "Tom Reed", "tom@scf.example", "Compliance Officer", "no"),
    ("SCF", "Kim Park", "kim@scf.example", "Analyst", "yes"),
]


def _sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile(r"^Password")).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("link", name="Sign out")).to_be_visible()


def _sheet(path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Constructive dialogue, 5 July 2023: sign-in sheet"])
    sheet.append(["Organisation", "Name", "E-mail", "Title", "Present"])
    for row in SHEET:
        sheet.append(list(row))
    workbook.save(path)
    return path


def _register_and_admit(page, name, acronym, category, country):
    """On the desk: the organisation registered on its behalf, its request received by
    letter in March 2023 and admitted on its ECOSOC status a week later."""
    page.goto("/staff/organisations/")
    page.get_by_role("main").get_by_role("link", name="Register an organisation").first.click()
    page.get_by_label(re.compile(r"^Name")).fill(name)
    page.get_by_label(re.compile(r"^Acronym")).fill(acronym)
    page.get_by_label(re.compile(r"^Category")).select_option(category)
    page.get_by_label(re.compile(r"^Country")).select_option(country)
    page.get_by_label(re.compile(r"^ECOSOC")).select_option("special")
    page.get_by_label(re.compile(r"^Postal address")).fill("1 Harbour Road")
    page.get_by_label(re.compile(r"^Work on the Convention")).fill("Research on the smuggling of migrants.")
    page.get_by_role("button", name="Register the organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{name} ({acronym})")
    page.get_by_role("link", name="Record a request for accreditation").click()
    page.get_by_label(re.compile(r"^Received on")).fill("2023-03-01")
    page.get_by_role("button", name="Record the request").click()
    page.get_by_role("link", name="Record what happened to the request").click()
    page.get_by_label("Admitted").check()
    page.get_by_label(re.compile(r"^On")).fill("2023-03-08")
    page.get_by_role("button", name="Record", exact=True).click()
    expect(page.get_by_role("main")).to_contain_text(f"The request of {name} is now admitted.")


def test_secretariat_records_a_2023_dialogue_from_nothing(
    page, live_server, transactional_db, settings, tmp_path
):
    settings.DEMO_ACCOUNTS = True
    load_demo(accounts=True)
    _sign_in(page, "secretariat@example.org")

    # Three organisations that wrote by letter, registered and admitted on their behalf.
    for organisation in ORGANISATIONS:
        _register_and_admit(page, *organisation)
    for name, *_rest in ORGANISATIONS:
        organisation = Organisation.objects.get(name=name)
        assert organisation.accreditations.get().state == Accreditation.State.ADMITTED
        assert AuditEvent.objects.filter(on_behalf_of=name).exists()

    # The session first, then the dialogue as held, with its real dates.
    page.goto("/staff/calendar/")
    page.get_by_role("link", name="Record a dialogue already held").click()
    page.get_by_role("link", name=re.compile("Add the session first")).click()
    page.get_by_label("Working group").select_option(label="Working Group on the Smuggling of Migrants")
    page.get_by_label("Number").fill("10")
    page.get_by_label("First day").fill("2023-07-03")
    page.get_by_label("Last day").fill("2023-07-05")
    page.get_by_role("button", name="Add the session").click()
    expect(page.get_by_role("heading", name="Record a dialogue already held")).to_be_visible()
    expect(page.get_by_label("Working-group session")).to_have_value(re.compile(r"\d+"))
    page.get_by_label(re.compile(r"^Date")).fill("2023-07-05")
    page.get_by_label("Start time").fill("15:00")
    page.get_by_label("End time").fill("18:00")
    page.get_by_label("Room").fill("Boardroom B")
    page.get_by_label("Deadline for applications").fill("2023-06-20T23:59")
    page.get_by_label("Deadline for written comments").fill("2023-06-27T23:59")
    page.get_by_label("Representatives per organisation").fill("3")
    page.get_by_role("button", name="Record the dialogue as held").click()
    expect(page.locator("main")).to_contain_text("The dialogue is recorded as held. Nobody was e-mailed.")
    dialogue = Dialogue.objects.get(session__number=10, session__working_group__name__contains="Smuggling")
    assert dialogue.state == Dialogue.State.HELD

    # Two Co-Chairs.
    page.get_by_role("link", name="Chairs", exact=True).first.click()
    for honorific, name, title, country in (
        ("Ms.", "Ana Ruiz", "Ambassador of Mexico to Austria", "Mexico"),
        ("Mr.", "Karl Berg", "Counsellor, Permanent Mission of Sweden", "Sweden"),
    ):
        page.get_by_label("Honorific").select_option(label=honorific)
        page.get_by_label("Name").fill(name)
        page.get_by_label("Title").fill(title)
        page.get_by_label("Country").select_option(label=country)
        page.get_by_role("button", name="Add the Chair").click()
        expect(page.locator("main")).to_contain_text(f"{honorific} {name} is added.")
    page.get_by_role("link", name="Back to recording").click()
    expect(page.locator("main")).to_contain_text("Ms. Ana Ruiz, Ambassador of Mexico to Austria (Mexico)")

    # The sign-in sheet: a preview, then the import.
    page.get_by_role("link", name="Import participants from a sign-in sheet").click()
    page.get_by_label("Sign-in sheet").set_input_files(_sheet(tmp_path / "sign-in.xlsx"))
    page.get_by_role("button", name="Preview the import").click()
    expect(page.locator("main")).to_contain_text("0 rows matched")
    expect(page.locator("main")).to_contain_text(
        "No such representative of the organisation: tick to add them."
    )
    page.get_by_label(re.compile("Add every person not yet on their organisation's list")).check()
    page.get_by_label("Applications received on").fill("2023-06-15")
    page.get_by_label("Applications approved on").fill("2023-06-22")
    # Their letters agreed to it: they are named in the public list of participants.
    page.get_by_label(re.compile("may be named in the public list")).check()
    page.get_by_role("button", name="Check again with these choices").click()
    # The preview answers a POST only, so the every-page walk cannot reach it: audited here.
    if AXE.exists():
        audit = Audit(AXE.read_text(), width=page.viewport_size["width"], check_scroll=True)
        audit.check(page, "import preview")
        page.set_viewport_size({"width": 390, "height": 800})
        audit.check(page, "import preview (phone)")
        page.set_viewport_size({"width": 1280, "height": 800})
        assert not audit.failures, audit.report()
    expect(page.locator("main")).to_contain_text("5 rows matched (3 organisations, 4 people present)")
    assert not Registration.objects.filter(dialogue=dialogue).exists()
    page.get_by_role("button", name="Import the 5 matched rows").click()
    expect(page.locator("main")).to_contain_text("3 organisations take part; 4 people marked present")

    # The figures, from attendance alone.
    figures = page.get_by_role("table").first
    for category, counts in (
        ("Non-governmental", r"1\s*2"),
        ("Academia", r"1\s*1"),
        ("Private sector", r"1\s*1"),
    ):
        expect(figures.get_by_role("row", name=re.compile(category))).to_have_text(
            re.compile(counts + r"\s*$")
        )
    expect(figures.get_by_role("row", name=re.compile("Total"))).to_have_text(
        re.compile(r"Total\s*3\s*4\s*$")
    )

    # A written comment that arrived by e-mail before the deadline, published then.
    page.goto(f"/staff/record/dialogues/{dialogue.pk}/")
    page.get_by_role("link", name="Record a written comment received by e-mail").click()
    page.get_by_label(re.compile(r"^Organisation")).select_option(label="Migrant Rights at Sea (MRS)")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label(re.compile(r"^Received on")).fill("2023-06-25T10:00")
    page.get_by_label(re.compile(r"^Title")).fill("Rescue at sea must never be criminalised")
    page.get_by_label(re.compile(r"^Comment")).fill(
        "Our teams documented pushbacks in the central Mediterranean."
    )
    page.get_by_label(re.compile(r"^The organisation consents")).check()
    page.get_by_label(re.compile(r"^Publication")).select_option("publish")
    page.get_by_label(re.compile(r"^Published on")).fill("2023-07-01T12:00")
    page.get_by_role("button", name="Record the comment").click()
    expect(page.get_by_role("main")).to_contain_text("is recorded, tracking number")
    comment = WrittenComment.objects.get(dialogue=dialogue)
    assert "2023" in comment.tracking_number
    assert comment.state == WrittenComment.State.PUBLISHED

    page.goto(f"/staff/dialogues/{dialogue.pk}/figures/")
    figures = page.get_by_role("table").first
    expect(figures.get_by_role("row", name=re.compile("Total"))).to_have_text(
        re.compile(r"Total\s*3\s*4\s*$")
    )
    assert Attendance.objects.filter(dialogue=dialogue).count() == 4
    assert set(Registration.objects.filter(dialogue=dialogue).values_list("state", flat=True)) == {
        Registration.State.APPROVED
    }
    # The public page: the dialogue as held, its Co-Chairs, its participants, the comment.
    page.goto(f"/dialogues/{dialogue.pk}/")
    expect(page.get_by_role("main")).to_contain_text("Ana Ruiz")
    expect(page.get_by_role("main")).to_contain_text("Institute for Border Studies")
    page.get_by_role("link", name="Published written comments on this dialogue").click()
    expect(page.get_by_role("main")).to_contain_text("Rescue at sea must never be criminalised")
    # Nobody was told of any of it: not the organisations, not their representatives.
    assert mail.outbox == []
