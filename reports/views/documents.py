"""The public side of the CRPs: the list of published documents with its filters, the
downloads (the latest of a symbol, and each revision), and the Atom feed.

Every document shown or served here comes through ``selectors.published_documents`` or
``selectors.published_document``: a document not published yet is not found, for everyone
(its Chairs and the secretariat read it from the summary's pages, not from these URLs).

A published document never changes (its file is named by its SHA-256): each revision's
URL may be kept by any cache for a year. The latest URL of a symbol changes when a
correction is published, so caches keep it a few minutes only. Both answer a conditional
request with the SHA-256 as ETag by 304 without opening the file.
"""

import functools

from django import forms
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import condition, require_safe

from dialogue_portal.forms import PortalForm

from .. import selectors
from ..feeds import LatestDocumentsFeed
from ..models import CrpDocument
from ..services import document_slug

PER_PAGE = 25
# A revision's bytes never change; the latest URL moves to a correction once it is published.
REVISION_MAX_AGE = 365 * 24 * 60 * 60
LATEST_MAX_AGE = 5 * 60

feed = LatestDocumentsFeed()


# --- The list -----------------------------------------------------------------------------


class DocumentFilterForm(PortalForm):
    group = forms.TypedChoiceField(
        label=gettext_lazy("Working group"), required=False, coerce=int, empty_value=None
    )
    year = forms.TypedChoiceField(
        label=gettext_lazy("Year of the dialogue"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, working_groups=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", _("All working groups"))] + [
            (group.pk, group.name) for group in working_groups
        ]
        self.fields["year"].choices = [("", _("All years"))] + [(year, str(year)) for year in years]


def document_links(document: CrpDocument) -> CrpDocument:
    """Give the document the URLs its row links: ``url`` (this revision's download) and
    ``latest_url`` (the latest of its summary's)."""
    slug = document_slug(document.summary.symbol)
    document.url = reverse("reports:document_revision", args=[slug, document.correction])
    document.latest_url = reverse("reports:document_latest", args=[slug])
    return document


@require_safe
def document_list(request: HttpRequest):
    form = DocumentFilterForm(
        request.GET or None,
        working_groups=selectors.document_working_groups(),
        years=selectors.document_years(),
    )
    if not form.is_bound:
        documents = selectors.published_documents()
    elif form.is_valid():
        documents = selectors.published_documents(
            working_group=form.cleaned_data["group"], year=form.cleaned_data["year"]
        )
    else:  # a value not offered: nothing matches, rather than silently widening the list
        documents = CrpDocument.objects.none()
    page = Paginator(documents, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = [document_links(row) for row in selectors.share_dialogue_ordinals(page.object_list)]
    return render(request, "reports/documents/list.html", {"form": form, "page": page})


# --- Downloads ----------------------------------------------------------------------------


def _document(request: HttpRequest, slug: str, correction: int | None = None) -> CrpDocument | None:
    """The published document the URL names, read once per request: the ETag and the
    response both need it."""
    key = (slug, correction)
    found = getattr(request, "_crp_documents", None)
    if found is None:
        found = request._crp_documents = {}
    if key not in found:
        found[key] = selectors.published_document(slug, correction)
    return found[key]


def _etag(request: HttpRequest, slug: str, correction: int | None = None) -> str | None:
    document = _document(request, slug, correction)
    return document.sha256 if document else None


def _cached_for(max_age: int, *, immutable: bool = False):
    """Cache headers on the file and on the 304 that stands for it (Django's ``condition``
    answers that one without the view); a 404 gets none."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if response.status_code in (200, 304):
                directives = {"immutable": True} if immutable else {}
                patch_cache_control(response, public=True, max_age=max_age, **directives)
            return response

        return wrapped

    return decorator


def _file_response(document: CrpDocument | None) -> FileResponse:
    if document is None:
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle, content_type="application/pdf", filename=f"{document_slug(document.symbol)}.pdf"
    )


@require_safe
@_cached_for(LATEST_MAX_AGE)
@condition(etag_func=_etag)
def document_latest(request: HttpRequest, slug: str):
    return _file_response(_document(request, slug))


@require_safe
@_cached_for(REVISION_MAX_AGE, immutable=True)
@condition(etag_func=_etag)
def document_revision(request: HttpRequest, slug: str, correction: int):
    return _file_response(_document(request, slug, correction))
