"""The summary's one page: the editor, its live preview, what to draw from, and its review.

Everything is fetched through ``reports.permissions`` (404 for anyone but the dialogue's
Chairs and the secretariat, signed in or not) and changed by ``reports.services``. A
save that cannot land keeps the text that was sent in the editor: a conflict shows the
other person's paragraphs beside the user's own, an expired session keeps it across the
sign-in.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dialogue_portal.forms import add_service_errors, error_summary
from dialogue_portal.history import history
from dialogue_portal.state_change import StateChangeView, page_errors

from .. import markup, permissions, selectors, services
from ..forms import SummaryForm, SymbolForm
from ..models import SummaryRevision
from .review import LIFECYCLE, action_url

# The text a save sent when the session had expired, kept in the new (anonymous) session
# until the sign-in brings its author back to the editor.
KEPT_TEXT = "reports:kept-summary:{pk}"


def summary_url(dialogue_pk: int) -> str:
    return reverse("reports:summary", args=[dialogue_pk])


def problems_of(document: markup.Document) -> list[dict]:
    """The markup's problems in the interface's language, with their lines."""
    return [
        {"line": problem.line, "message": _(problem.message) % problem.params}
        for problem in document.problems
    ]


def render_editor(
    request: HttpRequest,
    dialogue,
    summary,
    role,
    *,
    form: SummaryForm | None = None,
    conflict: services.SummaryConflict | None = None,
    failed=None,
    symbol_form: SymbolForm | None = None,
    status: int = 200,
) -> HttpResponse:
    current = summary.current_revision if summary else None
    refusal = permissions.edit_refusal(summary, role)
    if form is None:
        form = SummaryForm(
            initial={"text": current.text if current else "", "base": current.pk if current else None}
        )
    text = form.data.get("text", "") if form.is_bound else form.initial.get("text", "")
    # A save refused on a read-only summary (approved or sent for review meanwhile): the
    # page has no editor to keep the text in, and must not show it as the summary. The
    # summary is shown as it stands; the text sent apart, to copy.
    unsaved_text = text if refusal and form.is_bound else ""
    if unsaved_text:
        text = current.text if current else ""
    document = markup.render(text)
    offers = (
        LIFECYCLE.offers(summary, url=lambda slug: action_url(dialogue.pk, slug), failed=failed)
        if summary
        else []
    )
    errors = error_summary(form) if form.is_bound and form.errors else page_errors(failed, offers)
    if symbol_form is not None and symbol_form.errors:
        errors = error_summary(symbol_form)
    return render(
        request,
        "reports/summary.html",
        {
            "dialogue": dialogue,
            "summary": summary,
            "role": role,
            "current": current,
            "read_only": refusal,
            "unsaved_text": unsaved_text,
            "form": form,
            "document": document,
            "problems": problems_of(document),
            "conflict": conflict,
            "offers": offers,
            "errors": errors,
            "sources": selectors.sources_for(dialogue),
            "symbol_form": symbol_form
            or (
                SymbolForm(initial={"symbol": summary.symbol})
                if summary and permissions.symbol_refusal(summary, role) is None
                else None
            ),
            "history": history(summary) if summary else [],
            "documents": list(selectors.documents_of(summary)) if summary else [],
            "generate_refusal": permissions.generate_refusal(summary, role) if summary else None,
            "can_start_from_data": refusal is None and not (current and current.text.strip()),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST" and not request.user.is_authenticated:
        # The session expired while the Chair typed: keep the text for after the sign-in.
        request.session[KEPT_TEXT.format(pk=pk)] = {
            "text": request.POST.get("text", "")[: SummaryForm.base_fields["text"].max_length],
            "base": request.POST.get("base", ""),
        }
        return redirect_to_login(summary_url(pk))
    dialogue, summary_, role = permissions.get_summary_for_user(request.user, pk)
    if request.method == "POST":
        return _save(request, dialogue, summary_, role)
    kept = request.session.pop(KEPT_TEXT.format(pk=pk), None)
    if kept is not None:
        messages.warning(
            request,
            _("You were signed out before your text was saved. It is below as you sent it: save it now."),
        )
        form = SummaryForm(kept)
        form.is_valid()
        return render_editor(request, dialogue, summary_, role, form=form)
    return render_editor(request, dialogue, summary_, role)


def _base_revision(summary, number_or_pk) -> SummaryRevision | None:
    if not number_or_pk or summary is None:
        return None
    # The base is the revision's primary key, but only one of this summary's.
    return SummaryRevision.objects.filter(summary=summary, pk=number_or_pk).first()


def _save(request: HttpRequest, dialogue, summary_, role) -> HttpResponse:
    form = SummaryForm(request.POST)
    if not form.is_valid():
        return render_editor(request, dialogue, summary_, role, form=form, status=400)
    if "preview" in request.POST:
        # Without JavaScript, "Preview" shows the page again with the text typed, not saved.
        return render_editor(request, dialogue, summary_, role, form=form)
    base = _base_revision(summary_, form.cleaned_data["base"])
    if form.cleaned_data["base"] and base is None:
        raise Http404
    try:
        summary_ = summary_ or services.summary_start(dialogue=dialogue, by=request.user)
        summary_.dialogue = dialogue
        saved = services.summary_save(
            summary=summary_, text=form.cleaned_data["text"], base=base, by=request.user, role=role
        )
    except services.SummaryConflict as conflict:
        # The next save from here is written from the revision saved meanwhile: the user
        # has now seen its paragraphs beside their own.
        data = request.POST.copy()
        data["base"] = conflict.current.pk
        form = SummaryForm(data)
        form.is_valid()
        messages.error(request, conflict.messages[0])
        summary_.refresh_from_db()
        return render_editor(request, dialogue, summary_, role, form=form, conflict=conflict, status=409)
    except ValidationError as error:
        add_service_errors(form, error)
        if summary_ is not None and summary_.pk:
            summary_.refresh_from_db()
        return render_editor(request, dialogue, summary_, role, form=form, status=409)
    messages.success(request, _saved_message(saved))
    return redirect(summary_url(dialogue.pk))


def _saved_message(saved: services.Saved) -> str:
    if saved.unchanged:
        return _("Nothing to save: the text is the same as revision %(number)s.") % {
            "number": saved.revision.number
        }
    if saved.merged_with is None:
        return _("Saved as revision %(number)s.") % {"number": saved.revision.number}
    firsts = "; ".join(f"“{_first_words(paragraph)}”" for paragraph in saved.merged) or "—"
    return _(
        "Saved as revision %(number)s, merged with revision %(other)s by %(author)s, saved meanwhile: "
        "your changes and theirs are both kept. Their paragraphs merged in: %(paragraphs)s"
    ) % {
        "number": saved.revision.number,
        "other": saved.merged_with.number,
        "author": services.author_name(saved.merged_with.author),
        "paragraphs": firsts,
    }


def _first_words(paragraph: str, count: int = 8) -> str:
    words = paragraph.split()
    return " ".join(words[:count]) + ("…" if len(words) > count else "")


@require_POST
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview and the markup's problems for the text posted, as a fragment the
    editor's script swaps in. Saves nothing."""
    permissions.get_summary_for_user(request.user, pk)
    form = SummaryForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    document = markup.render(form.cleaned_data["text"])
    return render(
        request, "reports/includes/preview.html", {"document": document, "problems": problems_of(document)}
    )


