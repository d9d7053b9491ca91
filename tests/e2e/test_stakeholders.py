"""The accreditation journey in the browser: from sign-up to the public directory."""

import datetime
import re

from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from stakeholders.models import CirculationList
from tests.factories import SecretariatFactory


def _last_link(prefix: str) -> str:
    return re.search(rf"https?://\S+{prefix}\S+", mail.outbox[-1].body).group(0)


def test_signup_to_admission_under_non_objection(browser, live_server, transactional_db, password):
    secretariat = SecretariatFactory(email="officer@unodc.example.org")
    focal = browser.new_context(base_url=live_server.url).new_page()
    staff = browser.new_context(base_url=live_server.url).new_page()

    # A focal point signs up and verifies the e-mail address.
    focal.goto("/accounts/signup/")
    focal.get_by_label("Email").fill("amina@andes-ngo.example")
    focal.get_by_label(re.compile(r"^Password:?$")).fill(password)
    focal.get_by_label(re.compile(r"^Password \(again\)")).fill(password)
    focal.get_by_role("button", name="Sign Up").click()
    expect(focal.get_by_role("heading", level=1)).to_have_text("Verify Your Email Address")
    focal.goto(_last_link("/accounts/confirm-email/").replace("http://testserver", live_server.url))
    focal.get_by_role("button", name="Confirm").click()
    if "/accounts/login/" in focal.url:
        focal.get_by_label("Email").fill("amina@andes-ngo.example")
        focal.get_by_label("Password").fill(password)
        focal.get_by_role("button", name="Sign In").click()

    # … registers the organisation …
    focal.goto("/organisations/register/")
    focal.get_by_label("Name:", exact=True).fill("Red Andina contra el Tráfico de Armas")
    focal.get_by_label("Acronym").fill("RATA")
    focal.get_by_label("Category").select_option("ngo")
    focal.get_by_label("Country").select_option("PE")
    focal.get_by_label("ECOSOC consultative status").select_option("none")
    focal.get_by_label("Website").fill("https://www.red-andina.example/")
    focal.get_by_label("Postal address").fill("Av. Ejemplo 123, Lima")
    focal.get_by_label("Work on the Convention and its Protocols").fill("Research on firearms trafficking.")
    focal.get_by_role("button", name="Register the organisation").click()
    expect(focal.get_by_role("heading", level=1)).to_contain_text("Red Andina contra el Tráfico de Armas")

    # … and requests accreditation.
    focal.get_by_role("button", name="Request accreditation").click()
    expect(focal.locator(".badge-submitted")).to_be_visible()
    manage_url = focal.url

    # The secretariat circulates the request to the States parties.
    staff.goto("/accounts/login/")
    staff.get_by_label("Email").fill(secretariat.email)
    staff.get_by_label("Password").fill(password)
    staff.get_by_role("button", name="Sign In").click()
    staff.goto("/staff/circulation-lists/")
    staff.get_by_label("Reference").fill("NOP/2026/7")
    staff.get_by_label("Red Andina contra el Tráfico de Armas (RATA)").check()
    staff.get_by_role("button", name="Create the list").click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text("NOP/2026/7")

    focal.goto(manage_url)
    expect(focal.locator(".badge-circulated")).to_be_visible()

    # The deadline passes with no objection; the nightly job admits the organisation.
    today = datetime.date.today()
    CirculationList.objects.filter(reference="NOP/2026/7").update(
        circulated_on=today - datetime.timedelta(days=32), deadline=today - datetime.timedelta(days=1)
    )
    call_command("run_due_tasks", stdout=open("/dev/null", "w"))  # noqa: SIM115

    focal.goto(manage_url)
    expect(focal.locator(".badge-admitted")).to_have_text("Admitted")
    assert "is admitted as an observer" in mail.outbox[-1].body

    focal.goto("/organisations/")
    expect(
        focal.get_by_role("row", name=re.compile("Red Andina contra el Tráfico de Armas"))
    ).to_contain_text("Peru")
