"""The secretariat's desk: acting on an organisation's behalf.

Much reaches the secretariat by e-mail. From these pages it registers an organisation
that has no focal point yet, invites its focal point, adds its representatives, records
its request for accreditation with the day it was received, and records what happened to
the request with the day it happened. Each act goes through the same service as the
focal point's own, whose audit row names the staff member and the organisation.

Every view is behind ``secretariat_required`` (the login page for visitors, 404 for
anyone else) and fetches through the permission helpers.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from dialogue_portal.forms import add_service_errors, error_summary
from dialogue_portal.history import history
from dialogue_portal.models import AuditEvent

from .. import selectors, services
from ..desk_forms import (
    AccreditationDecisionForm,
    AccreditationRecordForm,
    DeskInvitationForm,
    DeskOrganisationForm,
    DeskRepresentativeForm,
)
from ..models import Accreditation, Organisation, Representative
from ..permissions import can_admit, get_organisation_for_secretariat, secretariat_required

State = Accreditation.State
PAGE_SIZE = 50

GET_POST = require_http_methods(["GET", "POST"])


def _data(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def _form_page(
    request: HttpRequest, form, *, organisation: Organisation | None = None, **context
) -> HttpResponse:
    return render(
        request,
        "stakeholders/staff/desk/form.html",
        {"form": form, "organisation": organisation, "errors": error_summary(form), **context},
    )


def _current(organisation: Organisation) -> Accreditation | None:
    return organisation.accreditations.current().select_related("circulation_list").first()


# --- The organisations ----------------------------------------------------------------


@secretariat_required
@require_safe
def organisations(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "")[:300]
    page = Paginator(selectors.organisations_for_secretariat(search=search), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = list(page.object_list)
    labels = dict(State.choices)
    for row in page.object_list:
        row.accreditation_label = labels.get(row.accreditation_state, "")
    return render(
        request,
        "stakeholders/staff/desk/organisations.html",
        {"page": page, "search": search},
    )


@secretariat_required
@GET_POST
def register(request: HttpRequest) -> HttpResponse:
    form = DeskOrganisationForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_register(
                user=request.user, on_behalf=True, **form.cleaned_data
            )
        except services.DuplicateOrganisation as exc:
            # The secretariat sees every organisation: the refusal links to the one it matches.
            form.add_error(
                next(iter(exc.error_dict)),
                format_html(
                    '{} <a href="{}">{}</a>',
                    exc.messages[0],
                    reverse("stakeholders:staff_organisation", args=[exc.existing.pk]),
                    _("Open its page."),
                ),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(organisation)s is registered. Invite its focal point when you know who it is.")
                % {"organisation": organisation.name},
            )
            return redirect("stakeholders:staff_organisation", organisation.pk)
    return _form_page(
        request,
        form,
        title=_("Register an organisation"),
        intro=_(
            "For an organisation that wrote to the secretariat: it is registered with no focal point. "
            "The same checks as a focal point's registration apply: an organisation is registered once."
        ),
        button=_("Register the organisation"),
        cancel_url=reverse("stakeholders:staff_organisations"),
        current="register",
    )


def desk_actions(accreditation: Accreditation | None, *, today) -> list[str]:
    """What the desk may record on the request in its present state: the lifecycle's next
    states, less what the service would refuse on the day (an admission on review needs
    ECOSOC status; after circulation, the deadline must have passed). An objection is
    recorded on the request's own page, where its State party is chosen."""
    if accreditation is None:
        return []
    state = accreditation.state
    allowed = services.NEXT_STATES[state]
    actions = []
    if State.ADMITTED in allowed and can_admit(accreditation, today=today):
        actions.append("admit")
    if State.CIRCULATED in allowed:
        actions.append("circulate")
    if State.RETURNED in allowed:
        actions.append("return")
    if State.REJECTED in allowed:
        actions.append("reject")
    if State.SUBMITTED in allowed:
        actions.append("resubmit")
    if State.WITHDRAWN in allowed:
        actions.append("withdraw")
    return actions


@secretariat_required
@require_safe
def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.organisation_for_desk(
        organisation=get_organisation_for_secretariat(request.user, pk)
    )
    accreditations = organisation.accreditation_list
    current = next((a for a in accreditations if a.state not in (State.WITHDRAWN, State.REJECTED)), None)
    return render(
        request,
        "stakeholders/staff/desk/organisation.html",
        {
            "organisation": organisation,
            "accreditation": current or (accreditations[0] if accreditations else None),
            "can_record_request": current is None,
            "can_record_decision": bool(desk_actions(current, today=timezone.localdate())),
            "history": history(*accreditations),
            "registration": AuditEvent.objects.for_object(organisation).select_related("actor").first(),
        },
    )


