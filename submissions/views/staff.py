"""The secretariat's written-comment pages: the moderation queue and one comment's decisions.

Every view is behind ``secretariat_required`` (the login page for visitors, 404 for
anyone else) and fetches through ``permissions``; every change is a service's. A refusal
that names a field (a missing reason) is shown next to it; any other (no consent to
publication, a move the lifecycle does not allow) is shown as a message, nothing changed.
"""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from dialogue_portal.history import history
from dialogue_portal.roles import secretariat_required

from .. import services
from ..forms import PublishForm, QueueFilterForm, ReasonForm, add_service_errors, error_summary
from ..models import WrittenComment
from ..permissions import get_comment_for_secretariat

State = WrittenComment.State
QUEUE_PAGE_SIZE = 50


# --- The queue ------------------------------------------------------------------------------


def _queue_rows(
    *, dialogue=None, states=None, language: str = "", organisation=None
) -> QuerySet[WrittenComment]:
    """The comments matching the filters, with everything a row shows in one query."""
    rows = (
        WrittenComment.objects.exclude(state=State.DRAFT)
        .select_related("organisation", "dialogue__session__working_group", "agenda_item")
        .annotate(attachment_count=Count("attachments"))
        .defer("body", "search_vector")
    )
    if dialogue is not None:
        rows = rows.filter(dialogue=dialogue)
    if states:
        rows = rows.filter(state__in=states)
    if language:
        rows = rows.filter(language=language)
    if organisation is not None:
        rows = rows.filter(organisation=organisation)
    # To moderate: the oldest first, as they came in; otherwise the newest first.
    if states == [State.SUBMITTED]:
        return rows.order_by("received_at", "id")
    return rows.order_by("-received_at", "-id")


@secretariat_required
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    filter_form = QueueFilterForm(request.GET or None)
    page = Paginator(_queue_rows(**filter_form.filters()), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "submissions/staff/queue.html",
        {"filter_form": filter_form, "page": page, "filter_query": query.urlencode()},
    )


# --- One comment ----------------------------------------------------------------------------


def _publish(comment: WrittenComment, data: dict, by) -> str:
    services.comment_publish(comment=comment, by=by)
    return _("The comment %(tracking_number)s is published.")


def _publish_anonymously(comment: WrittenComment, data: dict, by) -> str:
    services.comment_publish(comment=comment, by=by, anonymously=True)
    return _("The comment %(tracking_number)s is published without the organisation's name.")


def _reject(comment: WrittenComment, data: dict, by) -> str:
    services.comment_reject(comment=comment, by=by, reason=data["reason"])
    return _("The comment %(tracking_number)s is rejected; the submitter reads the reason.")


def _unpublish(comment: WrittenComment, data: dict, by) -> str:
    services.comment_unpublish(comment=comment, by=by, reason=data["reason"])
    return _("The comment %(tracking_number)s is taken off the public page.")


# Each action slug: its form, and what it does (returning the message to show).
ACTIONS: dict[str, tuple[type, Callable[..., str]]] = {
    "publish": (PublishForm, _publish),
    "publish-anonymously": (PublishForm, _publish_anonymously),
    "reject": (ReasonForm, _reject),
    "unpublish": (ReasonForm, _unpublish),
}


def _form(action: str, data=None):
    return ACTIONS[action][0](data, auto_id=f"id_{action}_%s")


def _actions_for(comment: WrittenComment) -> list[str]:
    """The decisions open on the comment in its present state."""
    if comment.state == State.SUBMITTED:
        publish = []
        if comment.consent_to_publish:
            publish = ["publish", "publish-anonymously"] if comment.anonymity_requested else ["publish"]
        return [*publish, "reject"]
    if comment.state == State.PUBLISHED:
        return ["unpublish"]
    return []


def _render_comment(
    request: HttpRequest, comment: WrittenComment, *, failed: str = "", failed_form=None
) -> HttpResponse:
    forms = {action: _form(action) for action in _actions_for(comment)}
    if failed in forms:
        forms[failed] = failed_form
    # Keyed for the template, which cannot read "publish-anonymously".
    forms = {action.replace("-", "_"): form for action, form in forms.items()}
    return render(
        request,
        "submissions/staff/comment.html",
        {
            "comment": comment,
            "organisation": comment.organisation,
            "attachments": comment.attachments.order_by("created_at", "id"),
            "history": history(comment),
            "forms": forms,
            "errors": error_summary(failed_form) if failed_form is not None else [],
        },
    )


@secretariat_required
@require_safe
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_comment(request, get_comment_for_secretariat(request.user, pk))


@secretariat_required
@require_POST
def comment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    comment = get_comment_for_secretariat(request.user, pk)
    if action not in ACTIONS:
        raise Http404
    form = _form(action, request.POST)
    if form.is_valid():
        try:
            done = ACTIONS[action][1](comment, form.cleaned_data, request.user)
        except ValidationError as error:
            comment.refresh_from_db()
            names_a_field = hasattr(error, "error_dict") and any(
                name in form.fields for name in error.error_dict
            )
            if not names_a_field:
                messages.error(request, " ".join(error.messages))
                return redirect("submissions:staff_comment", comment.pk)
            add_service_errors(form, error)
        else:
            messages.success(request, done % {"tracking_number": comment.tracking_number})
            return redirect("submissions:staff_comment", comment.pk)
    return _render_comment(request, comment, failed=action, failed_form=form)
