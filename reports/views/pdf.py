"""Preview as PDF: the CRP of the current revision, or of any revision, rendered on the spot.

For the dialogue's Chairs and the secretariat only (``reports.permissions``: 404 for
everyone else). The pipeline issue moves the render to the worker and keeps the file;
this preview renders each time and keeps nothing.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from .. import crp, permissions, services
from ..models import SummaryRevision


def _pdf_response(summary, revision: SummaryRevision) -> HttpResponse:
    rendered = crp.summary_pdf(revision=revision)
    # "CTOC-COP-WG.6-2022-CRP.2-revision-3.pdf": the symbol's slashes are no file name's.
    name = f"{services.document_slug(summary.symbol or 'summary')}-revision-{revision.number}.pdf"
    return HttpResponse(
        rendered.pdf,
        content_type="application/pdf",
        headers={
            "Content-Disposition": content_disposition_header(False, name),
            # A preview of a text still being written: never kept by a cache on the way.
            "Cache-Control": "private, no-store",
        },
    )


@require_safe
def summary_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    _dialogue, summary, _role = permissions.get_summary_for_user(request.user, pk)
    if summary is None or summary.current_revision is None:
        raise Http404
    summary.current_revision.summary = summary
    return _pdf_response(summary, summary.current_revision)


@require_safe
def summary_revision_pdf(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    summary, revision = permissions.get_revision_for_user(request.user, pk, number)
    revision.summary = summary
    return _pdf_response(summary, revision)