@require_POST
def from_data(request: HttpRequest, pk: int) -> HttpResponse:
    dialogue, summary_, role = permissions.get_summary_for_user(request.user, pk)
    try:
        saved = services.summary_write_from_data(
            dialogue=dialogue, summary=summary_, by=request.user, role=role
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "The opening is written from the portal's data, as revision %(number)s: "
                "read it and complete it."
            )
            % {"number": saved.revision.number},
        )
    return redirect(summary_url(pk))


@require_POST
def symbol(request: HttpRequest, pk: int) -> HttpResponse:
    dialogue, summary_, role = permissions.get_summary_for_user(request.user, pk)
    if summary_ is None or permissions.symbol_refusal(summary_, role) is not None:
        raise Http404
    form = SymbolForm(request.POST)
    if form.is_valid():
        try:
            services.summary_symbol_set(
                summary=summary_, symbol=form.cleaned_data["symbol"], by=request.user, role=role
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The symbol is now %(symbol)s.") % {"symbol": summary_.symbol})
            return redirect(summary_url(pk))
    return render_editor(request, dialogue, summary_, role, symbol_form=form, status=400)


class SummaryStateChange(StateChangeView):
    lifecycle = LIFECYCLE

    def get_object(self, request, pk: int):
        _dialogue, summary, _role = permissions.get_summary_for_user(request.user, pk)
        if summary is None:
            raise Http404
        return summary

    def page_url(self, summary):
        return reverse("reports:summary", args=[summary.dialogue_id])

    def render_page(self, request, summary, *, failed):
        return render_editor(request, summary.dialogue, summary, summary.drafter, failed=failed)

    def refresh(self, summary):
        dialogue, drafter = summary.dialogue, summary.drafter
        summary.refresh_from_db()
        summary.dialogue, summary.drafter = dialogue, drafter

    def confirm_context(self, summary):
        return {"object_name": summary.symbol or str(summary.dialogue)}


summary_action = SummaryStateChange.as_view()
