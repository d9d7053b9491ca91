"""The secretariat's pages: the accreditation queue, one request, the circulation lists.

Every view is behind ``secretariat_required`` (the login page for visitors, 404 for
anyone else) and fetches through the permission helpers; every change is a service's.
"""

import csv
import re
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from dialogue_portal.forms import error_summary as _error_summary
from dialogue_portal.history import history
from dialogue_portal.text import csv_cell

from .. import selectors, services
from ..models import Accreditation, CirculationList, EcosocStatus
from ..permissions import (
    get_accreditation_for_secretariat,
    get_circulation_list_for_secretariat,
    secretariat_required,
)
from ..staff_forms import (
    AdmitForm,
    BulkCirculateForm,
    CirculateForm,
    CirculationListForm,
    ObjectionForm,
    QueueFilterForm,
    RejectForm,
    ReturnForm,
    add_service_errors,
)

State = Accreditation.State
QUEUE_PAGE_SIZE = 100


def _circulate(*, by: Any, accreditations: list[Accreditation], cleaned: dict) -> CirculationList:
    """Circulate requests on the chosen open list, or on a new one made from the form.

    All or none: a refusal for one request leaves the others, and the new list, unmade.
    """
    with transaction.atomic():
        circulation_list = cleaned.get("circulation_list") or services.circulation_list_create(
            by=by,
            reference=cleaned["reference"].strip(),
            circulated_on=cleaned["circulated_on"],
            deadline=cleaned["deadline"],
        )
        for accreditation in accreditations:
            try:
                services.accreditation_circulate(
                    accreditation=accreditation, circulation_list=circulation_list, by=by
                )
            except ValidationError as error:
                if len(accreditations) == 1:
                    raise
                # Among several, say which request was refused.
                raise ValidationError(
                    [f"{accreditation.organisation}: {message}" for message in error.messages]
                ) from error
    return circulation_list


# --- The queue ------------------------------------------------------------------------


