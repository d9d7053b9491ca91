"""The secretariat's dialogue pages: the calendar, one dialogue and its lifecycle, the
applications and the Extended Bureau's decisions, the attendance checklist, the
participation figures and the speakers' list.

Every view is behind ``secretariat_required`` (the login page for visitors, 404 for
anyone else) and fetches through the permission helpers; the speakers' list is also
open, read-only, to the dialogue's Chairs. Every change is a service's.
"""

import calendar as calendar_grid
import datetime
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from dialogue_portal.models import AuditEvent
from dialogue_portal.roles import is_secretariat, secretariat_required
from stakeholders.models import Category, Representative

from .. import selectors, services
from ..models import AgendaItem, Attendance, Dialogue, Intervention, Registration
from ..permissions import get_dialogue_for_secretariat, get_dialogue_for_speakers_list
from ..staff_forms import (
    POSTPONE_FIELD_FOR,
    ActionForm,
    AgendaMoveForm,
    ApplicationFilterForm,
    ApproveForm,
    AttendanceForm,
    BulkDecisionForm,
    CancelForm,
    DeclineForm,
    PostponeForm,
    add_service_errors,
    month_from_query,
)

State = Dialogue.State


def _dialogue(user, pk: int) -> Dialogue:
    """The dialogue for a secretariat page, with its ordinal for the page's title."""
    dialogue = get_dialogue_for_secretariat(user, pk)
    dialogue.ordinal = selectors.dialogue_ordinal(dialogue)
    return dialogue


def _error_summary(form, *, linked: bool = True) -> list[dict]:
    """Each error of a refused form, naming its field and linking to it when it is on the page."""
    summary = []
    for name, errors in form.errors.items():
        field = form[name] if name in form.fields else None
        for message in errors:
            summary.append(
                {
                    "label": field.label if field and field.label else "",
                    "message": message,
                    "anchor": field.id_for_label if field and linked else "",
                }
            )
    return summary


# --- The calendar ---------------------------------------------------------------------


@secretariat_required
def calendar(request):
    today = timezone.localdate()
    first = month_from_query(request.GET.get("month"), today=today)
    by_day: dict[datetime.date, list[Dialogue]] = defaultdict(list)
    dialogues = list(selectors.dialogues_in_month(year=first.year, month=first.month))
    for dialogue in dialogues:
        by_day[dialogue.date].append(dialogue)
    weeks = [
        [
            {
                "day": day,
                "in_month": day.month == first.month,
                "is_today": day == today,
                "dialogues": by_day.get(day, []),
            }
            for day in week
        ]
        for week in calendar_grid.Calendar(firstweekday=calendar_grid.MONDAY).monthdatescalendar(
            first.year, first.month
        )
    ]
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "sessions/staff/calendar.html",
        {
            "month": first,
            "weeks": weeks,
            "weekdays": [WEEKDAYS[number] for number in range(7)],
            "dialogues": dialogues,
            "previous": {"value": f"{previous:%Y-%m}", "label": date_format(previous, "F Y")},
            "following": {"value": f"{following:%Y-%m}", "label": date_format(following, "F Y")},
            "this_month": f"{today:%Y-%m}",
        },
    )


# --- One dialogue ---------------------------------------------------------------------


def _open(dialogue: Dialogue, data: dict, by: Any) -> str:
    services.dialogue_open(dialogue=dialogue, by=by)
    return _("The dialogue is open for applications and written comments, until their deadlines.")


def _close(dialogue: Dialogue, data: dict, by: Any) -> str:
    services.dialogue_close(dialogue=dialogue, by=by)
    return _("The dialogue is closed: no more applications or written comments.")


def _hold(dialogue: Dialogue, data: dict, by: Any) -> str:
    services.dialogue_mark_held(dialogue=dialogue, by=by)
    return _("The dialogue is recorded as held.")


def _cancel(dialogue: Dialogue, data: dict, by: Any) -> str:
    services.dialogue_cancel(dialogue=dialogue, by=by, note=data["note"].strip())
    return _("The dialogue is cancelled; every applicant is told by e-mail.")


