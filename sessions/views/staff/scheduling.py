"""The calendar, one dialogue and its lifecycle, and the order of its agenda."""

import calendar as calendar_grid
import datetime
from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dialogue_portal.roles import secretariat_required
from dialogue_portal.state_change import Action, Lifecycle, StateChangeView, page_errors

from ... import selectors, services
from ...models import AgendaItem, Dialogue, Registration
from ...permissions import (
    can_mark_held,
    can_move_agenda,
    can_open,
    can_postpone,
    get_dialogue_for_secretariat,
)
from ...staff_forms import (
    POSTPONE_FIELD_FOR,
    AgendaMoveForm,
    CancelForm,
    PostponeForm,
    month_from_query,
)
from ...templatetags.portal import dialogue_title
from ._common import _dialogue

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
            "previous": {"value": f"{previous:%Y-%m}", "label": date_format(previous, "YEAR_MONTH_FORMAT")},
            "following": {
                "value": f"{following:%Y-%m}",
                "label": date_format(following, "YEAR_MONTH_FORMAT"),
            },
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
    services.dialogue_cancel(dialogue=dialogue, by=by, reason=data["reason"])
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
        "date": date_format(dialogue.starts_at, "DATETIME_FORMAT")
    }


# The dialogue's moves, in the order of its lifecycle; what the page offers follows from
# NEXT_STATES and the predicates of sessions.permissions, which the services ask too.
LIFECYCLE = Lifecycle(
    next_states=services.NEXT_STATES,
    actions=[
        Action(
            slug="open",
            target=State.OPEN,
            heading=gettext_lazy("Open for applications and comments"),
            label=gettext_lazy("Open the dialogue"),
            explanation=gettext_lazy(
                "Admitted organisations may apply, and send written comments, until the deadlines."
            ),
            perform=_open,
            allowed=can_open,
        ),
        Action(
            slug="close",
            target=State.CLOSED,
            heading=gettext_lazy("Close for applications and comments"),
            label=gettext_lazy("Close the dialogue"),
            explanation=gettext_lazy("No more applications or written comments, even before the deadlines."),
            perform=_close,
            confirm=True,
            consequences=gettext_lazy(
                "Nobody is e-mailed. A closed dialogue cannot be opened again: organisations that have "
                "not applied or sent their comments by now cannot do so."
            ),
        ),
        Action(
            slug="hold",
            target=State.HELD,
            heading=gettext_lazy("Mark as held"),
            label=gettext_lazy("Record that it was held"),
            explanation=gettext_lazy(
                "On the day of the dialogue or later. The Chair's summary can then be published."
            ),
            perform=_hold,
            allowed=can_mark_held,
            confirm=True,
            consequences=gettext_lazy(
                "Nobody is e-mailed. A held dialogue can no longer be postponed or cancelled, its agenda "
                "no longer changes, and no more applications can be approved."
            ),
        ),
        Action(
            slug="postpone",
            heading=gettext_lazy("Postpone"),
            label=gettext_lazy("Postpone the dialogue"),
            explanation=gettext_lazy(
                "Every applicant is e-mailed the new date; calendar entries are updated."
            ),
            form_class=PostponeForm,
            form_kwargs=lambda dialogue: {"dialogue": dialogue},
            perform=_postpone,
            allowed=can_postpone,
            field_for=POSTPONE_FIELD_FOR,
            style="secondary",
        ),
        Action(
            slug="cancel",
            target=State.CANCELLED,
            heading=gettext_lazy("Cancel"),
            label=gettext_lazy("Cancel the dialogue"),
            explanation=gettext_lazy("Calendar entries show it as cancelled."),
            form_class=CancelForm,
            perform=_cancel,
            confirm=True,
            consequences=gettext_lazy(
                "The focal points of every organisation that applied, and every approved representative, "
                "are e-mailed the cancellation with its reason; the public page shows the reason."
            ),
            style="secondary",
        ),
    ],
)


def _render_dialogue(request, dialogue: Dialogue, *, failed=None):
    shown = selectors.dialogue_for_page(pk=dialogue.pk).first()
    offers = LIFECYCLE.offers(
        shown, url=lambda slug: reverse("staff_dialogue_action", args=[shown.pk, slug]), failed=failed
    )
    counts = selectors.registration_counts(dialogue=dialogue)
    return render(
        request,
        "sessions/staff/dialogue.html",
        {
            "dialogue": shown,
            "agenda": list(shown.agenda_items.all()),
            "agenda_moves": can_move_agenda(shown),
            "offers": offers,
            "forms": {offer.action.key: offer.form for offer in offers},
            "errors": page_errors(failed, offers),
            "registration_counts": [
                (label, counts[state]) for state, label in Registration.State.choices if counts[state]
            ],
            "applied": counts[Registration.State.APPLIED],
        },
    )


@secretariat_required
def dialogue(request, pk: int):
    return _render_dialogue(request, get_dialogue_for_secretariat(request.user, pk))


@method_decorator(secretariat_required, name="dispatch")
class DialogueStateChange(StateChangeView):
    lifecycle = LIFECYCLE

    def get_object(self, request, pk: int):
        return _dialogue(request.user, pk)

    def page_url(self, dialogue):
        return reverse("staff_dialogue", args=[dialogue.pk])

    def render_page(self, request, dialogue, *, failed):
        return _render_dialogue(request, dialogue, failed=failed)

    def confirm_context(self, dialogue):
        return {
            "object_name": f"{dialogue_title(dialogue)}, {dialogue.session.working_group}, "
            f"{date_format(dialogue.date, 'DATE_FORMAT')}",
            "nav_template": "sessions/staff/includes/nav.html",
        }


dialogue_action = DialogueStateChange.as_view()


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
        try:
            services.agenda_item_move(
                agenda_item=agenda_item, by=request.user, up=form.cleaned_data["direction"] == "up"
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            _say_moved(request, agenda_item, before)
    return redirect(f"{reverse('staff_dialogue', args=[dialogue.pk])}#agenda-heading")


def _say_moved(request, agenda_item: AgendaItem, before: int) -> None:
    if agenda_item.number == before:
        messages.info(request, _("The agenda item is already at that end of the agenda."))
    else:
        messages.success(
            request,
            _("“%(title)s” is now item %(number)d.")
            % {"title": agenda_item.title, "number": agenda_item.number},
        )
