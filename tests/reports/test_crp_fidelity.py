"""The demo's CRP reads as the reference it was typed from
(/work/shared/reference/chair-summary-firearms-2022.txt): the same symbol, headings and
numbered paragraphs in the same order, its footnote at the foot of page 1, in the
portal's own font, and tagged so that a screen reader finds the same structure."""

import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from reports import crp, markup
from reports.demo import FIRST_TEXT
from reports.models import ChairSummary
from sessions.demo import FIRST_DIALOGUE_ID

from .crp_pdf import font_names, normalise, page_texts, structure_tree

# The tests read bytes only, but pytest-django creates the test database for the
# module-scoped render only if the module's tests ask for it.
pytestmark = pytest.mark.django_db

REFERENCE = Path("/work/shared/reference/chair-summary-firearms-2022.txt")
SYMBOL = "CTOC/COP/WG.6/2022/CRP.2"
FOOTNOTE = "Hereinafter: UNTOC review mechanism."
# What the tree holds outside the numbered paragraphs, as P: the masthead's lines, the
# byline, the closing stars.
OTHER_PARAGRAPHS = {SYMBOL, "6 May 2022", "English", "Summary by the Chair", "***"}


def _reference_headings(text: str) -> list[str]:
    """ "I. Introduction" … "IV. Collection of …": a numeral and the lines up to a blank one."""
    matches = re.finditer(r"(?m)^[ \t]*(IV|III|II|I)\.[ \t]+((?:.*\S.*\n)+)", text)
    return [normalise(f"{match[1]}. {match[2]}") for match in matches]


def _reference_openings(text: str) -> list[str]:
    """ "N. <first five words>" of the reference's paragraphs 1 to 22, each sought after the last."""
    openings, position = [], 0
    for number in range(1, 23):
        match = re.compile(rf"(?m)^\s*{number}\.\s+").search(text, position)
        assert match, f"paragraph {number} not found in the reference"
        position = match.end()
        openings.append(f"{number}. " + " ".join(text[position:].split()[:5]))
    return openings


@dataclass(frozen=True)
class Render:
    pdf: bytes
    pages: list[str]


@pytest.fixture(scope="module")
def demo_crp(django_db_setup, django_db_blocker) -> Render:
    # One render for the whole module: the demo is loaded in a transaction rolled back at
    # once, so the tests get only the bytes and each still starts on an empty database.
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        summary = ChairSummary.objects.get(dialogue_id=FIRST_DIALOGUE_ID)
        pdf = crp.summary_pdf(revision=summary.current_revision).pdf
        transaction.set_rollback(True)
    return Render(pdf=pdf, pages=page_texts(pdf))


@pytest.fixture(scope="module")
def reference() -> str:
    return REFERENCE.read_text(encoding="utf-8")


def test_reference_is_read_as_expected(reference):
    # The expectations below come from the reference: they must be the reference's.
    assert _reference_headings(reference)[0] == "I. Introduction"
    assert len(_reference_headings(reference)) == 4
    assert _reference_openings(reference)[0] == "1. At its ninth session, in"
    assert _reference_openings(reference)[21] == "22. The Chair thanked participants for"


def test_crp_first_page_has_symbol_and_byline(demo_crp):
    first = demo_crp.pages[0]
    assert SYMBOL in first
    assert "Summary by the Chair" in first


def test_crp_headings_in_reference_order(demo_crp, reference):
    text = " ".join(demo_crp.pages)
    position = 0
    for heading in _reference_headings(reference):
        found = text.find(heading, position)
        assert found >= 0, f"{heading!r} missing or out of order"
        position = found + len(heading)


def test_crp_paragraphs_1_to_22_open_as_the_reference_in_order(demo_crp, reference):
    text = " ".join(demo_crp.pages)
    position = 0
    for opening in _reference_openings(reference):
        found = text.find(opening, position)
        assert found >= 0, f"{opening!r} missing or out of order"
        position = found + len(opening)


def test_crp_footnote_at_the_foot_of_page_1(demo_crp):
    assert f"1 {FOOTNOTE}" in demo_crp.pages[0]
    assert all(FOOTNOTE not in page for page in demo_crp.pages[1:])


def test_crp_is_set_in_liberation_serif_only(demo_crp):
    fonts = font_names(demo_crp.pdf)
    assert "LiberationSerif" in fonts
    # A Latin text needs no other face: one would be a system font, different elsewhere.
    assert all(name.startswith("LiberationSerif") for name in fonts), fonts


def test_crp_tree_has_one_title_and_the_four_headings_in_order(demo_crp, reference):
    tree = structure_tree(demo_crp.pdf)
    assert len(list(tree.iter("H1"))) == 1
    assert [h2.text() for h2 in tree.iter("H2")] == _reference_headings(reference)


def test_crp_tree_has_one_p_per_numbered_paragraph(demo_crp):
    tree = structure_tree(demo_crp.pdf)
    numbered = [p for section in tree.iter("Sect") for p in section.iter("P")]
    assert [normalise(p.texts()[0]) for p in numbered] == [f"{n}." for n in range(1, 23)]
    # A paragraph broken over two pages is still one P: no P opens with the rest of one.
    others = [p.text() for p in tree.iter("P") if all(p is not n for n in numbered)]
    assert set(others) == OTHER_PARAGRAPHS, others


def test_crp_tree_has_the_footnote_as_a_note_of_paragraph_1(demo_crp):
    tree = structure_tree(demo_crp.pdf)
    first = next(p for p in tree.iter("P") if normalise(p.texts()[0]) == "1.")
    notes = [note.text() for note in first.iter("Note")]
    assert any(FOOTNOTE in note for note in notes), notes


def test_crp_tree_tags_the_links(demo_crp):
    text = markup.render(FIRST_TEXT.read_text(encoding="utf-8"))
    labels = [
        normalise(re.sub(r"<[^>]+>", "", label))
        for paragraph in text.paragraphs
        for label in re.findall(r'<a href="http[^"]*"[^>]*>(.*?)</a>', paragraph.html)
    ]
    assert len(labels) == 4  # the demo's own (tests/reports/test_demo.py)
    tree = structure_tree(demo_crp.pdf)
    # A link broken over lines is a Link per line: the lines together read as its label.
    linked = "".join(run for link in tree.iter("Link") for run in link.texts()).replace(" ", "")
    for label in labels:
        assert label.replace(" ", "") in linked, label
