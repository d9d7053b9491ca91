"""The secretariat's written-comment pages: the moderation queue and one comment's decisions.

Every view is behind ``secretariat_required`` (the login page for visitors, 404 for
anyone else) and fetches through ``permissions``; every change is a service's. A refusal
that names a field (a missing reason) is shown next to it; any other (no consent to
publication, a move the lifecycle does not allow) is shown as a message, nothing changed.
"""

from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from dialogue_portal.history import history
from dialogue_portal.roles import secretariat_required
from dialogue_portal.state_change import Action, Lifecycle, StateChangeView, page_errors

from .. import services
from ..forms import PublishForm, QueueFilterForm, ReasonForm
from ..models import WrittenComment
from ..permissions import can_publish, can_publish_anonymously, get_comment_for_secretariat

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
    return _("The comment %(tracking_number)s is published.") % {"tracking_number": comment.tracking_number}


def _publish_anonymously(comment: WrittenComment, data: dict, by) -> str:
    services.comment_publish(comment=comment, by=by, anonymously=True)
    return _("The comment %(tracking_number)s is published without the organisation's name.") % {
        "tracking_number": comment.tracking_number
    }


def _reject(comment: WrittenComment, data: dict, by) -> str:
    services.comment_reject(comment=comment, by=by, reason=data["reason"])
    return _("The comment %(tracking_number)s is rejected; the submitter reads the reason.") % {
        "tracking_number": comment.tracking_number
    }


def _unpublish(comment: WrittenComment, data: dict, by) -> str:
    services.comment_unpublish(comment=comment, by=by, reason=data["reason"])
    return _("The comment %(tracking_number)s is taken off the public page.") % {
        "tracking_number": comment.tracking_number
    }


# The secretariat's decisions on a comment; what a page offers follows from NEXT_STATES
# and the predicates of submissions.permissions, which the services ask too.
LIFECYCLE = Lifecycle(
    next_states=services.NEXT_STATES,
    actions=[
        Action(
            slug="publish",
            target=State.PUBLISHED,
            heading=gettext_lazy("Publish"),
            label=gettext_lazy("Publish with the organisation's name"),
            explanation=gettext_lazy(
                "The comment appears on the public page of written comments; the submitter is told by e-mail."
            ),
            form_class=PublishForm,
            perform=_publish,
            allowed=can_publish,
        ),
        Action(
            slug="publish-anonymously",
            target=State.PUBLISHED,
            heading=gettext_lazy("Publish without the organisation's name"),
            label=gettext_lazy("Publish without the name"),
            explanation=gettext_lazy(
                "The organisation asked for it, for protection from reprisals: the public page says "
                "“a non-governmental organization”."
            ),
            form_class=PublishForm,
            perform=_publish_anonymously,
            allowed=can_publish_anonymously,
        ),
        Action(
            slug="reject",
            target=State.REJECTED,
            heading=gettext_lazy("Reject"),
            label=gettext_lazy("Reject the comment"),
            explanation=gettext_lazy("The submitter reads the reason."),
            form_class=ReasonForm,
            perform=_reject,
            confirm=True,
            consequences=gettext_lazy(
                "The submitter is e-mailed the decision and its reason. A rejected comment is never "
                "published and cannot be submitted again."
            ),
            style="secondary",
        ),
        Action(
            slug="unpublish",
            target=State.UNPUBLISHED,
            heading=gettext_lazy("Take off the public page"),
            label=gettext_lazy("Unpublish the comment"),
            explanation=gettext_lazy("The submitter reads the reason."),
            form_class=ReasonForm,
            perform=_unpublish,
            confirm=True,
            consequences=gettext_lazy(
                "The comment leaves the public page and its search at once; the submitter is e-mailed "
                "the reason. It cannot be published again."
            ),
            style="secondary",
        ),
    ],
)


def _render_comment(request: HttpRequest, comment: WrittenComment, *, failed=None) -> HttpResponse:
    offers = LIFECYCLE.offers(
        comment, url=lambda slug: reverse("submissions:staff_action", args=[comment.pk, slug]), failed=failed
    )
    return render(
        request,
        "submissions/staff/comment.html",
        {
            "comment": comment,
            "organisation": comment.organisation,
            "attachments": comment.attachments.order_by("created_at", "id"),
            "history": history(comment),
            "offers": offers,
            # Keyed for the template, which cannot read "publish-anonymously".
            "forms": {offer.action.key: offer.form for offer in offers},
            "errors": page_errors(failed, offers),
        },
    )


@secretariat_required
@require_safe
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_comment(request, get_comment_for_secretariat(request.user, pk))


@method_decorator(secretariat_required, name="dispatch")
class CommentStateChange(StateChangeView):
    lifecycle = LIFECYCLE

    def get_object(self, request, pk: int):
        return get_comment_for_secretariat(request.user, pk)

    def page_url(self, comment):
        return reverse("submissions:staff_comment", args=[comment.pk])

    def render_page(self, request, comment, *, failed):
        return _render_comment(request, comment, failed=failed)

    def confirm_context(self, comment):
        return {
            "object_name": comment.tracking_number or comment.title,
            "nav_template": "submissions/staff/includes/nav.html",
        }


comment_action = CommentStateChange.as_view()
