"""The secretariat's pages: the accreditation queue, one request, the circulation lists.

Every view is behind ``secretariat_required`` (the login page for visitors, 404 for
anyone else) and fetches through the permission helpers; every change is a service's.
"""

import csv
import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from dialogue_portal.history import history
from dialogue_portal.pdf import render_pdf
from dialogue_portal.state_change import Action, Lifecycle, StateChangeView, page_errors
from dialogue_portal.text import csv_cell

from .. import selectors, services
from ..models import Accreditation, CirculationList
from ..permissions import (
    can_admit,
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
    """Circulate on the chosen open list, or on a new one made from the form (all or none)."""
    return services.accreditations_circulate(
        accreditations=accreditations,
        by=by,
        circulation_list=cleaned.get("circulation_list"),
        reference=cleaned.get("reference") or "",
        circulated_on=cleaned.get("circulated_on"),
        deadline=cleaned.get("deadline"),
    )


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


def _name(accreditation: Accreditation) -> dict:
    return {"organisation": accreditation.organisation.name}


def _admit(accreditation, data, by) -> str:
    services.accreditation_admit(accreditation=accreditation, by=by, note=data["note"])
    return _("%(organisation)s is admitted as an observer.") % _name(accreditation)


def _return(accreditation, data, by) -> str:
    services.accreditation_return(accreditation=accreditation, by=by, note=data["note"])
    return _("The request of %(organisation)s was returned for correction.") % _name(accreditation)


def _reject(accreditation, data, by) -> str:
    services.accreditation_reject(accreditation=accreditation, by=by, reason=data["reason"])
    return _("The request of %(organisation)s was rejected.") % _name(accreditation)


def _circulate_one(accreditation, data, by) -> str:
    _circulate(by=by, accreditations=[accreditation], cleaned=data)
    return _("The request of %(organisation)s was circulated to the States parties.") % _name(accreditation)


def _object(accreditation, data, by) -> str:
    services.objection_record(
        by=by,
        state_party=data["state_party"],
        made_on=data["made_on"],
        note=data["note"],
        accreditation=accreditation,
    )
    return _(
        "The objection was recorded: the request of %(organisation)s awaits the Conference's decision."
    ) % _name(accreditation)


def _admit_texts(accreditation: Accreditation) -> dict:
    if accreditation.state == State.OBJECTED:
        return {
            "heading": _("The Conference admitted the organisation"),
            "label": _("Record the Conference's decision to admit"),
            "explanation": _("A State party objected; the Conference decided to admit the organisation."),
        }
    if accreditation.state == State.CIRCULATED:
        return {
            "heading": _("Admit: no objection by the deadline"),
            "explanation": _(
                "The deadline for objections has passed with none; the daily task would admit it too."
            ),
        }
    return {}


def _reject_texts(accreditation: Accreditation) -> dict:
    if accreditation.state == State.OBJECTED:
        return {
            "heading": _("The Conference rejected the request"),
            "label": _("Record the Conference's decision to reject"),
        }
    return {}


def _dated(accreditation: Accreditation) -> dict:
    return {"today": timezone.localdate()}


# The secretariat's decisions on a request; what a page offers follows from NEXT_STATES
# and the predicates of stakeholders.permissions, which the services ask too.
LIFECYCLE = Lifecycle(
    next_states=services.NEXT_STATES,
    actions=[
        Action(
            slug="admit",
            target=State.ADMITTED,
            label=gettext_lazy("Admit"),
            explanation=gettext_lazy(
                "The organisation is in consultative status with ECOSOC: "
                "it is admitted on the secretariat's review."
            ),
            form_class=AdmitForm,
            perform=_admit,
            allowed=can_admit,
            texts=_admit_texts,
        ),
        Action(
            slug="circulate",
            target=State.CIRCULATED,
            heading=gettext_lazy("Circulate to the States parties"),
            label=gettext_lazy("Put on the circulation list"),
            explanation=gettext_lazy("Choose an open list, or make a new one here."),
            form_class=CirculateForm,
            form_kwargs=_dated,
            perform=_circulate_one,
        ),
        Action(
            slug="object",
            target=State.OBJECTED,
            heading=gettext_lazy("Record an objection"),
            label=gettext_lazy("Record the objection"),
            explanation=gettext_lazy(
                "The request then awaits the Conference's decision. The organisation is told that an "
                "objection was made, never by whom."
            ),
            form_class=ObjectionForm,
            form_kwargs=_dated,
            perform=_object,
        ),
        Action(
            slug="return",
            target=State.RETURNED,
            heading=gettext_lazy("Return for correction"),
            label=gettext_lazy("Return the request"),
            form_class=ReturnForm,
            perform=_return,
            style="secondary",
        ),
        Action(
            slug="reject",
            target=State.REJECTED,
            heading=gettext_lazy("Reject"),
            label=gettext_lazy("Reject the request"),
            form_class=RejectForm,
            perform=_reject,
            confirm=True,
            consequences=gettext_lazy(
                "The organisation's focal points are e-mailed the decision and its reason. "
                "A rejected request cannot be reopened: the organisation would have to request again."
            ),
            style="secondary",
            texts=_reject_texts,
        ),
    ],
)


def _render_detail(request, accreditation: Accreditation, *, failed=None):
    offers = LIFECYCLE.offers(
        accreditation,
        url=lambda slug: reverse("stakeholders:staff_accreditation_action", args=[accreditation.pk, slug]),
        failed=failed,
    )
    offered = {offer.slug for offer in offers}
    return render(
        request,
        "stakeholders/staff/accreditation_detail.html",
        {
            "accreditation": accreditation,
            "organisation": selectors.accreditation_for_review(accreditation=accreditation),
            "history": history(accreditation),
            "objections": selectors.accreditation_objections(accreditation=accreditation),
            "offers": offers,
            "forms": {offer.action.key: offer.form for offer in offers},
            # Circulated because it cannot be admitted on review: the page says why.
            "circulate_instead": "circulate" in offered and "admit" not in offered,
            "errors": page_errors(failed, offers),
            "today": timezone.localdate(),
        },
    )


@secretariat_required
def accreditation_detail(request, pk: int):
    accreditation = get_accreditation_for_secretariat(request.user, pk)
    return _render_detail(request, accreditation)


@method_decorator(secretariat_required, name="dispatch")
class AccreditationStateChange(StateChangeView):
    lifecycle = LIFECYCLE

    def get_object(self, request, pk: int):
        return get_accreditation_for_secretariat(request.user, pk)

    def page_url(self, accreditation):
        return reverse("stakeholders:staff_accreditation", args=[accreditation.pk])

    def render_page(self, request, accreditation, *, failed):
        return _render_detail(request, accreditation, failed=failed)

    def confirm_context(self, accreditation):
        return {
            "object_name": accreditation.organisation.name,
            "nav_template": "stakeholders/staff/includes/nav.html",
        }


accreditation_action = AccreditationStateChange.as_view()


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
    circulation_list = get_circulation_list_for_secretariat(request.user, pk)
    context = {
        "circulation_list": circulation_list,
        "rows": selectors.circulation_list_rows(circulation_list=circulation_list),
    }
    pdf = render_pdf(
        render_to_string("stakeholders/staff/circulation_list_annex.html", context, request=request),
        stylesheet=render_to_string("stakeholders/staff/circulation_list_annex.css"),
    ).pdf
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": content_disposition_header(True, _filename(circulation_list, "pdf"))},
    )
