"""The CRP as a file: a tagged PDF/UA-1 with its outline and metadata, the same bytes for
the same revision, footnotes at the foot of their own page, links that lead where the
text says, nothing fetched from outside the portal, and any script the text is in."""

import datetime
import http.server
import logging
import re
import threading
import time
import zoneinfo
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.utils import translation

from dialogue_portal.pdf import render_pdf
from reports import crp
from reports.models import SummaryRevision
from sessions.models import DialogueChair
from tests.factories import (
    ChairSummaryFactory,
    DialogueChairFactory,
    HeldDialogueFactory,
    SummaryRevisionFactory,
)

from .crp_pdf import font_names, letters, link_targets, normalise, page_texts, raw_page_texts, reader

# The module-scoped render needs the test database, which pytest-django creates only for
# a module whose tests ask for it.
pytestmark = pytest.mark.django_db

SYMBOL = "CTOC/COP/WG.6/2023/CRP.2"
GROUP = "Working Group on Firearms"
CHAIR_NAME = "Ana Ejemplo"
SAVED_AT = datetime.datetime(2023, 5, 6, 18, 30, tzinfo=zoneinfo.ZoneInfo("Europe/Vienna"))
HEADINGS = [
    "Introduction",
    "Opening",
    "Briefing on the developments and outcomes of the review process",
    "Collection of inputs and suggestions from participants",
]
RESOLUTION_URL = "https://www.unodc.org/documents/treaties/UNTOC/Review%20Mechanism/Resolution/English.pdf"
WEBPAGE_URL = (
    "https://www.unodc.org/unodc/en/organized-crime/intro/review-mechanism-untoc/constructive-dialogues.html"
)
NOTE = "The note of the thirteenth paragraph, at the foot of its page."
FILLER = (
    "speakers underlined the importance of cooperation between States parties and the relevant "
    "stakeholders, and the exchange of expertise at local, regional and international levels, "
    "including through research, training and the provision of technical assistance in the "
    "prevention of and fight against transnational organized crime and trafficking in firearms."
)


def _paragraphs(first: int, last: int) -> str:
    return "\n\n".join(f"In the words of paragraph {n}, {FILLER}" for n in range(first, last + 1))


# Twelve paragraphs of about five lines fill page 1 and the top of page 2: the call of the
# note in paragraph 13 is on page 2, and the paragraphs after it run on to page 3.
TEXT = f"""# {HEADINGS[0]}

{_paragraphs(1, 12)}

# {HEADINGS[1]}

Paragraph thirteen carries a note.[^13] It cites Conference [resolution 9/1]({RESOLUTION_URL}).

[^13]: {NOTE}

The written comments are on the webpage: {WEBPAGE_URL}

# {HEADINGS[2]}

{_paragraphs(15, 24)}

# {HEADINGS[3]}

{_paragraphs(25, 30)}"""


@dataclass(frozen=True)
class Renders:
    pdf: bytes
    again: bytes
    second_revision: bytes


def _render(revision) -> bytes:
    return crp.summary_pdf(revision=revision).pdf


@pytest.fixture(scope="module")
def renders(django_db_setup, django_db_blocker) -> Renders:
    # The module's shared renders, made in a transaction rolled back at once: the tests get
    # the bytes and each still starts on an empty database.
    with django_db_blocker.unblock(), transaction.atomic():
        dialogue = HeldDialogueFactory(session__working_group__name=GROUP)
        DialogueChairFactory(dialogue=dialogue, honorific=DialogueChair.Honorific.MS, name=CHAIR_NAME)
        summary = ChairSummaryFactory(dialogue=dialogue, symbol=SYMBOL)
        first = SummaryRevisionFactory(summary=summary, text=TEXT)
        # Saved the evening of the dialogue, not now: the file's date must come from here.
        SummaryRevision.objects.filter(pk=first.pk).update(created_at=SAVED_AT)
        pdf = _render(SummaryRevision.objects.get(pk=first.pk))
        # The second render in another second of the clock, read again from the database:
        # anything taken from the time of rendering would differ.
        second = int(time.time())
        while int(time.time()) == second:
            time.sleep(0.05)
        again = _render(SummaryRevision.objects.get(pk=first.pk))
        later = SummaryRevisionFactory(summary=summary, text=TEXT.replace("carries a note", "has a note"))
        second_revision = _render(later)
        transaction.set_rollback(True)
    return Renders(pdf=pdf, again=again, second_revision=second_revision)


def test_crp_is_tagged_pdf_ua_in_english(renders):
    catalog = reader(renders.pdf).trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/Lang"] == "en"
    xmp = reader(renders.pdf).xmp_metadata
    assert xmp is not None
    parts = [
        node.getAttributeNS("http://www.aiim.org/pdfua/ns/id/", "part")
        for node in xmp.rdf_root.getElementsByTagNameNS(
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "Description"
        )
    ]
    assert "1" in parts


def test_crp_outline_is_the_four_section_headings(renders):
    outline = reader(renders.pdf).outline
    assert [normalise(entry.title) for entry in outline] == [
        f"{numeral}. {heading}" for numeral, heading in zip(["I", "II", "III", "IV"], HEADINGS, strict=True)
    ]


