"""The CRP in the browser, from approval to a download by anyone: the demo Chair approves
the upcoming dialogue's summary, the secretariat generates its PDF and publishes it, and
an anonymous visitor finds it on /documents/ and downloads it; its first page names the
symbol. Chairs and staff sign in with their second factor."""

import io
import re

import pypdf
import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from dialogue_portal.demo import CHAIR_ID, SECRETARIAT_ID
from dialogue_portal.demo import load as load_demo
from reports.models import ChairSummary
from sessions.demo import UPCOMING_DIALOGUE_ID

from .test_summary import _audit, _sign_in


def test_approved_summary_is_generated_published_and_downloaded_by_anyone(
    browser, live_server, transactional_db, settings
):
    settings.REQUIRE_MFA = True
    load_demo(accounts=True)
    User = get_user_model()
    secrets = {}
    for pk in (CHAIR_ID, SECRETARIAT_ID):
        secrets[pk] = generate_totp_secret()
        TOTP.activate(User.objects.get(pk=pk), secrets[pk])
    symbol = ChairSummary.objects.get(dialogue_id=UPCOMING_DIALOGUE_ID).symbol
    audited: dict[str, list[str]] = {}

    # The Chair writes the opening from the portal's data, sends it for review and approves it.
    chair = _sign_in(browser, live_server, "chair@example.org", secrets[CHAIR_ID])
    chair.goto(f"/dialogues/{UPCOMING_DIALOGUE_ID}/summary/")
    main = chair.locator("main")
    chair.get_by_role("button", name="Start from the portal's data").click()
    chair.get_by_role("button", name="Send for review").click()
    expect(main).to_contain_text("The summary is with the secretariat for review")
    chair.get_by_role("link", name="Approve the summary…").click()
    chair.get_by_role("button", name="Approve the summary").click()
    expect(main).to_contain_text("The summary is approved")

    # The secretariat makes the PDF and publishes it.
    staff = _sign_in(browser, live_server, "secretariat@example.org", secrets[SECRETARIAT_ID])
    staff.goto(f"/dialogues/{UPCOMING_DIALOGUE_ID}/summary/")
    expect(staff.get_by_role("link", name="Publish the Conference Room Paper…")).to_have_count(0)
    staff.get_by_role("button", name="Generate PDF").click()
    documents = staff.locator("#summary-documents")
    expect(documents.locator("tbody tr")).to_have_count(1)
    expect(documents.locator("tbody tr").first).to_contain_text("Ready")
    expect(documents.get_by_role("link", name=symbol)).to_be_visible()
    _audit(staff, audited, "summary with its PDF")
    staff.get_by_role("link", name="Publish the Conference Room Paper…").click()
    expect(staff.locator("main")).to_contain_text("never changes")
    staff.get_by_role("button", name="Publish the Conference Room Paper").click()
    expect(staff.locator("main")).to_contain_text(f"{symbol} is published on the documents page")

    # Anyone finds it on the documents page and downloads it.
    visitor = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    visitor.goto("/documents/")
    link = visitor.get_by_role("link", name=symbol)
    expect(link).to_be_visible()
    _audit(visitor, audited, "documents")
    response = visitor.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    first_page = pypdf.PdfReader(io.BytesIO(response.body())).pages[0].extract_text()
    assert symbol in first_page
    assert re.search(r"Summary by the (Chair|Co-Chairs)", first_page)

    failures = {name: found for name, found in audited.items() if found}
    if failures:
        pytest.fail(f"accessibility: {failures}")
