"""The calendar, one dialogue and its lifecycle, and the order of its agenda."""

import calendar as calendar_grid
import datetime
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dialogue_portal.roles import secretariat_required

from ... import selectors, services
from ...models import AgendaItem, Dialogue, Registration
from ...permissions import get_dialogue_for_secretariat
from ...staff_forms import (
    POSTPONE_FIELD_FOR,
    ActionForm,
    AgendaMoveForm,
    CancelForm,
    PostponeForm,
    add_service_errors,
    month_from_query,
)
from ._common import _error_summary

State = Dialogue.State


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


def _render_dialogue(request, dialogue: Dialogue, *, failed: str = "", failed_form=None):
    shown = selectors.dialogue_for_page(pk=dialogue.pk).first()
    forms = {action: _dialogue_form(action, shown) for action in _dialogue_actions_for(shown)}
    if failed and failed in forms:
        forms[failed] = failed_form
    errors = _error_summary(failed_form, linked=failed in forms) if failed_form is not None else []
    counts = selectors.registration_counts(dialogue=dialogue)
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
