"""The focal points' dialogue pages: apply for dialogues, follow the decisions, ask for the floor.

Every page needs a signed-in user. The organisation, its applications and its requests
for the floor are fetched through ``permissions``, which answers 404 to anyone who is
not one of the organisation's focal points. The views parse a form, call a service and
redirect; a refusal from the service is shown next to the field it concerns, with what
was typed kept.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Case, F, Func, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from dialogue_portal.forms import add_service_errors as _add_errors
from stakeholders.forms import ConfirmForm
from stakeholders.models import Organisation, Representative
from stakeholders.permissions import get_organisation_for_focal_point

from .. import selectors, services
from ..forms import ApplyForm, FloorRequestForm
from ..models import Dialogue, Intervention, Registration
from ..permissions import get_intervention_for_focal_point, get_registration_for_focal_point
from ..services.registrations import registration_refusal

GET_POST = require_http_methods(["GET", "POST"])

WITHDRAWABLE = frozenset({Registration.State.APPLIED, Registration.State.APPROVED})
FLOOR_WITHDRAWABLE = frozenset({Intervention.State.REQUESTED, Intervention.State.SCHEDULED})


def _template(name: str) -> str:
    return f"sessions/focal/{name}.html"


def _data(request: HttpRequest):
    return request.POST if request.method == "POST" else None


# --- Applying ---------------------------------------------------------------------------


def _dialogue_entries(form: ApplyForm, dialogues: list, refusals: dict) -> list:
    """Each dialogue on the page: its checkbox when the organisation may apply, else the reason."""
    checkboxes = {str(widget.data["value"]): widget for widget in form["dialogues"]}
    return [
        {
            "dialogue": dialogue,
            "refusal": refusals[dialogue.pk],
            "checkbox": None if refusals[dialogue.pk] else checkboxes.get(str(dialogue.pk)),
        }
        for dialogue in dialogues
    ]


@login_required
@GET_POST
def apply(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("organisation")
    if raw is None:
        organisations = list(Organisation.objects.for_focal_point(request.user).order_by("name", "pk"))
        if len(organisations) == 1:
            return redirect(f"{reverse('apply')}?organisation={organisations[0].pk}")
        return render(request, _template("apply_choose"), {"organisations": organisations})
    try:
        organisation_pk = int(raw)
    except ValueError:
        raise Http404 from None
    organisation = get_organisation_for_focal_point(request.user, organisation_pk)

    now = timezone.now()
    dialogues = list(
        selectors.dialogues_upcoming(today=timezone.localdate()).exclude(state=Dialogue.State.CANCELLED)
    )
    refusals = {
        dialogue.pk: registration_refusal(organisation=organisation, dialogue=dialogue, now=now)
        for dialogue in dialogues
    }
    # Every dialogue shown may be posted: the service refuses the closed ones with the reason.
    form = ApplyForm(_data(request), organisation=organisation, dialogues=dialogues)
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_apply(
                organisation=organisation,
                dialogues=form.cleaned_data["dialogues"],
                by=request.user,
                representatives=form.cleaned_data["representatives"],
                expertise=form.cleaned_data["expertise"],
                travel_support_requested=form.cleaned_data["travel_support_requested"],
                may_be_named=form.cleaned_data["may_be_named"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("The application was sent. The Extended Bureau decides; we will write to you."),
            )
            return redirect("my_applications", organisation.pk)
    entries = _dialogue_entries(form, dialogues, refusals)
    return render(
        request,
        _template("apply"),
        {
            "organisation": organisation,
            "form": form,
            "entries": entries,
            "any_open": any(entry["checkbox"] for entry in entries),
            "has_representatives": form.fields["representatives"].queryset.exists(),
        },
    )


# --- The organisation's applications ------------------------------------------------------


def _registrations(organisation: Organisation) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(organisation=organisation)
        .order_by("-dialogue__date", "-dialogue__start_time", "-pk")
        .prefetch_related(
            Prefetch(
                "dialogue",
                queryset=selectors.with_ordinals(Dialogue.objects.select_related("session__working_group")),
            ),
            Prefetch("representatives", queryset=Representative.objects.order_by("name", "pk")),
        )
    )


@login_required
@require_safe
def applications(request: HttpRequest, organisation_pk: int) -> HttpResponse:
    organisation = get_organisation_for_focal_point(request.user, organisation_pk)
    return render(
        request,
        _template("applications"),
        {"organisation": organisation, "registrations": _registrations(organisation)},
    )


def _count(queryset: QuerySet) -> Subquery:
    # A plain COUNT, not an aggregate: no GROUP BY, one row per outer request.
    return Subquery(
        queryset.order_by().annotate(n=Func(F("id"), function="COUNT")).values("n"),
        output_field=IntegerField(),
    )


def _floor_requests(registration: Registration) -> QuerySet[Intervention]:
    """The application's requests, each with ``place`` on its agenda item's list and ``listed``.

    The place counts the speakers placed before it (a withdrawal leaves a gap in the
    stored positions, not in the list).
    """
    on_list = Intervention.objects.filter(agenda_item=OuterRef("agenda_item"), position__isnull=False)
    return (
        registration.interventions.select_related("agenda_item", "speaker")
        .annotate(
            place=Case(
                When(position__isnull=True, then=None),
                default=_count(on_list.filter(position__lte=OuterRef("position"))),
                output_field=IntegerField(),
            ),
            listed=_count(on_list),
        )
        .order_by("agenda_item__number", "requested_at", "pk")
    )


def _may_ask_for_floor(registration: Registration) -> bool:
    return registration.state == Registration.State.APPROVED and registration.dialogue.state not in (
        Dialogue.State.HELD,
        Dialogue.State.CANCELLED,
    )


def _application_page(
    request: HttpRequest, registration: Registration, floor_form: FloorRequestForm
) -> HttpResponse:
    return render(
        request,
        _template("application"),
        {
            "organisation": registration.organisation,
            "registration": registration,
            "dialogue": registration.dialogue,
            "representatives": registration.representatives.order_by("name", "pk"),
            "floor_requests": _floor_requests(registration),
            "floor_form": floor_form if _may_ask_for_floor(registration) else None,
            "can_withdraw": registration.state in WITHDRAWABLE,
            "floor_withdrawable": FLOOR_WITHDRAWABLE,
        },
    )


@login_required
@require_safe
def application(request: HttpRequest, organisation_pk: int, pk: int) -> HttpResponse:
    registration = get_registration_for_focal_point(request.user, organisation_pk, pk)
    return _application_page(request, registration, FloorRequestForm(registration=registration))


@login_required
@GET_POST
def application_withdraw(request: HttpRequest, organisation_pk: int, pk: int) -> HttpResponse:
    registration = get_registration_for_focal_point(request.user, organisation_pk, pk)
    if registration.state not in WITHDRAWABLE:
        messages.error(request, _("This application can no longer be withdrawn."))
        return redirect("my_application", organisation_pk, registration.pk)
    form = ConfirmForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_withdraw(registration=registration, by=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The application is withdrawn."))
            return redirect("my_applications", organisation_pk)
    return render(
        request,
        _template("application_withdraw"),
        {
            "organisation": registration.organisation,
            "registration": registration,
            "dialogue": registration.dialogue,
            "form": form,
        },
    )


# --- Requests for the floor ---------------------------------------------------------------


@login_required
@GET_POST
def floor_request(request: HttpRequest, organisation_pk: int, pk: int) -> HttpResponse:
    registration = get_registration_for_focal_point(request.user, organisation_pk, pk)
    form = FloorRequestForm(_data(request), registration=registration)
    if request.method == "POST" and form.is_valid():
        try:
            services.intervention_request(
                registration=registration,
                agenda_item=form.cleaned_data["agenda_item"],
                speaker=form.cleaned_data["speaker"],
                by=request.user,
                topic=form.cleaned_data["topic"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
            if not _may_ask_for_floor(registration):
                messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("The request for the floor was sent. The secretariat places it on the speakers' list."),
            )
            return redirect("my_application", organisation_pk, registration.pk)
    return _application_page(request, registration, form)


@login_required
@GET_POST
def floor_withdraw(request: HttpRequest, organisation_pk: int, pk: int) -> HttpResponse:
    intervention = get_intervention_for_focal_point(request.user, organisation_pk, pk)
    back = reverse("my_application", args=[organisation_pk, intervention.registration_id])
    if intervention.state not in FLOOR_WITHDRAWABLE:
        messages.error(request, _("This request for the floor can no longer be withdrawn."))
        return redirect(back)
    form = ConfirmForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.intervention_withdraw(intervention=intervention, by=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The request for the floor is withdrawn."))
            return redirect(back)
    return render(
        request,
        _template("floor_withdraw"),
        {
            "organisation": intervention.registration.organisation,
            "intervention": intervention,
            "form": form,
            "back": back,
        },
    )
