"""The day of the dialogue: the attendance checklist, the participation figures and the
speakers' list."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from dialogue_portal.roles import is_secretariat, secretariat_required
from stakeholders.models import Category, Representative

from ... import selectors, services
from ...models import Attendance, Intervention, Registration
from ...permissions import get_dialogue_for_secretariat, get_dialogue_for_speakers_list
from ...staff_forms import AttendanceForm, add_service_errors
from ._common import _dialogue, _error_summary

# --- Attendance -----------------------------------------------------------------------


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

    rows = list(
        selectors.registrations_with_representatives(dialogue=dialogue, states=[Registration.State.APPROVED])
    )
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
