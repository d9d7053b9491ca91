"""Arabic and Chinese in the browser: Arabic pages read right to left at 1280 and 390 px,
with no sideways scroll and the header's navigation on the right, and each script is set
in a font of the portal's stack that has its letters."""

import os
import subprocess

import pytest
from django.urls import reverse

from sessions.models import Dialogue
from tests.factories import (
    DialogueFactory,
    FocalPointFactory,
    SecretariatFactory,
    WrittenCommentFactory,
    admitted_organisation,
)

CHINESE_FONTS = {
    "PingFang SC",
    "Hiragino Sans GB",
    "Microsoft YaHei",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
}


@pytest.fixture
def portal(transactional_db, settings):
    settings.REQUIRE_MFA = False
    dialogue = DialogueFactory(state=Dialogue.State.OPEN)
    WrittenCommentFactory(dialogue=dialogue, state="published", title="Tracing seized firearms")
    focal = FocalPointFactory(organisation=admitted_organisation()).user
    return {"focal": focal, "secretariat": SecretariatFactory(), "dialogue": dialogue}


@pytest.fixture
def open_as(open_page, portal):
    def open_as(who: str | None, *, language: str, width: int):
        return open_page(width=width, language=language, user=portal[who] if who else None)

    return open_as


PAGES = [
    (None, "home"),
    (None, "submissions:list"),
    ("focal", "stakeholders:register"),
    ("secretariat", "staff_dashboard"),
]


def _box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


@pytest.mark.parametrize("width", [1280, 390])
def test_arabic_pages_read_right_to_left_and_fit_the_screen(open_as, width):
    failures = []
    for who, name in PAGES:
        page = open_as(who, language="ar", width=width)
        page.goto(reverse(name))
        where = f"{name} at {width} px"
        if page.get_attribute("html", "dir") != "rtl" or page.get_attribute("html", "lang") != "ar":
            failures.append(f"{where}: not an Arabic right-to-left page")
        scroll, client = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if scroll > client:
            failures.append(f"{where}: scrolls sideways, {scroll} px wide in {client} px")
        brand = _box(page, ".site-header .brand")
        if brand["x"] + brand["width"] < width * 0.8:
            failures.append(f"{where}: the portal's name is not on the right ({brand})")
        if width == 390:
            # The folded menu sits on the right; opened, its links start on the right.
            menu = page.locator(".menu > summary").evaluate(
                """summary => { const range = document.createRange(); range.selectNodeContents(summary);
                   const box = range.getBoundingClientRect(); return {x: box.x, width: box.width}; }"""
            )
            if menu["x"] < width / 2:
                failures.append(f"{where}: the menu's word is on the left ({menu})")
            page.locator(".menu > summary").click()
        links = page.locator(".site-header nav ul a")
        first, second = links.nth(0).bounding_box(), links.nth(1).bounding_box()
        if first["x"] + first["width"] < width / 2:
            failures.append(f"{where}: the navigation starts on the left ({first})")
        if width == 1280 and not first["x"] > second["x"]:
            failures.append(f"{where}: the navigation's links do not run from right to left")
        page.close()
    assert not failures, "\n".join(failures)


def _platform_fonts(page, selector: str) -> set[str]:
    """The fonts Chromium really drew the element's text with (DevTools protocol)."""
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument")["root"]["nodeId"]
    node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return {font["familyName"] for font in fonts}


def test_arabic_is_set_in_the_portals_arabic_font(open_as):
    page = open_as(None, language="ar", width=1280)
    page.goto(reverse("submissions:list"))
    page.evaluate("() => document.fonts.ready")
    assert "Noto Naskh Arabic" in _platform_fonts(page, "h1")


def test_chinese_is_set_in_a_chinese_font_of_the_stack(open_as):
    has_one = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout.strip()
    if not has_one:
        # .ci/run installs one (fonts-wqy-microhei), as every reader's system has one.
        missing = pytest.fail if os.environ.get("CI") else pytest.skip
        missing("this machine has no Chinese font: apt-get install -y fonts-wqy-microhei")
    page = open_as(None, language="zh-hans", width=1280)
    page.goto(reverse("submissions:list"))
    assert page.get_attribute("html", "lang") == "zh-hans"
    fonts = _platform_fonts(page, "h1")
    assert fonts & CHINESE_FONTS, f"the Chinese heading is drawn in {fonts}"


@pytest.mark.parametrize(
    ("language", "counts"),
    [
        ("ru", {1: "1 слово", 2: "2 слова", 5: "5 слов", 21: "21 слово"}),
        ("ar", {1: "كلمة واحدة", 2: "كلمتان", 3: "3 كلمات", 11: "11 كلمة"}),
    ],
)
def test_live_word_count_takes_the_languages_plural_forms(open_as, portal, language, counts):
    organisation = portal["focal"].focal_points.get().organisation
    page = open_as("focal", language=language, width=1280)
    page.goto(reverse("submissions:new", args=[organisation.pk]) + f"?dialogue={portal['dialogue'].pk}")
    body = page.locator("textarea[data-max-words]")
    count = page.locator(".word-count")
    for words, wording in counts.items():
        body.fill(" ".join(["слово"] * words))
        assert count.inner_text().startswith(wording), (words, count.inner_text())
