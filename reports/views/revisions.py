"""A summary's revisions: the list, one revision, the difference between two, and a restore."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from .. import diff, markup, permissions, selectors, services
from ..forms import CompareForm
from ..models import SummaryRevision
from .editor import problems_of, summary_url


def _started_summary(request: HttpRequest, pk: int):
    dialogue, summary, role = permissions.get_summary_for_user(request.user, pk)
    if summary is None:
        raise Http404
    return dialogue, summary, role


@require_safe
def revision_list(request: HttpRequest, pk: int) -> HttpResponse:
    dialogue, summary, role = _started_summary(request, pk)
    revisions = list(selectors.revisions_of(summary))
    latest = revisions[0].number if revisions else None
    return render(
        request,
        "reports/revisions.html",
        {
            "dialogue": dialogue,
            "summary": summary,
            "revisions": revisions,
            "compare_form": CompareForm(
                initial={"old": latest - 1 if latest and latest > 1 else latest, "new": latest}
            ),
        },
    )


@require_safe
def revision_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    summary, revision = permissions.get_revision_for_user(request.user, pk, number)
    document = markup.render(revision.text)
    role = summary.drafter
    return render(
        request,
        "reports/revision.html",
        {
            "dialogue": summary.dialogue,
            "summary": summary,
            "revision": revision,
            "document": document,
            "problems": problems_of(document),
            "is_current": summary.current_revision_id == revision.pk,
            "can_restore": permissions.restore_refusal(summary, role) is None,
        },
    )


@require_safe
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    dialogue, summary, _role = _started_summary(request, pk)
    form = CompareForm(request.GET or None)
    rows, old, new = [], None, None
    if form.is_valid():
        revisions = SummaryRevision.objects.filter(
            summary=summary, number__in=[form.cleaned_data["old"], form.cleaned_data["new"]]
        )
        found = {revision.number: revision for revision in revisions.select_related("author")}
        old, new = found.get(form.cleaned_data["old"]), found.get(form.cleaned_data["new"])
        if old is None:
            form.add_error(
                "old", _("This summary has no revision %(number)s.") % {"number": form.cleaned_data["old"]}
            )
        if new is None:
            form.add_error(
                "new", _("This summary has no revision %(number)s.") % {"number": form.cleaned_data["new"]}
            )
        if old is not None and new is not None:
            rows = diff.compare(old.text, new.text)
    return render(
        request,
        "reports/compare.html",
        {
            "dialogue": dialogue,
            "summary": summary,
            "form": form,
            "old": old,
            "new": new,
            "rows": rows,
            "changed": sum(1 for row in rows if row.is_changed),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
def restore(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    summary, revision = permissions.get_revision_for_user(request.user, pk, number)
    # The revision the page showed as current; anything but one of this summary's is a 404.
    base_pk = request.POST.get("base", "")
    base = get_object_or_404(SummaryRevision, summary=summary, pk=int(base_pk) if base_pk.isdecimal() else 0)
    try:
        saved = services.summary_restore(
            summary=summary, revision=revision, base=base, by=request.user, role=summary.drafter
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:summary_revision", pk, number)
    messages.success(
        request,
        _("Revision %(new)s brings back the text of revision %(old)s.")
        % {"new": saved.revision.number, "old": revision.number},
    )
    return redirect(summary_url(pk))
