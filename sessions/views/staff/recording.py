"""Recording what happened: a working-group session, a dialogue already held (or moving a
past one to held), its Chairs, applications and decisions received by e-mail, and the
participants imported from a sign-in sheet. Every change is a service's; for a dialogue
already held, none of them sends an e-mail.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from dialogue_portal.roles import secretariat_required
from stakeholders.models import Representative

from ... import imports, selectors, services
from ...models import Dialogue, DialogueChair, Registration
from ...recording_forms import (
    ChairForm,
    ConfirmForm,
    ImportPreviewForm,
    ImportUploadForm,
    OrganisationChoiceForm,
    RecordApplicationForm,
    RecordDecisionForm,
    RecordHeldForm,
    SessionForm,
    sign_rows,
)
from ...services.recording import APPROVE, recorded_time
from ...staff_forms import add_service_errors
from ._common import _dialogue, _error_summary


def _errors(form) -> list[dict]:
    return _error_summary(form) if form.errors else []


# --- Sessions and dialogues -----------------------------------------------------------


@secretariat_required
def session_new(request):
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.working_group_session_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(session)s is added.") % {"session": session})
            return redirect(f"{reverse('staff_dialogue_record')}?session={session.pk}")
    return render(
        request, "sessions/staff/recording/session_new.html", {"form": form, "errors": _errors(form)}
    )


@secretariat_required
def dialogue_record(request):
    initial = {"session": request.GET.get("session")} if request.GET.get("session", "").isdigit() else {}
    form = RecordHeldForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            dialogue = services.dialogue_record_held(by=request.user, **form.details())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The dialogue is recorded as held. Nobody was e-mailed."))
            return redirect("staff_dialogue_recording", dialogue.pk)
    return render(
        request, "sessions/staff/recording/dialogue_record.html", {"form": form, "errors": _errors(form)}
    )


@secretariat_required
def dialogue_record_as_held(request, pk: int):
    dialogue = _dialogue(request.user, pk)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.dialogue_record_as_held(
                dialogue=dialogue, by=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The dialogue is recorded as held. Nobody was e-mailed."))
            return redirect("staff_dialogue_recording", dialogue.pk)
    return render(
        request,
        "sessions/staff/recording/record_as_held.html",
        {
            "dialogue": dialogue,
            "form": form,
            "errors": _errors(form),
            "possible": Dialogue.State.HELD in services.RECORDED_NEXT_STATES[dialogue.state]
            and dialogue.date <= timezone.localdate(timezone=dialogue.zone),
        },
    )


# --- The recording page of one dialogue ------------------------------------------------


@secretariat_required
@require_safe
def recording(request, pk: int):
    dialogue = _dialogue(request.user, pk)
    rows = list(selectors.registrations_with_representatives(dialogue=dialogue))
    return render(
        request,
        "sessions/staff/recording/recording.html",
        {
            "dialogue": dialogue,
            "rows": rows,
            "awaiting": {row.pk for row in rows if row.state == Registration.State.APPLIED},
            "chairs": list(dialogue.chairs.order_by("order", "id")),
            "is_held": dialogue.state == Dialogue.State.HELD,
            "can_become_held": Dialogue.State.HELD in services.RECORDED_NEXT_STATES[dialogue.state],
        },
    )


@secretariat_required
def chairs(request, pk: int):
    dialogue = _dialogue(request.user, pk)
    form = ChairForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            chair = services.dialogue_chair_add(dialogue=dialogue, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(chair)s is added.") % {"chair": chair})
            return redirect("staff_dialogue_chairs", dialogue.pk)
    return render(
        request,
        "sessions/staff/recording/chairs.html",
        {
            "dialogue": dialogue,
            "form": form,
            "errors": _errors(form),
            "chairs": list(selectors.chairs_with_accounts(dialogue=dialogue)),
        },
    )


@secretariat_required
@require_POST
def chair_remove(request, pk: int, chair_pk: int):
    dialogue = _dialogue(request.user, pk)
    chair = get_object_or_404(DialogueChair, dialogue=dialogue, pk=chair_pk)
    services.dialogue_chair_remove(chair=chair, by=request.user)
    messages.success(request, _("%(chair)s is removed.") % {"chair": chair})
    return redirect("staff_dialogue_chairs", dialogue.pk)


def _decision(cleaned: dict) -> dict:
    return {
        "decision": cleaned["decision"],
        "decided_at": cleaned["decided_at"],
        "travel_support_granted": cleaned["travel_support_granted"],
        "reason": cleaned["reason"],
    }


@secretariat_required
def application_record(request, pk: int):
    dialogue = _dialogue(request.user, pk)
    chooser = OrganisationChoiceForm(request.GET or None)
    organisation = chooser.cleaned_data["organisation"] if chooser.is_bound and chooser.is_valid() else None
    form = None
    if organisation is not None:
        form = RecordApplicationForm(
            request.POST if request.method == "POST" else None, dialogue=dialogue, organisation=organisation
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.registration_record(
                    dialogue=dialogue,
                    organisation=organisation,
                    by=request.user,
                    representatives=data["representatives"],
                    expertise=data["expertise"],
                    received_at=data["received_at"],
                    travel_support_requested=data["travel_support_requested"],
                    may_be_named=data["may_be_named"],
                    **_decision(data),
                )
            except ValidationError as error:
                add_service_errors(form, error, field_for={"dialogues": "received_at"})
            else:
                messages.success(
                    request,
                    _("The application of %(organisation)s is recorded on its behalf.")
                    % {"organisation": organisation.name},
                )
                return redirect("staff_dialogue_recording", dialogue.pk)
    return render(
        request,
        "sessions/staff/recording/application.html",
        {
            "dialogue": dialogue,
            "chooser": chooser,
            "organisation": organisation,
            "form": form,
            "errors": _errors(form) if form is not None else _errors(chooser) if chooser.is_bound else [],
        },
    )


@secretariat_required
def decision_record(request, pk: int, registration_pk: int):
    dialogue = _dialogue(request.user, pk)
    registration = get_object_or_404(
        Registration.objects.select_related("organisation").prefetch_related(
            Prefetch("representatives", queryset=Representative.objects.order_by("name", "id"))
        ),
        dialogue=dialogue,
        pk=registration_pk,
    )
    registration.dialogue = dialogue
    form = RecordDecisionForm(request.POST or None, dialogue=dialogue)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == APPROVE:
                services.registration_approve(
                    registration=registration,
                    by=request.user,
                    travel_support_granted=data["travel_support_granted"],
                    decided_at=data["decided_at"],
                )
            else:
                services.registration_decline(
                    registration=registration,
                    by=request.user,
                    reason=data["reason"],
                    decided_at=data["decided_at"],
                )
        except ValidationError as error:
            add_service_errors(form, error)
            registration.refresh_from_db()
        else:
            messages.success(
                request,
                _("The decision on %(organisation)s is recorded.")
                % {"organisation": registration.organisation.name},
            )
            return redirect("staff_dialogue_recording", dialogue.pk)
    return render(
        request,
        "sessions/staff/recording/decision.html",
        {
            "dialogue": dialogue,
            "registration": registration,
            "form": form,
            "errors": _errors(form),
            "decidable": registration.state == Registration.State.APPLIED,
        },
    )


# --- Import from a sign-in sheet --------------------------------------------------------


def _preview(request, dialogue, *, rows, form=None, choices=None, creates=frozenset(), status=200):
    matches = imports.match_rows(dialogue=dialogue, rows=rows, choices=choices, create=creates)
    if form is None:
        form = ImportPreviewForm(dialogue=dialogue, user=request.user, matches=matches)
        form.initial["rows"] = sign_rows(dialogue=dialogue, user=request.user, rows=rows)
    else:
        for match in matches:
            form.add_row_fields(match)
    for match in matches:
        # The row's own control (a candidate to choose, a representative to add), if any.
        names = [f"choice_{match.row.number}", f"create_{match.row.number}"]
        match.control = next((form[name] for name in names if name in form.fields), None)
    matched = [match for match in matches if match.is_matched]
    return render(
        request,
        "sessions/staff/recording/import_preview.html",
        {
            "dialogue": dialogue,
            "form": form,
            "errors": _errors(form),
            "matches": matches,
            "matched": matched,
            "unmatched": [m for m in matches if m.status == imports.UNMATCHED],
            "ambiguous": [m for m in matches if m.is_ambiguous],
            "organisations": len({m.organisation.pk for m in matched}),
            "present": sum(1 for m in matched if m.row.present),
            "can_create": any(m.can_create for m in matches),
        },
        status=status,
    )


@secretariat_required
def import_upload(request, pk: int):
    dialogue = _dialogue(request.user, pk)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = imports.read_sheet(name=upload.name, data=upload.read(imports.MAX_BYTES + 1))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _preview(request, dialogue, rows=rows)
    return render(
        request,
        "sessions/staff/recording/import_upload.html",
        {
            "dialogue": dialogue,
            "form": form,
            "errors": _errors(form),
            "columns": imports.COLUMN_HELP,
            "is_held": dialogue.state == Dialogue.State.HELD,
        },
    )


@secretariat_required
@require_POST
def import_confirm(request, pk: int):
    dialogue = _dialogue(request.user, pk)
    form = ImportPreviewForm(request.POST, dialogue=dialogue, user=request.user)
    try:
        rows = form.sheet_rows()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("staff_import", dialogue.pk)
    choices, creates = form.choices(), form.creates(rows)
    if "import" not in request.POST or not form.is_valid():
        return _preview(request, dialogue, rows=rows, form=form, choices=choices, creates=creates)
    matches = imports.match_rows(dialogue=dialogue, rows=rows, choices=choices, create=creates)
    chosen = [
        services.ImportedRow(
            organisation=match.organisation,
            representative=match.representative,
            name=match.row.name,
            email=match.row.email,
            title=match.row.title,
            present=match.row.present,
        )
        for match in matches
        if match.is_matched
    ]
    if not chosen:
        form.add_error(None, _("No row is matched: nothing to import."))
        return _preview(request, dialogue, rows=rows, form=form, choices=choices, creates=creates)
    try:
        result = services.participation_import(
            dialogue=dialogue,
            by=request.user,
            rows=chosen,
            received_at=recorded_time(form.cleaned_data["received_on"], dialogue),
            decided_at=recorded_time(form.cleaned_data["decided_on"], dialogue),
            may_be_named=form.cleaned_data["may_be_named"],
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return _preview(request, dialogue, rows=rows, form=form, choices=choices, creates=creates)
    left_out = len(matches) - len(chosen)
    messages.success(
        request,
        " ".join(
            [
                ngettext(
                    "%(count)d organisation takes part;",
                    "%(count)d organisations take part;",
                    len(result.organisations),
                )
                % {"count": len(result.organisations)},
                ngettext(
                    "%(count)d person marked present;", "%(count)d people marked present;", result.present
                )
                % {"count": result.present},
                ngettext("%(count)d row left out.", "%(count)d rows left out.", left_out)
                % {"count": left_out},
                _("Nobody was e-mailed."),
            ]
        ),
    )
    return redirect("staff_figures", dialogue.pk)


@secretariat_required
@require_safe
def import_template(request):
    response = HttpResponse(imports.TEMPLATE_CSV, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="sign-in-sheet.csv"'
    return response
