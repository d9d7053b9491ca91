"""The Conference Room Paper: one summary revision, printed as the reference prints it.

The numbered document of ``markup.render`` goes into an HTML template and a print
stylesheet (``reports/pdf/summary.html`` and ``summary.css``), and
``dialogue_portal.pdf.render_pdf`` makes a tagged PDF/UA-1 of it. Everything that
varies between two renders of one revision is fixed by the revision: the creation date
is the revision's time, the file identifier a hash of the revision and its symbol. So
the same revision gives the same bytes, and the pipeline can tell a render it has
already made by its content hash.

A CRP is in English whatever the language of the page that asked for it: the document
goes to the Conference in the language of its original.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format

from dialogue_portal.pdf import Rendered, render_pdf
from sessions.models import Dialogue
from sessions.selectors import with_ordinals

from . import markup
from .models import SummaryRevision

PDF_VARIANT = "pdf/ua-1"

# The markup's footnote call: ``<sup class="footnote-ref"><a href="#fn-1" …>1</a></sup>``.
FOOTNOTE_CALL = re.compile(r'<sup class="footnote-ref"><a href="#fn-(\d+)"[^>]*>\d+</a></sup>')


@dataclass(frozen=True)
class PdfSource:
    html: str
    stylesheet: str
    identifier: bytes


def _footnotes_inline(document: markup.Document):
    """The document's HTML with each footnote's text at its first call, for ``float: footnote``.

    WeasyPrint lays out a footnote where its element stands in the flow, so the text
    goes where it is first called (and the structure tree has it there, after the words
    it annotates); a later call of the same note prints its number only.
    """
    texts = {footnote.number: footnote.html for footnote in document.footnotes}
    placed: set[int] = set()

    def call(match: re.Match) -> str:
        number = int(match[1])
        if number in placed or number not in texts:
            return f'<sup class="footnote-again">{number}</sup>'
        placed.add(number)
        return f'<span class="footnote">{texts[number]}</span>'

    sections = []
    for section in document.sections:
        blocks = [
            {"kind": block.kind, "number": block.number, "html": FOOTNOTE_CALL.sub(call, block.html)}
            for block in section.blocks
        ]
        sections.append(
            {
                "numeral": section.numeral,
                "title_html": FOOTNOTE_CALL.sub(call, section.title_html),
                "blocks": blocks,
            }
        )
    return sections


def pdf_source(revision: SummaryRevision, symbol: str | None = None) -> PdfSource:
    """The HTML, stylesheet and file identifier of this revision's CRP.

    ``symbol`` is the one to print (the pipeline passes ``…/Rev.1`` for a correction);
    by default, the summary's.
    """
    summary = revision.summary
    dialogue = with_ordinals(Dialogue.objects.select_related("session__working_group")).get(
        pk=summary.dialogue_id
    )
    chairs = list(dialogue.chairs.order_by("order", "pk"))
    symbol = symbol if symbol is not None else summary.symbol or ""
    created = revision.created_at.astimezone(dialogue.zone)
    with translation.override("en"):
        context = {
            "symbol": symbol,
            "date": date_format(created.date(), "DATE_FORMAT"),
            "created": created.isoformat(timespec="seconds"),
            "co_chairs": len(chairs) > 1,
            "author": ", ".join(f"{chair.honorific} {chair.name}" for chair in chairs),
            "subject": str(dialogue),
            "sections": _footnotes_inline(markup.render(revision.text)),
        }
        html = render_to_string("reports/pdf/summary.html", context)
        stylesheet = render_to_string("reports/pdf/summary.css")
    identifier = hashlib.sha256(f"summary-revision:{revision.pk}:{symbol}".encode()).hexdigest()[:32]
    return PdfSource(html=html, stylesheet=stylesheet, identifier=identifier.encode())


def summary_pdf(*, revision: SummaryRevision, symbol: str | None = None) -> Rendered:
    """The CRP of this revision: PDF bytes and the number of pages."""
    source = pdf_source(revision, symbol)
    return render_pdf(
        source.html, stylesheet=source.stylesheet, identifier=source.identifier, variant=PDF_VARIANT
    )
