"""A written comment in the browser: written with a PDF, submitted, published, found and downloaded."""

import re

from playwright.sync_api import expect

from dialogue_portal.demo import DEMO_PASSWORD
from dialogue_portal.demo import load as load_demo
from sessions.demo import UPCOMING_DIALOGUE_ID
from submissions.demo import annex_pdf


def _sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile(r"^Password")).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("link", name="Sign out")).to_be_visible()


def test_comment_written_submitted_published_found_downloaded(
    browser, live_server, transactional_db, settings
):
    settings.DEMO_ACCOUNTS = True
    load_demo(accounts=True)
    focal = browser.new_context(base_url=live_server.url).new_page()
    staff = browser.new_context(base_url=live_server.url).new_page()
    visitor = browser.new_context(base_url=live_server.url, accept_downloads=True).new_page()

    # A focal point writes a comment, attaches a PDF and submits it.
    _sign_in(focal, "focal.point@example.org")
    focal.goto(f"/my/organisations/1/comments/new/?dialogue={UPCOMING_DIALOGUE_ID}")
    focal.get_by_label("Title:", exact=True).fill("Smuggling routes through the Sahel")
    focal.get_by_label("Comment:", exact=True).fill(
        "Our field teams documented how smugglers reroute migrants through remote oases.\n\n"
        "We recommend cross-border cooperation between prosecutors."
    )
    focal.get_by_label("Attachments").set_input_files(
        [{"name": "Route survey.pdf", "mimeType": "application/pdf", "buffer": annex_pdf()}]
    )
    focal.get_by_label(re.compile("consents to the publication")).check()
    focal.get_by_role("button", name="Save and submit").click()
    # Submitting cannot be undone: it asks first, naming what follows.
    expect(focal.get_by_role("heading", level=1)).to_have_text("Submit the comment?")
    expect(focal.locator("main")).to_contain_text("can no longer be edited")
    expect(focal.locator("main")).to_contain_text("It is sent with 1 attachment.")
    focal.get_by_role("button", name="Submit the comment").click()
    receipt = focal.locator(".receipt")
    expect(receipt).to_contain_text(re.compile(rf"tracking number WC-\d{{4}}-{UPCOMING_DIALOGUE_ID}-1"))

    # The secretariat publishes it.
    _sign_in(staff, "secretariat@example.org")
    staff.goto("/staff/comments/")
    staff.get_by_role("link", name="Smuggling routes through the Sahel").click()
    staff.get_by_role("button", name="Publish with the organisation's name").click()
    expect(staff.locator("main")).to_contain_text(re.compile("published", re.IGNORECASE))

    # A visitor finds it by a word of its body and downloads the attachment.
    visitor.goto("/comments/")
    visitor.get_by_role("searchbox").fill("oases")
    visitor.get_by_role("button", name="Search").click()
    visitor.get_by_role("link", name="Smuggling routes through the Sahel").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Smuggling routes through the Sahel")
    with visitor.expect_download() as download_info:
        visitor.get_by_role("link", name="Route survey.pdf").click()
    download = download_info.value
    assert download.suggested_filename == "Route survey.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
