"""Defect 12 in the browser: on a phone the menu folds away (with no JavaScript too) and
the skip link shows on the reading side when focused, left to right and right to left."""

import pytest
from playwright.sync_api import expect


@pytest.fixture
def phone(open_page):
    def open_phone(*, width=390, language="en", javascript=True):
        return open_page(width=width, language=language, javascript=javascript)

    return open_phone


def test_menu_folds_on_a_phone_without_javascript(phone, db):
    page = phone(javascript=False)
    page.goto("/")
    menu = page.get_by_role("navigation", name="Main")
    organisations = menu.get_by_role("link", name="Organisations")
    expect(organisations).to_be_hidden()
    header_height = page.locator(".site-header").bounding_box()["height"]
    assert header_height < 800 / 6, f"the folded header takes {header_height} px of 800"

    menu.get_by_text("Menu").click()
    expect(organisations).to_be_visible()
    organisations.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Admitted organisations")


def test_menu_stays_open_on_a_desktop(phone, db):
    page = phone(width=1280)
    page.goto("/")
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="Organisations")).to_be_visible()
    expect(menu.get_by_text("Menu")).to_be_hidden()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_skip_link_shows_on_the_reading_side_when_focused(phone, db, language):
    page = phone(language=language)
    page.goto("/")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box["width"] > 40, "shown, not clipped"
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390
    if language == "ar":
        assert box["x"] + box["width"] > 390 / 2, "on the right of a right-to-left page"
    else:
        assert box["x"] < 390 / 2
