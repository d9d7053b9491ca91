"""The Chair's summary in the browser: the demo Chair starts the upcoming dialogue's summary
from the portal's data, adds a paragraph with a footnote and sees it numbered in the live
preview; the secretariat saves another paragraph meanwhile and the Chair's save merges
with it; an edit of the same paragraph from a stale page is refused with both versions
shown and the Chair's text kept; the Chair settles it and sends the summary for review.
Both sign in with their second factor, as ``DJANGO_REQUIRE_MFA`` asks of Chairs and staff.
"""

import re
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import expect

from dialogue_portal.demo import CHAIR_ID, DEMO_PASSWORD, SECRETARIAT_ID
from dialogue_portal.demo import load as load_demo
from reports.models import ChairSummary, SummaryRevision
from sessions.demo import FIRST_DIALOGUE_ID, UPCOMING_DIALOGUE_ID
from tests.dialogue_portal.test_accounts import totp_code

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

ADDED = (
    "The Chair thanked the participants for their contributions[^thanks].\n\n"
    "[^thanks]: The statements are on the dialogue's page."
)
CHAIR_WORDING = "The Chair thanked the participants and the interpreters for their contributions"
SECRETARIAT_WORDING = "The Chair warmly thanked the participants for their contributions"
SETTLED = "The Chair warmly thanked the participants and the interpreters for their contributions"
OPENED = "Under agenda item 1, the Chair opened the dialogue and welcomed the participants."


def _violations(page) -> list[str]:
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: make install-test (npm ci) installs axe-core")
    # Evaluated, not added as a <script>: the portal's CSP refuses scripts it did not serve.
    page.evaluate(AXE.read_text())
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => `${v.id} (${v.impact}): ` +
                v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
        }""",
        WCAG_AA,
    )


def _audit(page, audited: dict, name: str) -> None:
    """axe-core at the desktop's width and the phone's, where nothing may scroll sideways."""
    audited[name] = _violations(page)
    page.set_viewport_size({"width": 390, "height": 800})
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    if widths[0] > widths[1]:
        audited[name].append(f"scrolls sideways on a phone: {widths[0]} px wide in {widths[1]} px")
    audited[f"{name} (phone)"] = _violations(page)
    page.set_viewport_size({"width": 1280, "height": 800})


def _sign_in(browser, live_server, email: str, secret: str):
    page = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 800}
    ).new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile(r"^Password")).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("link", name="Sign out")).to_be_visible()
    return page


def _edit(page, old: str, new: str) -> None:
    """Change words in the editor's text, as the user would by typing over them."""
    text = page.get_by_label("Text of the summary")
    value = text.input_value()
    assert old in value, f"{old!r} is not in the editor"
    text.fill(value.replace(old, new, 1))


def _summary() -> ChairSummary:
    return ChairSummary.objects.select_related("current_revision").get(dialogue_id=UPCOMING_DIALOGUE_ID)


