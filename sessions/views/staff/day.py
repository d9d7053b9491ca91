"""The day of the dialogue: the attendance checklist, the participation figures and the
speakers' list."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from dialogue_portal.roles import is_secretariat, secretariat_required
from dialogue_portal.state_change import Action, Lifecycle, StateChangeView
from stakeholders.models import Category, Representative

from ... import selectors, services
from ...models import Attendance, Intervention, Registration
from ...permissions import can_move_speaker, get_dialogue_for_secretariat, get_dialogue_for_speakers_list
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
    can_manage = is_secretariat(request.user)
    for item in listing.agenda_items:
        item.minutes = len(item.speakers) * dialogue.minutes_per_speaker
        if can_manage:
            for intervention in item.speakers:
                intervention.offers = SPEAKER_LIFECYCLE.offers(
                    intervention,
                    url=lambda slug, pk=intervention.pk: reverse(
                        "staff_speaker_action", args=[dialogue.pk, pk, slug]
                    ),
                )
    return render(
        request,
        "sessions/staff/speakers.html",
        {
            "dialogue": dialogue,
            "listing": listing,
            "can_manage": can_manage,
            "over_by": listing.minutes_requested - listing.minutes_available,
        },
    )


def _said(message: str, intervention: Intervention) -> str:
    return message % {"speaker": intervention.speaker.name, "place": intervention.position or 0}


def _schedule(intervention: Intervention, data: dict, by: Any) -> str:
    services.intervention_schedule(intervention=intervention, by=by)
    return _said(_("%(speaker)s is on the list, in place %(place)d."), intervention)


def _up(intervention: Intervention, data: dict, by: Any) -> str:
    services.intervention_move(intervention=intervention, by=by, up=True)
    return _said(_("%(speaker)s is now in place %(place)d."), intervention)


def _down(intervention: Intervention, data: dict, by: Any) -> str:
    services.intervention_move(intervention=intervention, by=by, up=False)
    return _said(_("%(speaker)s is now in place %(place)d."), intervention)


def _deliver(intervention: Intervention, data: dict, by: Any) -> str:
    services.intervention_deliver(intervention=intervention, by=by)
    return _said(_("%(speaker)s took the floor."), intervention)


def _withdraw(intervention: Intervention, data: dict, by: Any) -> str:
    services.intervention_withdraw(intervention=intervention, by=by)
    return _said(_("The request of %(speaker)s is withdrawn."), intervention)


IState = Intervention.State

# The speakers' list's buttons; which a request shows follows from INTERVENTION_NEXT_STATES
# and sessions.permissions (moving up and down keeps the state: the predicate alone decides).
SPEAKER_LIFECYCLE = Lifecycle(
    next_states=services.INTERVENTION_NEXT_STATES,
    actions=[
        Action(
            slug="schedule", target=IState.SCHEDULED, label=gettext_lazy("Put on the list"), perform=_schedule
        ),
        Action(slug="up", label=gettext_lazy("Move up"), perform=_up, allowed=can_move_speaker),
        Action(slug="down", label=gettext_lazy("Move down"), perform=_down, allowed=can_move_speaker),
        Action(
            slug="deliver", target=IState.DELIVERED, label=gettext_lazy("Took the floor"), perform=_deliver
        ),
        Action(slug="withdraw", target=IState.WITHDRAWN, label=gettext_lazy("Withdraw"), perform=_withdraw),
    ],
)


def _speakers_url(dialogue_pk: int, intervention: Intervention) -> str:
    return f"{reverse('staff_speakers', args=[dialogue_pk])}#item-{intervention.agenda_item_id}"


@method_decorator(secretariat_required, name="dispatch")
class SpeakerStateChange(StateChangeView):
    """A button of the speakers' list: done, or refused with a message, back on the list."""

    lifecycle = SPEAKER_LIFECYCLE
    http_method_names = ["post"]

    def get_object(self, request, pk: int, intervention_pk: int):
        dialogue = get_dialogue_for_secretariat(request.user, pk)
        return get_object_or_404(
            Intervention.objects.select_related("speaker", "agenda_item"),
            agenda_item__dialogue=dialogue,
            pk=intervention_pk,
        )

    def page_url(self, intervention):
        return _speakers_url(intervention.agenda_item.dialogue_id, intervention)

    def render_page(self, request, intervention, *, failed):
        errors = [message for messages_ in failed[1].errors.values() for message in messages_]
        messages.error(request, f"{intervention.speaker.name}: {' '.join(errors)}")
        return redirect(self.page_url(intervention))


speaker_action = SpeakerStateChange.as_view()
