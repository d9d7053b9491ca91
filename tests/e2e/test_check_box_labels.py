"""Defect 8 in the browser: on every portal page, clicking the text of a check box's label
toggles that box and no other, and the label is drawn beside its own box.

The apply form drew the travel-support box beside the label "may be named in the public
list": ticking "may be named" asked for travel support.
"""

import pytest
from playwright.sync_api import Page as BrowserPage

from .portal_pages import ANONYMOUS, LOGINS, PAGES, build_portal, page_url
from .test_every_page import Audit, _sign_in

# Where the first line of the label's own text is drawn, and whether the box is beside it.
LABEL_TEXT = """(box) => {
    const label = box.labels && box.labels[0];
    if (!label) return null;
    label.scrollIntoView({block: 'center'});
    // A label only for screen readers (a table's row selector, named by its row) has no text to click.
    if (label.getBoundingClientRect().width <= 1) return {hidden: true};
    const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT,
        {acceptNode: (node) => node.textContent.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP});
    const text = walker.nextNode();
    if (!text) return null;
    const range = document.createRange();
    range.selectNodeContents(text);
    const line = range.getClientRects()[0];
    const drawn = box.getBoundingClientRect();
    return {
        x: line.left + Math.min(4, line.width / 2),
        y: line.top + line.height / 2,
        text: text.textContent.trim().slice(0, 60),
        beside: line.top < drawn.bottom && drawn.top < line.bottom,
    };
}"""
STATES = "() => Array.from(document.querySelectorAll('main input[type=checkbox]')).map(box => box.checked)"


def _check_labels(page: BrowserPage, title: str, failures: list[str]) -> int:
    boxes = page.locator("main input[type=checkbox]:visible:enabled")
    count = boxes.count()
    for index in range(count):
        box = boxes.nth(index)
        where = box.evaluate("box => box.id || box.name")
        label = box.evaluate(LABEL_TEXT)
        if label is None:
            failures.append(f"{title}: the box {where} has no label with text")
            continue
        if label.get("hidden"):
            continue
        if not label["beside"]:
            failures.append(f"{title}: the label “{label['text']}” is not drawn beside its box {where}")
        before = page.evaluate(STATES)
        page.mouse.click(label["x"], label["y"])
        after = page.evaluate(STATES)
        changed = [i for i, (was, now) in enumerate(zip(before, after, strict=True)) if was != now]
        mine = box.evaluate(
            "box => Array.from(document.querySelectorAll('main input[type=checkbox]')).indexOf(box)"
        )
        if changed != [mine]:
            failures.append(
                f"{title}: clicking “{label['text']}” toggled boxes {changed}, not its own ({mine})"
            )
        elif after[mine] != (not before[mine]):
            failures.append(f"{title}: clicking “{label['text']}” did not toggle its box")
        else:
            page.mouse.click(label["x"], label["y"])  # back as it was
    return count


@pytest.mark.parametrize("width", [390, 1280])
def test_every_check_box_toggles_from_its_own_label(browser, live_server, transactional_db, settings, width):
    settings.REQUIRE_MFA = False
    portal = build_portal()
    audit = Audit("", width=width, check_scroll=False)
    audit.check = lambda page, title: None  # signing in here checks nothing else
    failures: list[str] = []
    pages = {}
    boxes = 0
    try:
        for entry in PAGES:
            if entry.refuse is not None:
                continue
            if entry.role not in pages:
                context = browser.new_context(
                    base_url=live_server.url, viewport={"width": width, "height": 800}
                )
                page = context.new_page()
                page.set_default_timeout(15_000)
                if entry.role != ANONYMOUS:
                    _sign_in(page, LOGINS[entry.role], portal, audit)
                pages[entry.role] = page
            page = pages[entry.role]
            response = page.goto(page_url(entry, portal))
            if response is None or response.status >= 400:
                continue  # test_every_page reports it
            boxes += _check_labels(page, entry.title, failures)
    finally:
        for page in pages.values():
            page.context.close()
    assert boxes >= 10, f"only {boxes} check boxes found: the pages with forms were not reached"
    assert not failures, "\n".join(failures)
