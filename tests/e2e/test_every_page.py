"""Every portal page on a phone (390 px), in each of the six languages, and on a desktop
(1280 px) in English and Arabic: no page scrolls sideways, and axe-core finds no WCAG 2.1
AA violation. The phone is where a longer translation (Russian, French) or another
direction first pushes a page wider than the screen.

The pages, their rows and who sees them are listed in tests/e2e/portal_pages.py; a new
URL pattern that is neither there nor named as no page fails the first test below. Each
browser test visits every page and reports all the pages that fail, not only the first.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page as BrowserPage

from tests.dialogue_portal.test_accounts import totp_code

from .portal_pages import ANONYMOUS, LOGINS, NOT_PAGES, PAGES, SECRETARIAT, build_portal, page_url, url_names

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE, DESKTOP = 390, 1280
DEMO_PASSWORD = "dialogue-demo-2026"  # noqa: S105 (dialogue_portal.demo's)


def test_every_url_pattern_is_covered():
    covered = {page.name for page in PAGES}
    missing = sorted(url_names() - covered - set(NOT_PAGES))
    assert not missing, f"URL patterns with no Page in tests/e2e/portal_pages.py: {missing}"
    stale = sorted((covered | set(NOT_PAGES)) - url_names())
    assert not stale, f"tests/e2e/portal_pages.py names URL patterns that are gone: {stale}"


@pytest.fixture
def axe_source():
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: make install-test (npm ci) installs axe-core")
    return AXE.read_text()


class Audit:
    """Looks at pages and keeps every failure, so that one run names them all."""

    def __init__(self, axe_source: str, *, width: int, check_scroll: bool):
        self.axe_source = axe_source
        self.width = width
        self.check_scroll = check_scroll
        self.failures: list[str] = []
        self.seen = 0

    def check(self, page: BrowserPage, title: str) -> None:
        self.seen += 1
        where = f"{title} ({page.url.split('//', 1)[-1].split('/', 1)[-1] or '/'})"
        if self.check_scroll:
            widths = page.evaluate(
                "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            if widths[0] > widths[1]:
                self.failures.append(f"{where}: scrolls sideways, {widths[0]} px wide in {widths[1]} px")
        # Evaluated, not added as a <script>: the portal's CSP refuses scripts it did not serve.
        page.evaluate(self.axe_source)
        violations = page.evaluate(
            """async (tags) => {
                const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
                return result.violations.map(v => `${v.id} (${v.impact}): ` +
                    v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
            }""",
            WCAG_AA,
        )
        for violation in violations:
            self.failures.append(f"{where}: {violation}")

    def report(self) -> str:
        return f"{len(self.failures)} failures on {self.seen} pages at {self.width} px:\n" + "\n".join(
            self.failures
        )


def _sign_in(page: BrowserPage, email: str, portal, audit: Audit) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    if "/2fa/authenticate/" in page.url:
        audit.check(page, "mfa_authenticate")
        page.fill("input[name=code]", totp_code(portal.totp_secret))
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{email} could not sign in"
    # The page after signing in shows allauth's flash message.
    audit.check(page, f"after signing in as {email} (flash message)")


def _refuse(page: BrowserPage, values: dict) -> None:
    """Submit the page's main form with these values, the browser's own checks off, so
    that the server refuses it and the page shows its error summary."""
    for selector, value in values.items():
        page.fill(selector, value)
    button = page.locator("main form[method=post] button:not([type=button])").last
    button.evaluate("button => { button.form.noValidate = true; }", timeout=5_000)
    with page.expect_navigation():
        button.click()


def _walk_every_page(browser, live_server, axe_source, *, width: int, language: str, check_scroll: bool):
    portal = build_portal()
    audit = Audit(axe_source, width=width, check_scroll=check_scroll)
    contexts = {}

    def page_for(role: str) -> BrowserPage:
        if role not in contexts:
            context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 800})
            context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
            page = context.new_page()
            page.set_default_timeout(15_000)
            if role != ANONYMOUS:
                _sign_in(page, LOGINS[role], portal, audit)
            contexts[role] = (context, page)
        return contexts[role][1]

    try:
        # The secretariat's second-factor pages want a recent sign-in: visit them first.
        for entry in sorted(
            PAGES, key=lambda entry: entry.role != SECRETARIAT or not entry.name.startswith("mfa")
        ):
            page = page_for(entry.role)
            url = page_url(entry, portal)
            response = page.goto(url)
            if response is None or response.status >= 400:
                audit.failures.append(f"{entry.title} ({url}): answered {response and response.status}")
                continue
            if entry.refuse is not None:
                try:
                    _refuse(page, entry.refuse)
                except PlaywrightError as error:
                    audit.failures.append(
                        f"{entry.title} ({url}): could not submit its form: {error.message[:200]}"
                    )
                    continue
                summary = page.locator(".error-summary")
                if not summary.count():
                    audit.failures.append(f"{entry.title} ({url}): no error summary after a refused save")
                elif not page.evaluate("() => document.activeElement?.classList.contains('error-summary')"):
                    audit.failures.append(f"{entry.title} ({url}): the error summary does not have the focus")
            html_lang = page.get_attribute("html", "lang") or ""
            if not re.match(language, html_lang):
                audit.failures.append(f"{entry.title} ({url}): in {html_lang!r}, not {language!r}")
            audit.check(page, entry.title)
    finally:
        # Closed while the test's database is still there (see test_phone_layout's fixture).
        for context, _page in contexts.values():
            context.close()
    assert not audit.failures, audit.report()


@pytest.mark.parametrize("language", ["en", "ar", "fr", "es", "ru", "zh-hans"])
def test_every_page_fits_a_phone_and_passes_axe(
    browser, live_server, transactional_db, settings, axe_source, language
):
    settings.REQUIRE_MFA = False
    _walk_every_page(browser, live_server, axe_source, width=PHONE, language=language, check_scroll=True)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_page_passes_axe_on_a_desktop(
    browser, live_server, transactional_db, settings, axe_source, language
):
    settings.REQUIRE_MFA = False
    _walk_every_page(browser, live_server, axe_source, width=DESKTOP, language=language, check_scroll=True)