@secretariat_required
@GET_POST
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_secretariat(request.user, pk)
    # The form changes the instance as it validates: keep the saved name for the page.
    saved = Organisation(pk=organisation.pk, name=organisation.name, acronym=organisation.acronym)
    form = DeskOrganisationForm(_data(request), instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            # Only what was changed here: a focal point's change to another detail stands.
            services.organisation_update(
                organisation=form.instance, by=request.user, fields=form.changed_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The details are saved."))
            return redirect("stakeholders:staff_organisation", organisation.pk)
    return _form_page(
        request,
        form,
        organisation=saved,
        title=_("Edit the details"),
        intro=_(
            "For corrections the organisation sent the secretariat. While its request is before the "
            "States parties, the details they were sent stay as they were."
        ),
        button=_("Save the details"),
    )


@secretariat_required
@GET_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_secretariat(request.user, pk)
    form = DeskInvitationForm(_data(request))
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            services.invitation_create(
                organisation=organisation, email=email, by=request.user, on_behalf=True
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The invitation was sent to %(email)s.") % {"email": email})
            return redirect("stakeholders:staff_organisation", organisation.pk)
    return _form_page(
        request,
        form,
        organisation=organisation,
        title=_("Invite the focal point"),
        intro=_(
            "The person invited receives an e-mail with a link. Once they accept, they manage the "
            "organisation: its details, representatives, accreditation, applications and comments."
        ),
        button=_("Send the invitation"),
    )


@secretariat_required
@GET_POST
def representative_add(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_secretariat(request.user, pk)
    form = DeskRepresentativeForm(_data(request), instance=Representative(organisation=organisation))
    if request.method == "POST" and form.is_valid():
        try:
            services.representative_save(representative=form.instance, by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is added.") % {"name": form.instance.name})
            return redirect("stakeholders:staff_organisation", organisation.pk)
    return _form_page(
        request,
        form,
        organisation=organisation,
        title=_("Add a representative"),
        intro=_(
            "Give the name exactly as in the person's passport: it is used for their badge at the venue."
        ),
        button=_("Add the representative"),
    )


@secretariat_required
@GET_POST
def accreditation_record(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_secretariat(request.user, pk)
    form = AccreditationRecordForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.accreditation_request(
                organisation=organisation,
                by=request.user,
                on_behalf=True,
                received_at=form.cleaned_data["received_at"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The request for accreditation of %(organisation)s is recorded.")
                % {"organisation": organisation.name},
            )
            return redirect("stakeholders:staff_organisation", organisation.pk)
    return _form_page(
        request,
        form,
        organisation=organisation,
        title=_("Record a request for accreditation"),
        intro=_(
            "For a request the organisation sent the secretariat (by e-mail or letter). It joins the "
            "queue as submitted on the day it was received."
        ),
        button=_("Record the request"),
    )


def _record_decision(accreditation: Accreditation, data: dict, by) -> None:
    """Call the service for the act chosen; acts of the organisation are on its behalf."""
    action, day, note = data["action"], data["decided_at"], data["note"]
    if action == "admit":
        services.accreditation_admit(accreditation=accreditation, by=by, note=note, decided_at=day)
    elif action == "circulate":
        services.accreditation_circulate(
            accreditation=accreditation, circulation_list=data["circulation_list"], by=by, decided_at=day
        )
    elif action == "return":
        services.accreditation_return(accreditation=accreditation, by=by, note=note, decided_at=day)
    elif action == "reject":
        services.accreditation_reject(accreditation=accreditation, by=by, reason=note, decided_at=day)
    elif action == "resubmit":
        services.accreditation_resubmit(accreditation=accreditation, by=by, on_behalf=True, received_at=day)
    elif action == "withdraw":
        services.accreditation_withdraw(accreditation=accreditation, by=by, on_behalf=True, received_at=day)


@secretariat_required
@GET_POST
def accreditation_decision(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_secretariat(request.user, pk)
    accreditation = _current(organisation)
    actions = desk_actions(accreditation, today=timezone.localdate())
    if not actions:
        messages.error(request, _("The organisation has no request for accreditation to record anything on."))
        return redirect("stakeholders:staff_organisation", organisation.pk)
    form = AccreditationDecisionForm(_data(request), actions=actions)
    if request.method == "POST" and form.is_valid():
        try:
            _record_decision(accreditation, form.cleaned_data, request.user)
        except ValidationError as exc:
            add_service_errors(form, exc, field_for={"received_at": "decided_at", "reason": "note"})
        else:
            messages.success(
                request,
                _("The request of %(organisation)s is now %(state)s.")
                % {"organisation": organisation.name, "state": accreditation.get_state_display()},
            )
            return redirect("stakeholders:staff_organisation", organisation.pk)
    return _form_page(
        request,
        form,
        organisation=organisation,
        accreditation=accreditation,
        title=_("Record what happened to the request"),
        intro=_(
            "A decision of the secretariat or of the Conference, or a message of the organisation, "
            "with the day it happened."
        ),
        button=_("Record"),
    )
