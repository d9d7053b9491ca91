"""Forms of the secretariat's dialogue pages: they parse input; the services decide.

Rules that a service checks (the schedule, the room, a required reason, the state
machine) are left to the service, whose refusal :func:`add_service_errors` puts next to
the field it names, so that there is one wording and one place for each rule.
"""

import datetime
import re
import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dialogue_portal.forms import DateInput, PortalForm, TimeInput, add_service_errors  # noqa: F401 (used by the views)

from .models import Registration

# The room refusal belongs to no field of the postponement form: the new date and times
# are what collide, so it is shown next to the date.
POSTPONE_FIELD_FOR = {"room": "date"}


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class VenueDateTimeField(forms.DateTimeField):
    """A date and time typed, and shown, in the venue's time zone rather than the server's."""

    widget = DateTimeInput

    def __init__(self, *args, zone: zoneinfo.ZoneInfo | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone or timezone.get_default_timezone()

    def to_python(self, value):
        with timezone.override(self.zone):
            return super().to_python(value)

    def prepare_value(self, value):
        with timezone.override(self.zone):
            return super().prepare_value(value)


# --- Calendar -------------------------------------------------------------------------

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def month_from_query(value: str | None, *, today: datetime.date) -> datetime.date:
    """The first day of the month named ``YYYY-MM``; this month when absent or not a month."""
    match = MONTH.match(value or "")
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if 1 <= year <= 9998 and 1 <= month <= 12:
            return datetime.date(year, month, 1)
    return today.replace(day=1)


# --- The dialogue's lifecycle ---------------------------------------------------------


class CancelForm(PortalForm):
    # Required by the service, which says so when it is empty: one wording for the rule.
    reason = forms.CharField(
        label=_("Reason for the cancellation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "required": True}),
        help_text=_("E-mailed to every applicant with the cancellation, and shown on the public page."),
    )


class PostponeForm(PortalForm):
    date = forms.DateField(label=_("New date"), widget=DateInput)
    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput)
    end_time = forms.TimeField(label=_("End time"), widget=TimeInput)
    applications_deadline = VenueDateTimeField(label=_("New deadline for applications"), required=False)
    comments_deadline = VenueDateTimeField(label=_("New deadline for written comments"), required=False)
    note = forms.CharField(
        label=_("Note to the applicants (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E-mailed to every organisation that applied, with the new date."),
    )

    def __init__(self, *args, dialogue, **kwargs):
        super().__init__(*args, **kwargs)
        zone = dialogue.zone
        self.fields["date"].initial = dialogue.date
        self.fields["start_time"].initial = dialogue.start_time
        self.fields["end_time"].initial = dialogue.end_time
        for name in ("start_time", "end_time"):
            self.fields[name].help_text = gettext("In the venue's time zone (%(zone)s).") % {
                "zone": dialogue.time_zone
            }
        for name in ("applications_deadline", "comments_deadline"):
            self.fields[name].zone = zone
            current = timezone.localtime(getattr(dialogue, name), zone)
            self.fields[name].help_text = gettext(
                "Inclusive, in the venue's time zone (%(zone)s). Leave empty to keep %(current)s."
            ) % {"zone": dialogue.time_zone, "current": date_format(current, "DATETIME_FORMAT")}


# --- Applications ---------------------------------------------------------------------

ALL_STATES = ""


class ApplicationFilterForm(PortalForm):
    """The applications' filter, read from the query string; an unknown value counts as none."""

    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[(ALL_STATES, _("All states")), *Registration.State.choices],
    )

    def states(self) -> list[str]:
        self.is_valid()
        state = getattr(self, "cleaned_data", {}).get("state", ALL_STATES)
        return [state] if state else []


class RegistrationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, registration: Registration) -> str:
        return registration.organisation.name


class BulkDecisionForm(PortalForm):
    """The Extended Bureau's one decision on several applications: all or none."""

    APPROVE, DECLINE = "approve", "decline"

    registrations = RegistrationChoiceField(
        label=_("Applications"),
        queryset=Registration.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Select at least one application.")},
    )
    decision = forms.ChoiceField(
        label=_("Decision of the Extended Bureau"),
        choices=[(APPROVE, _("Approve")), (DECLINE, _("Decline"))],
        widget=forms.RadioSelect,
    )
    # Required by the service when declining, which says so: one wording for the rule.
    reason = forms.CharField(
        label=_("Reason for declining"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only when declining: one reason for every selected application, sent to each."),
    )

    def __init__(self, *args, dialogue, **kwargs):
        super().__init__(*args, **kwargs)
        # Any of the dialogue's applications: one decided meanwhile is refused by the
        # service, with its own message.
        self.fields["registrations"].queryset = Registration.objects.filter(dialogue=dialogue).select_related(
            "organisation"
        )


class ApproveForm(PortalForm):
    travel_support_granted = forms.BooleanField(
        label=_("Grant travel support"),
        required=False,
        help_text=_("The organisation asked for it; the funds are limited."),
    )

    def __init__(self, *args, registration: Registration, **kwargs):
        super().__init__(*args, **kwargs)
        if not registration.travel_support_requested:
            del self.fields["travel_support_granted"]


class DeclineForm(PortalForm):
    # Required by the service, which says so when it is empty.
    reason = forms.CharField(
        label=_("Reason for declining"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sent to the organisation's focal points."),
    )


# --- On the day -----------------------------------------------------------------------


class IdsField(forms.Field):
    """Several ids of one name (``?shown=3&shown=5``); the service decides who may be marked."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("The checklist was not sent whole: reload the page.")}

    def to_python(self, value) -> set[int]:
        if not value:
            return set()
        if isinstance(value, str):
            value = [value]
        try:
            return {int(item) for item in value}
        except (TypeError, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class AttendanceForm(PortalForm):
    """The checklist: who is ticked now, and what the page showed when it was loaded.

    ``shown`` and ``before`` travel with the page so that only what this user changed
    is applied: a mark made meanwhile by someone else, on another tablet, stays.
    """

    shown = IdsField(required=False)
    before = IdsField(required=False)
    present = IdsField(required=False, widget=forms.CheckboxSelectMultiple)

    def changes(self) -> tuple[set[int], set[int]]:
        """(marked, unmarked): ticked now and not before; ticked before and not now."""
        shown = self.cleaned_data["shown"]
        before = self.cleaned_data["before"] & shown
        present = self.cleaned_data["present"] & shown
        return present - before, before - present


# --- The speakers' list ---------------------------------------------------------------


class AgendaMoveForm(PortalForm):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])
