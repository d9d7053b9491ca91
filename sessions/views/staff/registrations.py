"""The applications to take part in a dialogue, and the Extended Bureau's decisions on them."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dialogue_portal.history import history
from dialogue_portal.roles import secretariat_required
from stakeholders.models import Representative

from ... import selectors, services
from ...models import Registration
from ...staff_forms import (
    ApplicationFilterForm,
    ApproveForm,
    BulkDecisionForm,
    DeclineForm,
    add_service_errors,
)
from ._common import _dialogue, _error_summary

# --- Applications and the Extended Bureau's decisions ---------------------------------


def _decide(registration: Registration, *, decision: str, by: Any, reason: str = "", travel=False):
    if decision == BulkDecisionForm.APPROVE:
        services.registration_approve(registration=registration, by=by, travel_support_granted=travel)
    else:
        services.registration_decline(registration=registration, by=by, reason=reason)


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
                # All or none: a refusal for one leaves the others, and their e-mails, undone.
                with transaction.atomic():
                    for registration in chosen:
                        registration.dialogue = dialogue
                        try:
                            _decide(
                                registration,
                                decision=decision,
                                by=request.user,
                                reason=form.cleaned_data["reason"],
                            )
                        except ValidationError as error:
                            if hasattr(error, "error_dict") or len(chosen) == 1:
                                raise
                            # Among several, say which application was refused.
                            raise ValidationError(
                                [f"{registration.organisation.name}: {message}" for message in error.messages]
                            ) from error
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


def _application_forms(registration: Registration, data=None, only: str = "") -> dict:
    forms = {
        "approve": lambda: ApproveForm(data, registration=registration, auto_id="id_approve_%s"),
        "decline": lambda: DeclineForm(data, auto_id="id_decline_%s"),
    }
    return {name: make() for name, make in forms.items() if not only or name == only}


@secretariat_required
def application(request, pk: int, registration_pk: int):
    dialogue = _dialogue(request.user, pk)
    registration = get_object_or_404(
        Registration.objects.select_related("organisation").prefetch_related(
            Prefetch("representatives", queryset=Representative.objects.order_by("name", "id"))
        ),
        dialogue=dialogue,
        pk=registration_pk,
    )
    registration.dialogue = dialogue
    forms = _application_forms(registration) if registration.state == Registration.State.APPLIED else {}
    errors = []
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        if decision not in ("approve", "decline"):
            raise Http404
        form = _application_forms(registration, request.POST, only=decision)[decision]
        if form.is_valid():
            try:
                _decide(
                    registration,
                    decision=decision,
                    by=request.user,
                    reason=form.cleaned_data.get("reason", ""),
                    travel=form.cleaned_data.get("travel_support_granted", False),
                )
            except ValidationError as error:
                add_service_errors(form, error)
                registration.refresh_from_db()
            else:
                if decision == "approve":
                    done = _(
                        "The application of %(organisation)s is approved; its representatives are e-mailed."
                    )
                else:
                    done = _(
                        "The application of %(organisation)s is declined; its focal points are e-mailed."
                    )
                messages.success(request, done % {"organisation": registration.organisation.name})
                return redirect("staff_application", dialogue.pk, registration.pk)
        if registration.state == Registration.State.APPLIED:
            forms[decision] = form
        errors = _error_summary(form, linked=decision in forms)
    return render(
        request,
        "sessions/staff/application.html",
        {
            "dialogue": dialogue,
            "registration": registration,
            "organisation": registration.organisation,
            "forms": forms,
            "errors": errors,
            "history": history(registration),
        },
    )
