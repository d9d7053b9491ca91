"""The applications to take part in a dialogue, and the Extended Bureau's decisions on them."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from dialogue_portal.history import history
from dialogue_portal.roles import secretariat_required
from dialogue_portal.state_change import Action, Lifecycle, StateChangeView, page_errors
from stakeholders.models import Representative

from ... import selectors, services
from ...models import Registration
from ...permissions import can_approve
from ...staff_forms import (
    ApplicationFilterForm,
    ApproveForm,
    BulkDecisionForm,
    DeclineForm,
    add_service_errors,
)
from ._common import _dialogue, _error_summary

State = Registration.State

# --- Applications and the Extended Bureau's decisions ---------------------------------


@secretariat_required
def applications(request, pk: int):
    dialogue = _dialogue(request.user, pk)
    filter_form = ApplicationFilterForm(request.GET or None)
    if request.method == "POST":
        form = BulkDecisionForm(request.POST, dialogue=dialogue, auto_id="id_bulk_%s")
        if form.is_valid():
            chosen = list(form.cleaned_data["registrations"])
            decision = form.cleaned_data["decision"]
            try:
                # All or none, in the service.
                services.registrations_decide(
                    registrations=chosen,
                    to=State.APPROVED if decision == BulkDecisionForm.APPROVE else State.DECLINED,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                done = (
                    ngettext(
                        "%(count)d application was approved.",
                        "%(count)d applications were approved.",
                        len(chosen),
                    )
                    if decision == BulkDecisionForm.APPROVE
                    else ngettext(
                        "%(count)d application was declined.",
                        "%(count)d applications were declined.",
                        len(chosen),
                    )
                )
                messages.success(request, done % {"count": len(chosen)})
                return redirect(request.get_full_path())
    else:
        form = BulkDecisionForm(dialogue=dialogue, auto_id="id_bulk_%s")

    rows = list(selectors.registrations_with_representatives(dialogue=dialogue, states=filter_form.states()))
    return render(
        request,
        "sessions/staff/applications.html",
        {
            "dialogue": dialogue,
            "filter_form": filter_form,
            "form": form,
            "rows": rows,
            "selected": {str(pk) for pk in form["registrations"].value() or []},
            "has_applied": any(row.state == Registration.State.APPLIED for row in rows),
            "errors": _error_summary(form) if form.errors else [],
        },
    )


def _approve(registration: Registration, data: dict, by: Any) -> str:
    services.registration_approve(
        registration=registration, by=by, travel_support_granted=data.get("travel_support_granted", False)
    )
    return _("The application of %(organisation)s is approved; its representatives are e-mailed.") % {
        "organisation": registration.organisation.name
    }


def _decline(registration: Registration, data: dict, by: Any) -> str:
    services.registration_decline(registration=registration, by=by, reason=data["reason"])
    return _("The application of %(organisation)s is declined; its focal points are e-mailed.") % {
        "organisation": registration.organisation.name
    }


# The Extended Bureau's decisions on one application; what the page offers follows from
# REGISTRATION_NEXT_STATES and sessions.permissions.can_approve, which the service asks too.
LIFECYCLE = Lifecycle(
    next_states=services.REGISTRATION_NEXT_STATES,
    actions=[
        Action(
            slug="approve",
            target=State.APPROVED,
            label=gettext_lazy("Approve the application"),
            heading=gettext_lazy("Approve"),
            explanation=gettext_lazy(
                "Each representative receives the meeting link and the practical details by e-mail."
            ),
            form_class=ApproveForm,
            form_kwargs=lambda registration: {"registration": registration},
            perform=_approve,
            allowed=can_approve,
        ),
        Action(
            slug="decline",
            target=State.DECLINED,
            label=gettext_lazy("Decline the application"),
            heading=gettext_lazy("Decline"),
            form_class=DeclineForm,
            perform=_decline,
            confirm=True,
            consequences=gettext_lazy(
                "The organisation's focal points are e-mailed the decision and its reason. "
                "A declined application cannot be reopened."
            ),
            style="secondary",
        ),
    ],
)


def _registration(user, pk: int, registration_pk: int) -> Registration:
    dialogue = _dialogue(user, pk)
    registration = get_object_or_404(
        Registration.objects.select_related("organisation").prefetch_related(
            Prefetch("representatives", queryset=Representative.objects.order_by("name", "id"))
        ),
        dialogue=dialogue,
        pk=registration_pk,
    )
    registration.dialogue = dialogue
    return registration


def _render_application(request, registration: Registration, *, failed=None):
    dialogue = registration.dialogue
    offers = LIFECYCLE.offers(
        registration,
        url=lambda slug: reverse("staff_application_action", args=[dialogue.pk, registration.pk, slug]),
        failed=failed,
    )
    return render(
        request,
        "sessions/staff/application.html",
        {
            "dialogue": dialogue,
            "registration": registration,
            "organisation": registration.organisation,
            "offers": offers,
            "forms": {offer.action.key: offer.form for offer in offers},
            "errors": page_errors(failed, offers),
            "history": history(registration),
        },
    )


@method_decorator(secretariat_required, name="dispatch")
class ApplicationStateChange(StateChangeView):
    lifecycle = LIFECYCLE

    def get_object(self, request, pk: int, registration_pk: int):
        return _registration(request.user, pk, registration_pk)

    def page_url(self, registration):
        return reverse("staff_application", args=[registration.dialogue_id, registration.pk])

    def render_page(self, request, registration, *, failed):
        return _render_application(request, registration, failed=failed)

    def refresh(self, registration):
        dialogue = registration.dialogue
        registration.refresh_from_db()
        registration.dialogue = dialogue

    def confirm_context(self, registration):
        return {
            "object_name": _("Application of %(name)s") % {"name": registration.organisation.name},
            "nav_template": "sessions/staff/includes/nav.html",
        }


application_action = ApplicationStateChange.as_view()


@secretariat_required
def application(request, pk: int, registration_pk: int):
    if request.method == "POST":
        # The decision posted to the page itself, as its forms once did: the action's URL decides.
        return application_action(
            request, pk=pk, registration_pk=registration_pk, action=request.POST.get("decision", "")
        )
    return _render_application(request, _registration(request.user, pk, registration_pk))
