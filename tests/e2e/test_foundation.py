"""Browser journeys of the foundation, in Debian's Chromium."""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import expect

from dialogue_portal.demo import load as load_demo
from tests.dialogue_portal.test_accounts import totp_code
from tests.factories import SecretariatFactory


@pytest.fixture
def demo_calendar(transactional_db):
    load_demo()


def test_home_to_demo_dialogue_to_its_agenda(page, demo_calendar):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Constructive dialogues")
    past = page.get_by_role("region", name="Past dialogues")
    past.get_by_role("link", name="First constructive dialogue").click()

    expect(page).to_have_url(re.compile(r"/dialogues/1/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("First constructive dialogue")
    expect(page.get_by_text("Ninth session of the Working Group on Firearms")).to_be_visible()
    agenda = page.get_by_role("region", name="Agenda")
    expect(agenda.get_by_role("listitem")).to_have_count(3)
    expect(agenda.get_by_role("heading", level=3).nth(1)).to_have_text(
        "Briefing on the developments and outcomes of the review process"
    )
    expect(page.get_by_role("region", name="Chair")).to_contain_text("Mr. Alejandro Celorio Alcántara")


def test_secretariat_login_is_asked_for_second_factor(page, transactional_db, settings, password):
    settings.REQUIRE_MFA = True
    secretariat = SecretariatFactory(email="officer@unodc.example.org")
    secret = generate_totp_secret()
    TOTP.activate(secretariat, secret)

    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Email").fill("officer@unodc.example.org")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()

    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Sign In").click()

    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


def test_secretariat_without_totp_is_sent_to_set_one_up(page, transactional_db, settings, password):
    settings.REQUIRE_MFA = True
    SecretariatFactory(email="new.officer@unodc.example.org")

    page.goto("/accounts/login/?next=/admin/")
    page.get_by_label("Email").fill("new.officer@unodc.example.org")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()

    # allauth asks for the password once more before an authenticator can be added.
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    qr_code = page.locator('img[src^="data:image/svg+xml"]')
    expect(qr_code).to_be_visible()
    assert qr_code.evaluate("img => img.naturalWidth") > 0, "the CSP lets the QR code load"
    expect(page.get_by_label("Authenticator code")).to_be_visible()
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