def test_crp_metadata_names_document_chair_and_dialogue(renders):
    metadata = reader(renders.pdf).metadata
    assert SYMBOL in metadata.title
    assert "Summary by the Chair" in metadata.title
    assert metadata.author == f"Ms. {CHAIR_NAME}"
    assert "6 May 2023" in metadata.subject
    assert GROUP in metadata.subject
    assert metadata.creation_date == SAVED_AT


def test_crp_same_revision_gives_same_bytes(renders):
    assert renders.again == renders.pdf


def test_crp_other_revision_gives_other_bytes(renders):
    assert renders.second_revision != renders.pdf
    assert "Paragraph thirteen has a note." in " ".join(page_texts(renders.second_revision))


def test_crp_footnote_on_the_page_of_its_call(renders):
    pages = page_texts(renders.pdf)
    assert len(pages) >= 3
    # The premise: the call, in paragraph 13, is on page 2.
    assert "13. Paragraph thirteen carries a note" in pages[1]
    assert NOTE in pages[1]
    assert NOTE not in pages[0]
    assert NOTE not in pages[2]


def test_crp_links_lead_to_the_texts_urls(renders):
    targets = link_targets(renders.pdf)
    # A URL broken over lines is an annotation per line, each to the whole URL.
    assert set(targets) == {RESOLUTION_URL, WEBPAGE_URL}


def test_crp_co_chairs_sign_as_co_chairs(db):
    dialogue = HeldDialogueFactory()
    DialogueChairFactory(dialogue=dialogue, honorific=DialogueChair.Honorific.MS, name="Ana Ejemplo", order=1)
    DialogueChairFactory(
        dialogue=dialogue, honorific=DialogueChair.Honorific.MR, name="Ben Beispiel", order=2
    )
    revision = SummaryRevisionFactory(summary=ChairSummaryFactory(dialogue=dialogue))

    pdf = _render(revision)

    first = page_texts(pdf)[0]
    assert "Summary by the Co-Chairs" in first
    assert "Summary by the Chair" not in first
    metadata = reader(pdf).metadata
    assert "Summary by the Co-Chairs" in metadata.title
    assert "Ana Ejemplo" in metadata.author
    assert "Ben Beispiel" in metadata.author


@pytest.fixture
def outside_server():
    """A web server on this machine that notes every request it gets."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()

        def log_message(self, format, *args):
            pass  # the test reads `requests`, not stderr

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()
    server.server_close()
    thread.join()


def test_crp_fetches_nothing_the_text_points_at(db, outside_server):
    base, requests = outside_server
    text = (
        "# Introduction\n\n"
        f'An image ![x]({base}/a.png) and raw HTML <img src="{base}/b.png"> '
        f'<link rel=stylesheet href="{base}/c.css"> and a [link]({base}/d).'
    )
    revision = SummaryRevisionFactory(text=text)

    pdf = _render(revision)

    assert requests == []
    # The link is still a link, for a reader to follow.
    assert f"{base}/d" in link_targets(pdf)


def test_render_pdf_refuses_outside_urls_and_says_so(outside_server, caplog):
    base, requests = outside_server
    with caplog.at_level(logging.WARNING, logger="dialogue_portal.pdf"):
        render_pdf(f'<img src="{base}/e.png" alt="">', stylesheet=f'@import url("{base}/f.css");')

    assert requests == []
    refusals = [
        r.getMessage()
        for r in caplog.records
        if r.name == "dialogue_portal.pdf" and r.levelno == logging.WARNING
    ]
    for url in (f"{base}/e.png", f"{base}/f.css"):
        assert any(f"refused to fetch {url}" in message for message in refusals), refusals


RUSSIAN = "Участники диалога подчеркнули важность международного сотрудничества."
ARABIC = "أكد المشاركون أهمية التعاون الدولي في مكافحة الجريمة المنظمة."


def test_crp_prints_russian_and_arabic_with_their_glyphs(db):
    revision = SummaryRevisionFactory(text=f"# Introduction\n\n{RUSSIAN}\n\n{ARABIC}")

    pdf = _render(revision)

    raw = "".join(raw_page_texts(pdf))
    text = normalise(raw)
    assert RUSSIAN in text
    assert "\ufffd" not in raw
    assert ".notdef" not in raw
    assert any(name.startswith("NotoNaskhArabic") for name in font_names(pdf)), font_names(pdf)
    # An extractor may give Arabic in visual order: its letters, not the string.
    assert letters(ARABIC) <= letters(raw)


def test_crp_stays_english_whatever_the_interface_language(db):
    """The Chair may work in Arabic: the paper the secretariat publishes is English, its
    date too."""
    dialogue = HeldDialogueFactory(session__working_group__name=GROUP, session__number=9)
    DialogueChairFactory(dialogue=dialogue, honorific=DialogueChair.Honorific.MS, name=CHAIR_NAME)
    revision = SummaryRevisionFactory(summary=ChairSummaryFactory(dialogue=dialogue, symbol=SYMBOL))
    with translation.override("ar"):
        first = normalise(page_texts(_render(revision))[0])
    assert "Summary by the Chair" in first
    assert "English" in first
    assert re.search(
        r"\b\d{1,2} (January|February|March|April|May|June|July|August|September|"
        r"October|November|December) \d{4}\b",
        first,
    )
    assert not letters(first) & letters("الفريق العامل المعني بالأسلحة النارية")
