"""What cannot be undone asks first, in the browser and without JavaScript: the secretariat
cancels a dialogue through its confirmation page, which asks the reason; the public page shows it."""

import re

from playwright.sync_api import expect

from dialogue_portal.demo import DEMO_PASSWORD
from dialogue_portal.demo import load as load_demo
from sessions.demo import UPCOMING_DIALOGUE_ID
from sessions.models import Dialogue


def test_cancelling_a_dialogue_asks_first_without_javascript(
    browser, live_server, transactional_db, settings
):
    settings.DEMO_ACCOUNTS = True
    load_demo(accounts=True)
    staff = browser.new_context(base_url=live_server.url, java_script_enabled=False).new_page()
    staff.goto("/accounts/login/")
    staff.get_by_label("Email").fill("secretariat@example.org")
    staff.get_by_label(re.compile(r"^Password")).fill(DEMO_PASSWORD)
    staff.get_by_role("button", name="Sign In").click()
    expect(staff.get_by_role("link", name="Sign out")).to_be_visible()

    staff.goto(f"/staff/dialogues/{UPCOMING_DIALOGUE_ID}/")
    staff.get_by_role("link", name="Cancel the dialogue").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Cancel the dialogue")
    expect(staff.locator("main")).to_contain_text("are e-mailed the cancellation with its reason")

    # The browser itself asks for the reason (the service refuses an empty one too).
    expect(staff.get_by_label("Reason for the cancellation")).to_have_attribute("required", "")
    assert Dialogue.objects.get(pk=UPCOMING_DIALOGUE_ID).state != Dialogue.State.CANCELLED

    staff.get_by_label("Reason for the cancellation").fill("The plenary ran over.")
    staff.get_by_role("button", name="Cancel the dialogue").click()
    expect(staff.locator("main")).to_contain_text("The dialogue is cancelled")

    staff.goto(f"/dialogues/{UPCOMING_DIALOGUE_ID}/")
    expect(staff.locator("main")).to_contain_text("The plenary ran over.")
    expect(staff.locator("main")).not_to_contain_text("Applications to take part")
