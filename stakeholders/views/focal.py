"""The focal points' pages: register an organisation, manage it, request its accreditation.

Every page needs a signed-in user. Private pages fetch the organisation through
``permissions``, which answers 404 to anyone who is not one of its focal points. The
views parse a form, call a service and redirect; a refusal from the service is shown
next to the field it concerns, with what was typed kept.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from dialogue_portal import dashboard
from dialogue_portal.forms import add_service_errors as _add_errors
from dialogue_portal.history import history

from .. import services
from ..forms import (
    ConfirmForm,
    InvitationForm,
    JoinRequestDecisionForm,
    JoinRequestForm,
    OrganisationForm,
    RepresentativeForm,
)
from ..models import Accreditation, JoinRequest, Organisation, Representative
from ..permissions import (
    can_be_joined,
    get_invitation_for_user,
    get_join_request_for_decider,
    get_organisation_for_focal_point,
    get_organisation_to_join,
    get_representative_for_focal_point,
    is_focal_point,
)

State = Accreditation.State
WITHDRAWABLE = frozenset({State.SUBMITTED, State.RETURNED, State.ADMITTED})

GET_POST = require_http_methods(["GET", "POST"])


def _template(name: str) -> str:
    return f"stakeholders/focal/{name}.html"


def _data(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def _refusal(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _current_accreditation(organisation: Organisation) -> Accreditation | None:
    return organisation.accreditations.current().first()


# --- Registering and joining ----------------------------------------------------------


@login_required
@GET_POST
def register(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_register(user=request.user, **form.cleaned_data)
        except services.DuplicateOrganisation as exc:
            field = next(iter(exc.error_dict))
            # The join page answers 404 until the organisation is admitted: no dead link.
            if can_be_joined(exc.existing):
                error = format_html(
                    '{} <a href="{}">{}</a>',
                    exc.messages[0],
                    reverse("stakeholders:join", args=[exc.existing.pk]),
                    _("Ask to join this organisation as a focal point."),
                )
            else:
                error = exc.messages[0]
            form.add_error(field, error)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(organisation)s is registered and you are its focal point.")
                % {"organisation": organisation},
            )
            return redirect("stakeholders:manage", organisation.pk)
    return render(request, _template("register"), {"form": form})


@login_required
@GET_POST
def join(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_to_join(pk)
    form = JoinRequestForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.join_request_create(
                organisation=organisation, user=request.user, message=form.cleaned_data["message"]
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Your request was sent to the organisation's focal points."))
            return redirect("stakeholders:mine")
    return render(
        request,
        _template("join"),
        {
            "organisation": organisation,
            "form": form,
            "already_focal_point": is_focal_point(request.user, organisation),
        },
    )


@login_required
@GET_POST
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = get_invitation_for_user(request.user, token)
    form = ConfirmForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("You are now a focal point of %(organisation)s.")
                % {"organisation": invitation.organisation},
            )
            return redirect("stakeholders:manage", invitation.organisation_id)
    return render(request, _template("invitation_accept"), {"invitation": invitation, "form": form})


# --- The focal point's organisations --------------------------------------------------


@login_required
@require_safe
def my_organisations(request: HttpRequest) -> HttpResponse:
    organisations = list(
        Organisation.objects.for_focal_point(request.user).prefetch_related(
            Prefetch(
                "accreditations",
                queryset=Accreditation.objects.order_by("-submitted_at", "-id"),
                to_attr="accreditation_list",
            )
        )
    )
    join_requests = request.user.join_requests.filter(state=JoinRequest.State.PENDING).select_related(
        "organisation"
    )
    return render(
        request,
        _template("mine"),
        {
            "organisations": organisations,
            "join_requests": join_requests,
            # Each organisation's applications and comments, from the apps that hold them.
            "panels": dashboard.panels(dashboard.ORGANISATIONS, organisations=organisations)
            if organisations
            else [],
        },
    )


@login_required
@require_safe
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_focal_point(request.user, pk)
    accreditations = list(organisation.accreditations.select_related("circulation_list"))
    current = next((a for a in accreditations if a.state not in (State.WITHDRAWN, State.REJECTED)), None)
    accreditation = current or (accreditations[0] if accreditations else None)
    return render(
        request,
        _template("manage"),
        {
            "organisation": organisation,
            "accreditation": accreditation,
            "history": history(*accreditations),
            "can_request": current is None,
            "can_resubmit": current is not None and current.state == State.RETURNED,
            "can_withdraw": current is not None and current.state in WITHDRAWABLE,
            "focal_points": organisation.focal_points.select_related("user").order_by("since", "pk"),
            "join_requests": organisation.join_requests.filter(
                state=JoinRequest.State.PENDING
            ).select_related("user"),
            "invitations": organisation.invitations.filter(accepted_at__isnull=True),
            "representatives": organisation.representatives.all(),
        },
    )


@login_required
@GET_POST
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_focal_point(request.user, pk)
    # The form changes the instance as it validates: keep the saved name for the page.
    saved_name = str(organisation)
    current = _current_accreditation(organisation)
    returned = current if current is not None and current.state == State.RETURNED else None
    circulated = current if current is not None and current.state in services.UNDER_CONSIDERATION else None
    form = OrganisationForm(_data(request), instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            # Only what the user changed: someone else's change to another detail stands.
            services.organisation_update(
                organisation=form.instance, by=request.user, fields=form.changed_data
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if returned:
                messages.success(
                    request,
                    _("The details are saved. When you have made every correction, resubmit the request."),
                )
            else:
                messages.success(request, _("The details are saved."))
            return redirect("stakeholders:manage", organisation.pk)
    return render(
        request,
        _template("edit"),
        {
            "organisation_pk": organisation.pk,
            "organisation_name": saved_name,
            "form": form,
            "returned": returned,
            "circulated": circulated,
        },
    )


# --- Representatives ------------------------------------------------------------------


def _representative_page(
    request: HttpRequest, organisation: Organisation, representative: Representative
) -> HttpResponse:
    adding = representative.pk is None
    form = RepresentativeForm(_data(request), instance=representative)
    if request.method == "POST" and form.is_valid():
        try:
            services.representative_save(
                representative=form.instance, by=request.user, fields=form.changed_data
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            message = _("%(name)s is added.") if adding else _("%(name)s is saved.")
            messages.success(request, message % {"name": form.instance.name})
            return redirect("stakeholders:manage", organisation.pk)
    return render(
        request,
        _template("representative_form"),
        {"organisation": organisation, "form": form, "adding": adding},
    )


@login_required
@GET_POST
def representative_add(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_focal_point(request.user, pk)
    return _representative_page(request, organisation, Representative(organisation=organisation))


@login_required
@GET_POST
def representative_edit(request: HttpRequest, pk: int, representative_pk: int) -> HttpResponse:
    representative = get_representative_for_focal_point(request.user, pk, representative_pk)
    return _representative_page(request, representative.organisation, representative)


@login_required
@GET_POST
def representative_remove(request: HttpRequest, pk: int, representative_pk: int) -> HttpResponse:
    representative = get_representative_for_focal_point(request.user, pk, representative_pk)
    form = ConfirmForm(_data(request))
    if request.method == "POST" and form.is_valid():
        name = representative.name
        try:
            services.representative_remove(representative=representative, by=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is removed.") % {"name": name})
            return redirect("stakeholders:manage", pk)
    return render(
        request,
        _template("representative_remove"),
        {"organisation": representative.organisation, "representative": representative, "form": form},
    )


# --- Accreditation --------------------------------------------------------------------


@login_required
@require_POST
def accreditation_request(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_focal_point(request.user, pk)
    try:
        services.accreditation_request(organisation=organisation, by=request.user)
    except ValidationError as exc:
        messages.error(request, _refusal(exc))
    else:
        messages.success(
            request,
            _("The request for accreditation was sent. The secretariat will review it and write to you."),
        )
    return redirect("stakeholders:manage", organisation.pk)


@login_required
@require_POST
def accreditation_resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_focal_point(request.user, pk)
    current = _current_accreditation(organisation)
    if current is None:
        messages.error(request, _("The organisation has no request for accreditation to resubmit."))
        return redirect("stakeholders:manage", organisation.pk)
    try:
        services.accreditation_resubmit(accreditation=current, by=request.user)
    except ValidationError as exc:
        messages.error(request, _refusal(exc))
    else:
        messages.success(request, _("The corrected request was sent to the secretariat."))
    return redirect("stakeholders:manage", organisation.pk)


@login_required
@GET_POST
def accreditation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_focal_point(request.user, pk)
    current = _current_accreditation(organisation)
    if current is None:
        messages.error(request, _("The organisation has no accreditation to withdraw."))
        return redirect("stakeholders:manage", organisation.pk)
    form = ConfirmForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.accreditation_withdraw(accreditation=current, by=request.user)
        except ValidationError as exc:
            messages.error(request, _refusal(exc))
        else:
            messages.success(request, _("The accreditation is withdrawn."))
        return redirect("stakeholders:manage", organisation.pk)
    return render(
        request,
        _template("accreditation_withdraw"),
        {"organisation": organisation, "accreditation": current, "form": form},
    )


# --- Focal points ---------------------------------------------------------------------


@login_required
@require_POST
def join_request_decide(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    join_request = get_join_request_for_decider(request.user, pk, request_pk)
    form = JoinRequestDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or to decline the request."))
    else:
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.join_request_decide(join_request=join_request, by=request.user, approve=approve)
        except ValidationError as exc:
            messages.error(request, _refusal(exc))
        else:
            message = (
                _("%(email)s is now a focal point of the organisation.")
                if approve
                else _("The request of %(email)s was declined.")
            )
            messages.success(request, message % {"email": join_request.user.email})
    if is_focal_point(request.user, join_request.organisation):
        return redirect("stakeholders:manage", pk)
    # The secretariat decides too, from its own pages.
    return redirect("stakeholders:staff_queue")


@login_required
@GET_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_focal_point(request.user, pk)
    form = InvitationForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(
                organisation=organisation,
                email=form.cleaned_data["email"],
                by=request.user,
                hand_over=form.cleaned_data["hand_over"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request, _("The invitation was sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return redirect("stakeholders:manage", organisation.pk)
    return render(request, _template("invite"), {"organisation": organisation, "form": form})


@login_required
@GET_POST
def leave(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_focal_point(request.user, pk)
    form = ConfirmForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.focal_point_leave(organisation=organisation, user=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request, _("You no longer manage %(organisation)s.") % {"organisation": organisation}
            )
            return redirect("stakeholders:mine")
    return render(
        request,
        _template("leave"),
        {
            "organisation": organisation,
            "form": form,
            "only_focal_point": organisation.focal_points.count() == 1,
        },
    )
