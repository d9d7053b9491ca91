"""Review and approval of a summary: the desk's one state-change view, with the moves of
``reports.services`` and the predicates of ``reports.permissions``."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dialogue_portal.state_change import Action, Lifecycle

from .. import permissions, services
from ..forms import ReopenForm, SendBackForm
from ..models import ChairSummary

State = ChairSummary.State


def action_url(dialogue_pk: int, slug: str) -> str:
    return reverse("reports:summary_action", args=[dialogue_pk, slug])


def _send_for_review(summary, data, by) -> str:
    services.summary_send_for_review(summary=summary, by=by, role=summary.drafter)
    return _("The summary is with the secretariat for review; they have been told by e-mail.")


def _send_back(summary, data, by) -> str:
    services.summary_send_back(summary=summary, by=by, role=summary.drafter, note=data["note"])
    return _("The summary is a draft again; the Chairs have been sent your note.")


def _approve(summary, data, by) -> str:
    services.summary_approve(summary=summary, by=by, role=summary.drafter)
    return _("The summary is approved: it is read-only now, and the secretariat has been told.")


def _reopen(summary, data, by) -> str:
    services.summary_reopen(summary=summary, by=by, role=summary.drafter, reason=data["reason"])
    return _("The summary is reopened: a draft again, to be approved once more.")


def _publish(summary, data, by) -> str:
    document = services.summary_publish(summary=summary, by=by, role=summary.drafter)
    return _(
        "%(symbol)s is published on the documents page; the Chairs and the participating "
        "organisations have been told."
    ) % {"symbol": document.symbol}


def _allowed(refusal):
    return lambda summary: refusal(summary, summary.drafter) is None


LIFECYCLE = Lifecycle(
    next_states=services.NEXT_STATES,
    actions=[
        Action(
            slug="send-for-review",
            target=State.IN_REVIEW,
            label=gettext_lazy("Send for review"),
            explanation=gettext_lazy(
                "The secretariat reviews the text and may edit it; meanwhile the Chairs read it only."
            ),
            perform=_send_for_review,
            allowed=_allowed(permissions.send_for_review_refusal),
        ),
        Action(
            slug="approve",
            target=State.APPROVED,
            label=gettext_lazy("Approve the summary"),
            heading=gettext_lazy("Approve"),
            explanation=gettext_lazy("The text as it stands becomes the summary by the Chair."),
            perform=_approve,
            allowed=_allowed(permissions.approve_refusal),
            confirm=True,
            consequences=gettext_lazy(
                "The summary becomes read-only, ready for the secretariat to publish as a Conference Room "
                "Paper; the secretariat is e-mailed. To change it afterwards it must be reopened."
            ),
        ),
        Action(
            slug="publish",
            target=State.PUBLISHED,
            label=gettext_lazy("Publish the Conference Room Paper"),
            heading=gettext_lazy("Publish"),
            explanation=gettext_lazy("The PDF of the approved text goes on the public documents page."),
            perform=_publish,
            allowed=_allowed(permissions.publish_refusal),
            confirm=True,
            consequences=gettext_lazy(
                "Anyone can then read and download the PDF, and it never changes: a correction is "
                "published as a revision (/Rev.1). The Chairs and the focal points of the "
                "participating organisations are e-mailed."
            ),
        ),
        Action(
            slug="send-back",
            target=State.DRAFT,
            label=gettext_lazy("Send back to the Chairs"),
            explanation=gettext_lazy("The summary becomes a draft again; the Chairs read your note."),
            form_class=SendBackForm,
            perform=_send_back,
            allowed=_allowed(permissions.send_back_refusal),
            style="secondary",
        ),
        Action(
            slug="reopen",
            target=State.DRAFT,
            label=gettext_lazy("Reopen for editing"),
            explanation=gettext_lazy(
                "An approved or published summary is read-only; reopened, it is a draft again."
            ),
            form_class=ReopenForm,
            perform=_reopen,
            allowed=_allowed(permissions.reopen_refusal),
            confirm=True,
            consequences=gettext_lazy(
                "The approval is withdrawn: the summary must be approved again. A CRP already published "
                "stays as it is until its correction (/Rev.1) is published. The Chairs and the "
                "secretariat are e-mailed the reason."
            ),
            style="secondary",
        ),
    ],
)
