"""Taking part in a dialogue, in the browser: application, decision, attendance, figures."""

import datetime
import re

from django.core import mail
from playwright.sync_api import expect

from dialogue_portal.demo import DEMO_PASSWORD
from dialogue_portal.demo import load as load_demo
from sessions.demo import UPCOMING_DIALOGUE_ID
from sessions.models import Dialogue, WorkingGroupSession


def _sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile(r"^Password")).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("link", name="Sign out")).to_be_visible()


def test_application_to_attendance_and_figures(browser, live_server, transactional_db, settings):
    settings.DEMO_ACCOUNTS = True
    load_demo(accounts=True)
    upcoming = Dialogue.objects.get(pk=UPCOMING_DIALOGUE_ID)
    focal = browser.new_context(base_url=live_server.url).new_page()
    staff = browser.new_context(base_url=live_server.url).new_page()

    # The demo focal point applies for the upcoming dialogue.
    _sign_in(focal, "focal.point@example.org")
    focal.goto("/dialogues/apply/")
    focal.get_by_label(re.compile("Working Group on the Smuggling of Migrants")).check()
    focal.get_by_label(re.compile("Amina Okafor")).check()
    focal.get_by_label("Expertise on the topic").fill("Field research on migrant smuggling routes.")
    focal.get_by_role("button", name="Send the application").click()
    expect(focal.locator("main")).to_contain_text(re.compile("applied", re.IGNORECASE))

    # The secretariat records the Extended Bureau's approval.
    _sign_in(staff, "secretariat@example.org")
    staff.goto(f"/staff/dialogues/{upcoming.pk}/applications/")
    staff.get_by_role("link", name="Coalition for Safer Communities").click()
    staff.get_by_role("button", name="Approve the application").click()
    expect(staff.locator("main")).to_contain_text(re.compile("approved", re.IGNORECASE))

    # The representative's e-mail holds the meeting link; nobody else's does.
    to_representative = [m for m in mail.outbox if m.to == ["amina.okafor@safer-communities.example"]]
    assert len(to_representative) == 1
    assert upcoming.meeting_link in to_representative[0].body
    assert all(upcoming.meeting_link not in m.body for m in mail.outbox if m not in to_representative)

    # The day comes: the secretariat ticks the representative present.
    today = datetime.date.today()
    WorkingGroupSession.objects.filter(pk=upcoming.session_id).update(first_day=today, last_day=today)
    Dialogue.objects.filter(pk=upcoming.pk).update(date=today)
    staff.goto(f"/staff/dialogues/{upcoming.pk}/attendance/")
    staff.get_by_label(re.compile("Amina Okafor")).check()
    staff.get_by_role("button", name="Save attendance").click()
    expect(staff.get_by_label(re.compile("Amina Okafor"))).to_be_checked()

    # The figures count the organisation under its category, from attendance alone.
    staff.goto(f"/staff/dialogues/{upcoming.pk}/figures/")
    figures = staff.get_by_role("table").first
    expect(figures.get_by_role("row", name=re.compile("Non-governmental organization"))).to_contain_text("1")
    expect(figures.get_by_role("row", name=re.compile("Academia"))).to_contain_text("0")
    expect(figures.get_by_role("row", name=re.compile("Total"))).to_contain_text("1")