def _postpone(dialogue: Dialogue, data: dict, by: Any) -> str:
    services.dialogue_postpone(
        dialogue=dialogue,
        by=by,
        date=data["date"],
        start_time=data["start_time"],
        end_time=data["end_time"],
        applications_deadline=data["applications_deadline"],
        comments_deadline=data["comments_deadline"],
        note=data["note"].strip(),
    )
    return _("The dialogue is postponed to %(date)s; every applicant is told by e-mail.") % {
        "date": date_format(dialogue.starts_at, "j F Y, H:i")
    }


# Each action slug: its form, and what it does (returning the message to show).
DIALOGUE_ACTIONS: dict[str, tuple[type, Callable[..., str]]] = {
    "open": (ActionForm, _open),
    "close": (ActionForm, _close),
    "hold": (ActionForm, _hold),
    "cancel": (CancelForm, _cancel),
    "postpone": (PostponeForm, _postpone),
}
# The state each lifecycle action moves the dialogue to.
ACTION_TARGETS = {"open": State.OPEN, "close": State.CLOSED, "hold": State.HELD, "cancel": State.CANCELLED}


def _dialogue_form(action: str, dialogue: Dialogue, data=None):
    form_class = DIALOGUE_ACTIONS[action][0]
    kwargs = {"dialogue": dialogue} if form_class is PostponeForm else {}
    return form_class(data, auto_id=f"id_{action}_%s", **kwargs)


def _dialogue_actions_for(dialogue: Dialogue) -> list[str]:
    """The actions the dialogue's present state allows, in the order of its lifecycle."""
    allowed = services.NEXT_STATES[dialogue.state]
    actions = [action for action, target in ACTION_TARGETS.items() if target in allowed]
    if dialogue.state not in (State.HELD, State.CANCELLED):
        actions.append("postpone")
    return actions


def _registration_counts(dialogue: Dialogue) -> dict[str, int]:
    rows = Registration.objects.filter(dialogue=dialogue).values("state").annotate(n=Count("id")).order_by()
    counts = dict.fromkeys(Registration.State.values, 0)
    counts.update({row["state"]: row["n"] for row in rows})
    return counts


def _render_dialogue(request, dialogue: Dialogue, *, failed: str = "", failed_form=None):
    shown = selectors.dialogue_for_page(pk=dialogue.pk).first()
    forms = {action: _dialogue_form(action, shown) for action in _dialogue_actions_for(shown)}
    if failed and failed in forms:
        forms[failed] = failed_form
    errors = _error_summary(failed_form, linked=failed in forms) if failed_form is not None else []
    counts = _registration_counts(dialogue)
    return render(
        request,
        "sessions/staff/dialogue.html",
        {
            "dialogue": shown,
            "agenda": list(shown.agenda_items.all()),
            "forms": forms,
            "errors": errors,
            "registration_counts": [
                (label, counts[state]) for state, label in Registration.State.choices if counts[state]
            ],
            "applied": counts[Registration.State.APPLIED],
        },
    )


@secretariat_required
def dialogue(request, pk: int):
    return _render_dialogue(request, get_dialogue_for_secretariat(request.user, pk))


@secretariat_required
@require_POST
def dialogue_action(request, pk: int, action: str):
    dialogue = get_dialogue_for_secretariat(request.user, pk)
    if action not in DIALOGUE_ACTIONS:
        raise Http404
    form = _dialogue_form(action, dialogue, request.POST)
    if form.is_valid():
        try:
            done = DIALOGUE_ACTIONS[action][1](dialogue, form.cleaned_data, request.user)
        except ValidationError as error:
            add_service_errors(form, error, field_for=POSTPONE_FIELD_FOR)
            # A refused postponement has already changed the object in memory.
            dialogue.refresh_from_db()
        else:
            messages.success(request, done)
            return redirect("staff_dialogue", dialogue.pk)
    return _render_dialogue(request, dialogue, failed=action, failed_form=form)