def test_chair_drafts_merges_settles_a_conflict_and_sends_for_review(
    browser, live_server, transactional_db, settings
):
    settings.REQUIRE_MFA = True
    load_demo(accounts=True)
    User = get_user_model()
    secrets = {}
    for pk in (CHAIR_ID, SECRETARIAT_ID):
        secrets[pk] = generate_totp_secret()
        TOTP.activate(User.objects.get(pk=pk), secrets[pk])
    audited: dict[str, list[str]] = {}

    # The Chair finds the summary from the dialogues she chairs.
    chair = _sign_in(browser, live_server, "chair@example.org", secrets[CHAIR_ID])
    chair.goto("/my/dialogues/")
    chair.get_by_role("link", name="Chair's summary").click()
    expect(chair).to_have_url(re.compile(rf"/dialogues/{UPCOMING_DIALOGUE_ID}/summary/$"))
    expect(chair.locator(".facts")).to_contain_text("Draft")
    expect(chair.locator("#summary-preview")).to_contain_text("Nothing written yet.")

    chair.get_by_role("button", name="Start from the portal's data").click()
    expect(chair.locator("main")).to_contain_text(
        "The opening is written from the portal's data, as revision 1"
    )
    preview = chair.locator("#summary-preview")
    expect(preview.locator(".summary-heading").first).to_have_text("I. Introduction")
    expect(preview.locator(".summary-paragraph")).to_have_count(9)
    expect(chair.get_by_label("Text of the summary")).to_have_value(re.compile(r"^# Introduction"))

    # A paragraph with a footnote at the end: the preview numbers it without a save.
    text = chair.get_by_label("Text of the summary")
    text.fill(text.input_value() + "\n\n" + ADDED)
    added = preview.locator(".summary-paragraph").last
    expect(added).to_contain_text("The Chair thanked the participants for their contributions")
    expect(added.locator(".summary-number")).to_have_text("10.")
    expect(added.locator("sup.footnote-ref")).to_have_text("2")
    expect(preview.locator(".summary-footnotes li").last).to_have_text(
        re.compile(r"^The statements are on the dialogue's page\.")
    )
    assert _summary().revision_count == 1, "the live preview saved nothing"

    # Meanwhile the secretariat, from the same revision, writes another paragraph.
    staff = _sign_in(browser, live_server, "secretariat@example.org", secrets[SECRETARIAT_ID])
    staff.goto(f"/dialogues/{UPCOMING_DIALOGUE_ID}/summary/")
    _edit(staff, "Under agenda item 1, …", OPENED)
    staff.get_by_role("button", name="Save", exact=True).click()
    expect(staff.locator("main")).to_contain_text("Saved as revision 2.")

    # The Chair's save merges with it: both paragraphs are kept, and she is told so.
    chair.get_by_role("button", name="Save", exact=True).click()
    main = chair.locator("main")
    expect(main).to_contain_text("Saved as revision 3, merged with revision 2 by Sam Secretariat")
    expect(main).to_contain_text(f"Their paragraphs merged in: “{' '.join(OPENED.split()[:8])}…”")
    expect(chair.get_by_label("Text of the summary")).to_have_value(re.compile(re.escape(OPENED)))
    expect(chair.get_by_label("Text of the summary")).to_have_value(re.compile(re.escape(ADDED) + "$"))
    expect(preview.locator(".summary-paragraph").nth(5)).to_contain_text(OPENED)
    _audit(chair, audited, "merged")

    # The secretariat rewords the Chair's paragraph; the Chair's page still shows revision 3.
    staff.reload()
    _edit(staff, "The Chair thanked the participants", "The Chair warmly thanked the participants")
    staff.get_by_role("button", name="Save", exact=True).click()
    expect(staff.locator("main")).to_contain_text("Saved as revision 4.")

    # From that stale page the Chair changes the same paragraph: refused, nothing lost.
    _edit(
        chair, "The Chair thanked the participants", "The Chair thanked the participants and the interpreters"
    )
    chair.get_by_role("button", name="Save", exact=True).click()
    expect(main).to_contain_text(
        "Sam Secretariat saved changes to the same paragraphs meanwhile (revision 4). Nothing was saved"
    )
    conflict = chair.get_by_role("region", name="The same paragraphs were changed meanwhile")
    expect(conflict).to_be_visible()
    versions = conflict.locator(".summary-versions")
    expect(versions).to_have_count(1)
    theirs, mine = versions.locator("> div").nth(0), versions.locator("> div").nth(1)
    expect(theirs.get_by_role("heading")).to_have_text("Saved meanwhile (revision 4)")
    expect(theirs).to_contain_text(SECRETARIAT_WORDING)
    expect(mine.get_by_role("heading")).to_have_text("Yours")
    expect(mine).to_contain_text(CHAIR_WORDING)
    editor = chair.get_by_label("Text of the summary")
    expect(editor).to_have_value(re.compile(re.escape(CHAIR_WORDING)))
    expect(editor).to_have_value(re.compile(re.escape(OPENED)))
    summary = _summary()
    assert summary.revision_count == 4
    assert SECRETARIAT_WORDING in summary.current_revision.text
    _audit(chair, audited, "conflict")

    # The Chair keeps both changes and saves from revision 4.
    _edit(chair, CHAIR_WORDING, SETTLED)
    chair.get_by_role("button", name="Save", exact=True).click()
    expect(main).to_contain_text("Saved as revision 5.")
    expect(chair.get_by_role("region", name="The same paragraphs were changed meanwhile")).to_have_count(0)
    expect(preview.locator(".summary-paragraph").nth(9)).to_contain_text(SETTLED)

    mail.outbox.clear()
    chair.get_by_role("button", name="Send for review").click()
    expect(main).to_contain_text("The summary is with the secretariat for review")
    expect(chair.locator(".facts .badge")).to_have_text("In review")
    # In review the Chair reads the summary only.
    expect(chair.get_by_label("Text of the summary")).to_have_count(0)
    expect(main).to_contain_text("The summary is with the secretariat for review: it can be edited again")
    _audit(chair, audited, "in review")

    # The revisions, and what the last save changed, word by word.
    chair.get_by_role("navigation", name="Summary").get_by_role("link", name="Revisions").click()
    rows = chair.locator("main table tbody tr")
    expect(rows).to_have_count(5)
    expect(rows.nth(2)).to_contain_text("Merged with a save made meanwhile (with revision 2)")
    rows.nth(0).get_by_role("link", name="since revision 4").click()
    expect(main).to_contain_text("From revision 4 to revision 5: 1 paragraph changed.")
    changed = chair.locator(".summary-diff-changed")
    expect(changed.locator("ins")).to_have_text(re.compile(r"^\s*and the interpreters\s*$"))
    _audit(chair, audited, "compare")

    summary = _summary()
    assert summary.state == ChairSummary.State.IN_REVIEW
    assert summary.revision_count == 5
    text = summary.current_revision.text
    assert OPENED in text
    assert SETTLED in text
    assert text.endswith(
        ADDED.replace("thanked the participants", "warmly thanked the participants and the interpreters")
    )
    revisions = SummaryRevision.objects.filter(summary=summary).order_by("number")
    assert [(r.number, r.kind, r.author_id) for r in revisions] == [
        (1, SummaryRevision.Kind.FROM_DATA, CHAIR_ID),
        (2, SummaryRevision.Kind.SAVED, SECRETARIAT_ID),
        (3, SummaryRevision.Kind.MERGED, CHAIR_ID),
        (4, SummaryRevision.Kind.SAVED, SECRETARIAT_ID),
        (5, SummaryRevision.Kind.SAVED, CHAIR_ID),
    ]
    assert revisions[2].merged_with == revisions[1]
    assert revisions[4].base == revisions[3]
    assert any("secretariat@example.org" in message.to for message in mail.outbox)

    for page in (chair, staff):
        page.context.close()
    failures = [f"{name}: {violation}" for name, violations in audited.items() for violation in violations]
    assert not failures, "\n".join(failures)


