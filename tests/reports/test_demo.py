"""The demo's summaries: the reference's, published as its CRP and linked to its Chair; the
upcoming one empty."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from dialogue_portal.demo import CHAIR_ID, FIRST_CHAIR_ID
from reports import markup
from reports.models import ChairSummary, CrpDocument
from sessions.demo import FIRST_DIALOGUE_ID, UPCOMING_DIALOGUE_ID
from sessions.models import DialogueChair

from .crp_pdf import page_texts


@pytest.fixture
def demo(db, settings):
    settings.DEMO_ACCOUNTS = True
    call_command("load_demo", stdout=io.StringIO())


def test_demo_first_summary_is_published_as_its_crp_with_the_reference_symbol(demo, client):
    summary = ChairSummary.objects.select_related("current_revision__author").get(
        dialogue_id=FIRST_DIALOGUE_ID
    )

    assert summary.state == ChairSummary.State.PUBLISHED
    assert summary.symbol == "CTOC/COP/WG.6/2022/CRP.2"
    assert summary.current_revision.number == 1
    assert summary.current_revision.author_id == FIRST_CHAIR_ID
    document = CrpDocument.objects.published().get(summary=summary)
    assert (document.symbol, document.revision, document.pages) == (
        summary.symbol,
        summary.current_revision,
        4,
    )
    listed = client.get(reverse("reports:documents")).content.decode()
    assert summary.symbol in listed
    served = client.get(reverse("reports:document_latest", args=["CTOC-COP-WG.6-2022-CRP.2"]))
    assert "CTOC/COP/WG.6/2022/CRP.2" in page_texts(b"".join(served.streaming_content))[0]


def test_demo_loaded_again_publishes_nothing_twice(demo):
    call_command("load_demo", stdout=io.StringIO())

    assert CrpDocument.objects.count() == 1


def test_demo_first_summary_reads_as_the_reference(demo):
    document = markup.render(ChairSummary.objects.get(dialogue_id=FIRST_DIALOGUE_ID).current_revision.text)

    assert [(section.numeral, section.title_text.split()[0]) for section in document.sections] == [
        ("I", "Introduction"),
        ("II", "Opening"),
        ("III", "Briefing"),
        ("IV", "Collection"),
    ]
    assert [paragraph.number for paragraph in document.paragraphs] == list(range(1, 23))
    assert [(footnote.number, footnote.html) for footnote in document.footnotes] == [
        (1, "Hereinafter: UNTOC review mechanism.")
    ]
    assert not document.problems
    links = [
        link for paragraph in document.paragraphs for link in re.findall(r'href="([^"]+)"', paragraph.html)
    ]
    assert len([link for link in links if not link.startswith("#")]) == 4


def test_demo_chairs_have_their_accounts_and_the_upcoming_summary_is_empty(demo):
    assert DialogueChair.objects.get(dialogue_id=FIRST_DIALOGUE_ID).user_id == FIRST_CHAIR_ID
    assert DialogueChair.objects.get(dialogue_id=UPCOMING_DIALOGUE_ID).user_id == CHAIR_ID
    upcoming = ChairSummary.objects.get(dialogue_id=UPCOMING_DIALOGUE_ID)
    assert (upcoming.state, upcoming.current_revision) == (ChairSummary.State.DRAFT, None)
    assert re.fullmatch(r"CTOC/COP/WG\.7/\d{4}/CRP\.1", upcoming.symbol)


def test_demo_without_accounts_still_has_the_summaries(db):
    call_command("load_demo", stdout=io.StringIO())

    first = ChairSummary.objects.get(dialogue_id=FIRST_DIALOGUE_ID)
    assert first.current_revision.author is None
    assert ChairSummary.objects.filter(dialogue_id=UPCOMING_DIALOGUE_ID).exists()