@secretariat_required
@require_POST
def agenda_move(request, pk: int, item_pk: int):
    dialogue = get_dialogue_for_secretariat(request.user, pk)
    agenda_item = get_object_or_404(AgendaItem, dialogue=dialogue, pk=item_pk)
    form = AgendaMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to move the agenda item up or down."))
    else:
        before = agenda_item.number
        services.agenda_item_move(
            agenda_item=agenda_item, by=request.user, up=form.cleaned_data["direction"] == "up"
        )
        if agenda_item.number == before:
            messages.info(request, _("The agenda item is already at that end of the agenda."))
        else:
            messages.success(
                request,
                _("“%(title)s” is now item %(number)d.")
                % {"title": agenda_item.title, "number": agenda_item.number},
            )
    return redirect(f"{reverse('staff_dialogue', args=[dialogue.pk])}#agenda-heading")


# --- Applications and the Extended Bureau's decisions ---------------------------------


def _applications(dialogue: Dialogue, states: list[str]):
    """The dialogue's applications with their organisations and representatives: three queries."""
    registrations = (
        Registration.objects.filter(dialogue=dialogue)
        .select_related("organisation")
        .prefetch_related(Prefetch("representatives", queryset=Representative.objects.order_by("name", "id")))
        .order_by("organisation__name", "id")
    )
    if states:
        registrations = registrations.filter(state__in=states)
    return registrations


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

    rows = list(_applications(dialogue, filter_form.states()))
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
    history = list(
        AuditEvent.objects.for_object(registration).select_related("actor").order_by("created_at", "id")
    )
    labels = dict(Registration.State.choices)
    for event in history:
        event.from_label = labels.get(event.from_state, event.from_state)
        event.to_label = labels.get(event.to_state, event.to_state)
    return render(
        request,
        "sessions/staff/application.html",
        {
            "dialogue": dialogue,
            "registration": registration,
            "organisation": registration.organisation,
            "forms": forms,
            "errors": errors,
            "history": history,
        },
    )


# --- Attendance -----------------------------------------------------------------------


def _attendance_rows(dialogue: Dialogue) -> list[Registration]:
    """The approved applications, by organisation, each with its representatives: three queries."""
    return list(
        Registration.objects.filter(dialogue=dialogue, state=Registration.State.APPROVED)
        .select_related("organisation")
        .prefetch_related(Prefetch("representatives", queryset=Representative.objects.order_by("name", "id")))
        .order_by("organisation__name", "id")
    )


@secretariat_required
def attendance(request, pk: int):
    dialogue = _dialogue(request.user, pk)
    form = AttendanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        marked, unmarked = form.changes()
        try:
            services.attendance_update(dialogue=dialogue, by=request.user, marked=marked, unmarked=unmarked)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if marked or unmarked:
                messages.success(
                    request,
                    _("Attendance saved: %(marked)s, %(unmarked)s.")
                    % {
                        "marked": ngettext(
                            "%(count)d marked present", "%(count)d marked present", len(marked)
                        )
                        % {"count": len(marked)},
                        "unmarked": ngettext("%(count)d unmarked", "%(count)d unmarked", len(unmarked))
                        % {"count": len(unmarked)},
                    },
                )
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("staff_attendance", dialogue.pk)

    rows = _attendance_rows(dialogue)
    present_now = set(
        Attendance.objects.filter(dialogue=dialogue).values_list("representative_id", flat=True)
    )
    if form.is_bound:
        # Refused: keep what this user ticked, and what their page showed when it was loaded,
        # so that saving again still applies only their changes.
        sent = getattr(form, "cleaned_data", {})
        sent_shown, sent_before = sent.get("shown", set()), sent.get("before", set())
        sent_present = sent.get("present", set())
        before = (sent_before & sent_shown) | (present_now - sent_shown)
        ticked = (sent_present & sent_shown) | (present_now - sent_shown)
    else:
        before = ticked = present_now
    people = sum(len(row.representatives.all()) for row in rows)
    return render(
        request,
        "sessions/staff/attendance.html",
        {
            "dialogue": dialogue,
            "form": form,
            "rows": rows,
            "before": before,
            "ticked": ticked,
            "people": people,
            "present_count": len(present_now),
            "too_early": dialogue.date > timezone.localdate(timezone=dialogue.zone),
            "errors": _error_summary(form, linked=False) if form.errors else [],
        },
    )


