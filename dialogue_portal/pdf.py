"""The one place that calls WeasyPrint: HTML and a print stylesheet in, PDF bytes out.

Every PDF of the portal (the Chair's summary as a CRP, the circulation list's annex)
goes through ``render_pdf``, so all of them share what matters for a document that is
published: nothing is fetched but the portal's own static files (the text of a summary
is a Chair's, and an address in it must not make the server call out), the fonts are
the portal's own (the same glyphs on every machine), and the same input gives the same
bytes when the caller names the file's identifier and dates.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings

logger = logging.getLogger(__name__)


def static_root() -> Path:
    """The folder of the portal's own static files (fonts, print stylesheets, images)."""
    return Path(settings.BASE_DIR, "static").resolve()


def static_base_url() -> str:
    """The base URL against which a template's relative URLs resolve: ``static/``."""
    return static_root().as_uri() + "/"


@cache
def _fetcher_class():
    # Imported on first use: WeasyPrint takes a second to load, and few requests need it.
    import weasyprint

    class StaticOnlyFetcher(weasyprint.URLFetcher):
        """Fetches files under ``static/`` and refuses everything else, saying so in the log."""

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if path.is_relative_to(static_root()) and path.is_file():
                    return weasyprint.urls.URLFetcherResponse(url, path.read_bytes())
            logger.warning("PDF render: refused to fetch %s (only the portal's static files are read)", url)
            raise ValueError(f"not fetched: {url}")

    return StaticOnlyFetcher


# --- The structure tree ----------------------------------------------------------------
#
# WeasyPrint builds the tagged PDF's structure tree page by page: a paragraph that runs
# onto the next page becomes two P elements (and its section two Sect), and the notes of
# a page sit in one element after the page's text, away from their calls. A screen reader
# reads the tree, so the finisher below mends it once the tree is built: the parts of one
# HTML element are joined again, and each footnote becomes a Note right after its call.
# To know which HTML element a structure element comes from, the builder is wrapped once
# to leave it on the element (a Python attribute, never written to the file).


def _remember_html_elements() -> None:
    from weasyprint.pdf import tags

    build = getattr(tags, "_build_box_tree", None)
    if build is None or getattr(build, "remembers_html", False):
        return

    def build_box_tree(box, *args, **kwargs):
        for element in build(box, *args, **kwargs):
            if not hasattr(element, "html"):
                source = getattr(box, "_box", box)  # an absolutely positioned box's placeholder
                element.html = (source.element, source.element_tag) if source.element is not None else None
            yield element

    build_box_tree.remembers_html = True
    tags._build_box_tree = build_box_tree


def _is_struct_element(value) -> bool:
    return isinstance(value, dict) and value.get("Type") == "/StructElem"


def _mend_structure_tree(document, pdf) -> None:
    """The finisher: one element per HTML element, and notes after their calls."""
    root = pdf.catalog.get("StructTreeRoot")
    if root is None:
        return

    def obj(reference):
        return pdf.objects[int(reference.split()[0])] if isinstance(reference, bytes) else None

    top = obj(obj(root)["K"][0])
    by_html: dict = {}

    def index(element):
        key = getattr(element, "html", None)
        if key is not None:
            by_html.setdefault(key, []).append(element)
        for kid in element["K"]:
            if _is_struct_element(child := obj(kid)):
                index(child)

    index(top)

    # Each footnote's body (the element the CSS floats) goes right after its call.
    for area_reference in list(top["K"]):
        area = obj(area_reference)
        if not _is_struct_element(area) or getattr(area, "html", None) is not None:
            continue
        for note_reference in list(area["K"]):
            note = obj(note_reference)
            key = getattr(note, "html", None)
            calls = by_html.get((key[0], f"{key[1]}::footnote-call"), []) if key else []
            if not calls:
                continue
            call = calls[0]
            holder = obj(call["P"])
            holder["K"].insert(holder["K"].index(call.reference) + 1, note.reference)
            note["P"] = holder.reference
            note["S"] = "/Note"
            area["K"].remove(note_reference)
        if not area["K"]:
            top["K"].remove(area_reference)

    def join(element):
        kids = []
        for reference in element["K"]:
            kid, previous = obj(reference), obj(kids[-1]) if kids else None
            if (
                _is_struct_element(kid)
                and _is_struct_element(previous)
                and getattr(kid, "html", None) is not None
                and kid.html == getattr(previous, "html", None)
                and kid["S"] == previous["S"]
                # Marked content numbers belong to the element's page: those stay apart.
                and not any(isinstance(k, int) for k in (*kid["K"], *previous["K"]))
            ):
                for moved in kid["K"]:
                    if _is_struct_element(moved_element := obj(moved)):
                        moved_element["P"] = previous.reference
                    previous["K"].append(moved)
                continue
            kids.append(reference)
        element["K"][:] = kids
        for reference in kids:
            if _is_struct_element(kid := obj(reference)):
                join(kid)

    join(top)


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int


def render_pdf(
    html: str,
    *,
    stylesheet: str,
    identifier: bytes | None = None,
    variant: str | None = None,
) -> Rendered:
    """Render ``html`` with ``stylesheet`` (CSS text; relative URLs resolve in ``static/``).

    ``identifier`` becomes the file identifier of the PDF (else WeasyPrint derives one
    from the time); ``variant`` is a WeasyPrint PDF variant such as ``"pdf/ua-1"``,
    which also writes the structure tree.
    """
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    _remember_html_elements()
    fetcher = _fetcher_class()()
    base_url = static_base_url()
    # One font configuration for the stylesheets and the render: without it WeasyPrint
    # skips the @font-face rules of static/pdf/fonts.css, and the PDF is set in whatever
    # the machine has (a server with Liberation Serif installed hid that; one without
    # printed the CRP in DejaVu Serif).
    fonts = FontConfiguration()
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
        stylesheets=[
            weasyprint.CSS(string=stylesheet, base_url=base_url, url_fetcher=fetcher, font_config=fonts)
        ],
        font_config=fonts,
    )
    pdf = document.write_pdf(pdf_identifier=identifier, pdf_variant=variant, finisher=_mend_structure_tree)
    return Rendered(pdf=pdf, pages=len(document.pages))
