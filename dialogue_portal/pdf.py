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

    fetcher = _fetcher_class()()
    base_url = static_base_url()
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
        stylesheets=[weasyprint.CSS(string=stylesheet, base_url=base_url, url_fetcher=fetcher)],
    )
    pdf = document.write_pdf(pdf_identifier=identifier, pdf_variant=variant)
    return Rendered(pdf=pdf, pages=len(document.pages))