# --- Participation figures ------------------------------------------------------------


def _shares(counts: dict[str, int], labels: dict[str, str]) -> dict:
    """Each count with its share of the total, in the order of ``labels``."""
    total = sum(counts.values())
    return {
        "rows": [
            {
                "label": label,
                "count": counts.get(code, 0),
                "percent": 100 * counts.get(code, 0) / total if total else 0,
            }
            for code, label in labels.items()
        ],
        "total": total,
    }


@secretariat_required
def figures(request, pk: int):
    dialogue = _dialogue(request.user, pk)
    participation = selectors.participation_figures(dialogue)
    genders = {**dict(Representative.Gender.choices), "": _("Not stated")}
    return render(
        request,
        "sessions/staff/figures.html",
        {
            "dialogue": dialogue,
            "figures": participation,
            "categories": [
                {
                    "label": label,
                    "organisations": participation.organisations_by_category.get(code, 0),
                    "people": participation.people_by_category.get(code, 0),
                }
                for code, label in Category.choices
            ],
            "representatives": _shares(participation.gender_of_representatives, genders),
            "speakers": _shares(participation.gender_of_speakers, genders),
        },
    )


# --- The speakers' list ---------------------------------------------------------------


@login_required
def speakers(request, pk: int):
    dialogue = get_dialogue_for_speakers_list(request.user, pk)
    dialogue.ordinal = selectors.dialogue_ordinal(dialogue)
    listing = selectors.speakers_list(dialogue)
    for item in listing.agenda_items:
        item.minutes = len(item.speakers) * dialogue.minutes_per_speaker
    return render(
        request,
        "sessions/staff/speakers.html",
        {
            "dialogue": dialogue,
            "listing": listing,
            "can_manage": is_secretariat(request.user),
            "over_by": listing.minutes_requested - listing.minutes_available,
        },
    )


def _schedule(intervention: Intervention, by: Any) -> str:
    services.intervention_schedule(intervention=intervention, by=by)
    return _("%(speaker)s is on the list, in place %(place)d.")


def _up(intervention: Intervention, by: Any) -> str:
    services.intervention_move(intervention=intervention, by=by, up=True)
    return _("%(speaker)s is now in place %(place)d.")


def _down(intervention: Intervention, by: Any) -> str:
    services.intervention_move(intervention=intervention, by=by, up=False)
    return _("%(speaker)s is now in place %(place)d.")


def _deliver(intervention: Intervention, by: Any) -> str:
    services.intervention_deliver(intervention=intervention, by=by)
    return _("%(speaker)s took the floor.")


def _withdraw(intervention: Intervention, by: Any) -> str:
    services.intervention_withdraw(intervention=intervention, by=by)
    return _("The request of %(speaker)s is withdrawn.")


SPEAKER_ACTIONS: dict[str, Callable[[Intervention, Any], str]] = {
    "schedule": _schedule,
    "up": _up,
    "down": _down,
    "deliver": _deliver,
    "withdraw": _withdraw,
}


@secretariat_required
@require_POST
def speaker_action(request, pk: int, intervention_pk: int, action: str):
    dialogue = get_dialogue_for_secretariat(request.user, pk)
    if action not in SPEAKER_ACTIONS:
        raise Http404
    intervention = get_object_or_404(
        Intervention.objects.select_related("speaker"), agenda_item__dialogue=dialogue, pk=intervention_pk
    )
    try:
        done = SPEAKER_ACTIONS[action](intervention, request.user)
    except ValidationError as error:
        messages.error(request, f"{intervention.speaker.name}: {' '.join(error.messages)}")
    else:
        messages.success(
            request, done % {"speaker": intervention.speaker.name, "place": intervention.position or 0}
        )
    return redirect(f"{reverse('staff_speakers', args=[dialogue.pk])}#item-{intervention.agenda_item_id}")