@secretariat_required
def queue(request):
    filter_form = QueueFilterForm(request.GET or None)
    if request.method == "POST":
        circulate_form = BulkCirculateForm(request.POST, auto_id="id_bulk_%s")
        if circulate_form.is_valid():
            accreditations = list(circulate_form.cleaned_data["accreditations"])
            try:
                circulation_list = _circulate(
                    by=request.user, accreditations=accreditations, cleaned=circulate_form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(circulate_form, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d request was circulated on the list %(reference)s.",
                        "%(count)d requests were circulated on the list %(reference)s.",
                        len(accreditations),
                    )
                    % {"count": len(accreditations), "reference": circulation_list.reference},
                )
                return redirect("stakeholders:staff_circulation_list", circulation_list.pk)
    else:
        circulate_form = BulkCirculateForm(auto_id="id_bulk_%s")

    page = Paginator(selectors.accreditation_queue(**filter_form.filters()), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = list(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "stakeholders/staff/queue.html",
        {
            "filter_form": filter_form,
            "circulate_form": circulate_form,
            "page": page,
            "selected": {str(pk) for pk in circulate_form["accreditations"].value() or []},
            "has_submitted": any(row.state == State.SUBMITTED for row in page.object_list),
            "filter_query": query.urlencode(),
        },
    )


# --- One request ----------------------------------------------------------------------


def _admit(accreditation, data, by):
    services.accreditation_admit(accreditation=accreditation, by=by, note=data["note"])
    return _("%(organisation)s is admitted as an observer.")


def _return(accreditation, data, by):
    services.accreditation_return(accreditation=accreditation, by=by, note=data["note"])
    return _("The request of %(organisation)s was returned for correction.")


def _reject(accreditation, data, by):
    services.accreditation_reject(accreditation=accreditation, by=by, reason=data["reason"])
    return _("The request of %(organisation)s was rejected.")


def _circulate_one(accreditation, data, by):
    _circulate(by=by, accreditations=[accreditation], cleaned=data)
    return _("The request of %(organisation)s was circulated to the States parties.")


def _object(accreditation, data, by):
    services.objection_record(
        by=by,
        state_party=data["state_party"],
        made_on=data["made_on"],
        note=data["note"],
        accreditation=accreditation,
    )
    return _("The objection was recorded: the request of %(organisation)s awaits the Conference's decision.")


# Each action slug: its form, and what it does (returning the message to show).
ACTIONS: dict[str, tuple[type, Callable[..., str]]] = {
    "admit": (AdmitForm, _admit),
    "return": (ReturnForm, _return),
    "reject": (RejectForm, _reject),
    "circulate": (CirculateForm, _circulate_one),
    "object": (ObjectionForm, _object),
}

DATED_FORMS = (CirculateForm, ObjectionForm)


def _form(action: str, data=None):
    form_class = ACTIONS[action][0]
    kwargs = {"today": timezone.localdate()} if form_class in DATED_FORMS else {}
    return form_class(data, auto_id=f"id_{action}_%s", **kwargs)


def _actions_for(accreditation: Accreditation, *, today) -> list[str]:
    """The decisions the secretariat may take on the request in its present state."""
    if accreditation.state == State.SUBMITTED:
        admit = ["admit"] if accreditation.organisation.ecosoc_status != EcosocStatus.NONE else []
        return [*admit, "circulate", "return", "reject"]
    if accreditation.state == State.CIRCULATED:
        # Silence is consent: the daily task admits it; the secretariat need not wait for it.
        deadline_passed = accreditation.circulation_list.deadline < today
        return ["object", "admit"] if deadline_passed else ["object"]
    if accreditation.state == State.OBJECTED:
        return ["admit", "reject"]
    return []


def _render_detail(request, accreditation: Accreditation, *, failed: str = "", failed_form=None):
    today = timezone.localdate()
    forms = {action: _form(action) for action in _actions_for(accreditation, today=today)}
    if failed and failed in forms:
        forms[failed] = failed_form
    errors = _error_summary(failed_form, linked=failed in forms) if failed_form is not None else []
    return render(
        request,
        "stakeholders/staff/accreditation_detail.html",
        {
            "accreditation": accreditation,
            "organisation": selectors.accreditation_for_review(accreditation=accreditation),
            "history": history(accreditation),
            "objections": selectors.accreditation_objections(accreditation=accreditation),
            "forms": forms,
            "errors": errors,
            "today": today,
        },
    )


@secretariat_required
def accreditation_detail(request, pk: int):
    accreditation = get_accreditation_for_secretariat(request.user, pk)
    return _render_detail(request, accreditation)


@secretariat_required
@require_POST
def accreditation_action(request, pk: int, action: str):
    accreditation = get_accreditation_for_secretariat(request.user, pk)
    if action not in ACTIONS:
        raise Http404
    form = _form(action, request.POST)
    if form.is_valid():
        try:
            done = ACTIONS[action][1](accreditation, form.cleaned_data, request.user)
        except ValidationError as error:
            add_service_errors(form, error)
            accreditation.refresh_from_db()
        else:
            messages.success(request, done % {"organisation": accreditation.organisation.name})
            return redirect("stakeholders:staff_accreditation", accreditation.pk)
    return _render_detail(request, accreditation, failed=action, failed_form=form)


# --- Circulation lists ----------------------------------------------------------------


@secretariat_required
def circulation_lists(request):
    if request.method == "POST":
        form = CirculationListForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                circulation_list = services.circulation_list_create(
                    by=request.user,
                    reference=data["reference"].strip(),
                    circulated_on=data["circulated_on"],
                    deadline=data["deadline"],
                    accreditations=list(data["accreditations"]),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The circulation list %(reference)s was created.")
                    % {"reference": circulation_list.reference},
                )
                return redirect("stakeholders:staff_circulation_list", circulation_list.pk)
    else:
        form = CirculationListForm()
    return render(
        request,
        "stakeholders/staff/circulation_lists.html",
        {
            "form": form,
            "circulation_lists": selectors.circulation_lists_overview(),
            "today": timezone.localdate(),
        },
    )


@secretariat_required
def circulation_list_detail(request, pk: int):
    circulation_list = get_circulation_list_for_secretariat(request.user, pk)
    return render(
        request,
        "stakeholders/staff/circulation_list_detail.html",
        {
            "circulation_list": circulation_list,
            "rows": selectors.circulation_list_rows(circulation_list=circulation_list),
            "today": timezone.localdate(),
        },
    )


def _filename(circulation_list: CirculationList, extension: str) -> str:
    # References hold slashes ("NOP/2030/1"), which no file name may.
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", circulation_list.reference).strip("-.") or str(
        circulation_list.pk
    )
    return f"circulation-list-{stem}.{extension}"


@secretariat_required
def circulation_list_csv(request, pk: int):
    circulation_list = get_circulation_list_for_secretariat(request.user, pk)
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, _filename(circulation_list, "csv"))},
    )
    response.write("\ufeff")  # the byte-order mark tells Excel the file is UTF-8
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Organisation"),
            _("Acronym"),
            _("Category"),
            _("Country"),
            _("ECOSOC consultative status"),
            _("Website"),
            _("Request submitted"),
        ]
    )
    for accreditation in selectors.circulation_list_rows(circulation_list=circulation_list):
        organisation = accreditation.organisation
        writer.writerow(
            [
                csv_cell(value)
                for value in (
                    organisation.name,
                    organisation.acronym,
                    organisation.get_category_display(),
                    organisation.country.name,
                    organisation.get_ecosoc_status_display(),
                    organisation.website,
                    timezone.localdate(accreditation.submitted_at).isoformat(),
                )
            ]
        )
    return response


@secretariat_required
def circulation_list_pdf(request, pk: int):
    # Imported here: WeasyPrint is slow to load, and only this page needs it.
    from weasyprint import CSS, HTML

    circulation_list = get_circulation_list_for_secretariat(request.user, pk)
    context = {
        "circulation_list": circulation_list,
        "rows": selectors.circulation_list_rows(circulation_list=circulation_list),
    }
    html = render_to_string("stakeholders/staff/circulation_list_annex.html", context, request=request)
    stylesheet = CSS(string=render_to_string("stakeholders/staff/circulation_list_annex.css"))
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(stylesheets=[stylesheet])
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": content_disposition_header(True, _filename(circulation_list, "pdf"))},
    )