def test_citation_goes_at_the_end_until_the_caret_is_placed(browser, live_server, transactional_db, settings):
    settings.REQUIRE_MFA = False
    load_demo(accounts=True)
    page = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("secretariat@example.org")
    page.get_by_label(re.compile(r"^Password")).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    # The 2022 summary is published: the secretariat reopens it to add a citation (a
    # correction, to be published as /Rev.1).
    page.goto(f"/dialogues/{FIRST_DIALOGUE_ID}/summary/")
    page.get_by_role("link", name="Reopen for editing…").click()
    page.get_by_label("Why it is reopened").fill("A statement is missing.")
    page.get_by_role("button", name="Reopen for editing").click()
    expect(page.locator("main")).to_contain_text("The summary is reopened")

    editor = page.get_by_label("Text of the summary")
    before = editor.input_value()
    sources = page.get_by_role("region", name="What to draw from")
    statement = sources.locator("details").first
    statement.locator("summary").click()
    citation = statement.locator(".summary-citation q").inner_text()
    # Nobody has been in the text yet: the line goes at the end, not before section I.
    statement.get_by_role("button", name="Copy into the text").click()
    expect(editor).to_have_value(before + "\n\n" + citation)
    expect(page.locator("#summary-preview .summary-paragraph").last).to_contain_text(citation)
    expect(page.locator("#summary-preview .summary-heading").first).to_have_text("I. Introduction")

    # With the caret at the start of the text, it goes there: the user chose the place.
    editor.focus()
    editor.evaluate("text => text.setSelectionRange(0, 0)")
    statement.get_by_role("button", name="Copy into the text").click()
    expect(editor).to_have_value(citation + "\n\n" + before + "\n\n" + citation)
    page.context.close()
