"""The summary's PDFs on its page: "Generate PDF", the state of each render as it changes,
and the download of any of them, for the dialogue's Chairs and the secretariat.

The render itself runs in a worker (``reports.tasks.render_crp``); the page shows each
document's state, which a small script (static/js/crp-status.js) refreshes from the
status URL until the render ends. Without JavaScript, reloading the page shows it.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from .. import permissions, services
from .editor import summary_url


@require_POST
def generate(request: HttpRequest, pk: int) -> HttpResponse:
    _dialogue, summary, role = permissions.get_summary_for_user(request.user, pk)
    if summary is None:
        raise Http404
    try:
        document = services.crp_generate(summary=summary, by=request.user, role=role)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(summary_url(pk) + "#documents-heading")
    document.refresh_from_db()
    if document.is_succeeded:
        messages.success(request, _("The PDF %(symbol)s is ready.") % {"symbol": document.symbol})
    elif document.is_failed:
        messages.error(request, document.message)
    else:
        messages.success(request, _("The PDF is being made; this page shows when it is ready."))
    return redirect(summary_url(pk) + "#documents-heading")


@require_safe
def status(request: HttpRequest, pk: int, document: int) -> JsonResponse:
    summary, document_ = permissions.get_summary_document_for_user(request.user, pk, document)
    row = render_to_string(
        "reports/includes/document_row.html", {"document": document_, "dialogue": summary.dialogue}, request
    )
    return JsonResponse(
        {"state": document_.state, "done": document_.is_succeeded or document_.is_failed, "row": row},
        headers={"Cache-Control": "no-store"},
    )


@require_safe
def download(request: HttpRequest, pk: int, document: int) -> HttpResponse:
    _summary, document_ = permissions.get_summary_document_for_user(request.user, pk, document)
    if not document_.is_succeeded:
        raise Http404
    return FileResponse(
        document_.file.open("rb"),
        content_type="application/pdf",
        headers={
            "Content-Disposition": content_disposition_header(
                False, f"{services.document_slug(document_.symbol)}.pdf"
            ),
            "Cache-Control": "private, no-store",
        },
    )
