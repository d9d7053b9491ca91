"""Forms of the secretariat's pages: they parse input; the services decide.

Rules that a service checks (the 30-day deadline, a required note, the state machine)
are left to the service, whose refusal :func:`add_service_errors` puts next to the
field it names, so that there is one wording and one place for each rule.
"""

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from dialogue_portal.forms import DateInput, PortalForm, add_service_errors  # noqa: F401 (used by the views)

from . import selectors
from .models import Accreditation, Category, CirculationList, EcosocStatus

State = Accreditation.State


def default_deadline(circulated_on: datetime.date) -> datetime.date:
    return circulated_on + datetime.timedelta(days=settings.ACCREDITATION_OBJECTION_DAYS)


def deadline_help() -> str:
    return gettext("Inclusive, Vienna time; at least %(days)d days after circulation.") % {
        "days": settings.ACCREDITATION_OBJECTION_DAYS
    }


# --- The queue ------------------------------------------------------------------------

ALL_STATES = "all"


class QueueFilterForm(PortalForm):
    """The queue's filters, read from the query string; an unknown value counts as none."""

    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Needing action (submitted or objected)")), (ALL_STATES, _("All states"))]
        + list(State.choices),
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All categories")), *Category.choices]
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    ecosoc_status = forms.ChoiceField(
        label=_("ECOSOC consultative status"),
        required=False,
        choices=[("", _("Any status")), *EcosocStatus.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per form: the country names follow the language of the request.
        self.fields["country"].choices = [("", _("All countries")), *countries]

    def filters(self) -> dict:
        """The selector's keyword arguments for the valid filters."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        state = cleaned.get("state", "")
        if state == ALL_STATES:
            states = []
        elif state:
            states = [state]
        else:
            states = list(selectors.NEEDING_ACTION)
        return {
            "states": states,
            "category": cleaned.get("category", ""),
            "country": cleaned.get("country", ""),
            "ecosoc_status": cleaned.get("ecosoc_status", ""),
        }


# --- Circulation ----------------------------------------------------------------------


class CirculateForm(PortalForm):
    """Put a request on an open circulation list, or on a new one made here."""

    circulation_list = forms.ModelChoiceField(
        label=_("Circulation list"),
        queryset=CirculationList.objects.none(),
        required=False,
        empty_label=_("A new list (give its reference and dates below)"),
        help_text=_("An open list: its deadline for objections has not passed."),
    )
    reference = forms.CharField(
        label=_("Reference of the new list"),
        max_length=100,
        required=False,
        help_text=_("For example: NOP/2030/1."),
    )
    circulated_on = forms.DateField(label=_("Circulated on"), required=False, widget=DateInput)
    deadline = forms.DateField(label=_("Deadline for objections"), required=False, widget=DateInput)

    def __init__(self, *args, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["circulation_list"].queryset = selectors.circulation_lists_open(today=self.today)
        self.fields["circulation_list"].label_from_instance = self._list_label
        self.fields["circulated_on"].initial = self.today
        self.fields["deadline"].initial = default_deadline(self.today)
        self.fields["deadline"].help_text = deadline_help()

    @staticmethod
    def _list_label(circulation_list: CirculationList) -> str:
        return gettext("%(reference)s (objections until %(deadline)s)") % {
            "reference": circulation_list.reference,
            "deadline": date_format(circulation_list.deadline, "DATE_FORMAT"),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("circulation_list") or self.errors:
            return cleaned
        # A new list: its reference is needed; empty dates take the defaults shown.
        if not (cleaned.get("reference") or "").strip():
            self.add_error("reference", _("Choose an open list, or give the reference of a new one."))
        cleaned["circulated_on"] = cleaned.get("circulated_on") or self.today
        cleaned["deadline"] = cleaned.get("deadline") or default_deadline(cleaned["circulated_on"])
        return cleaned


class AccreditationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, accreditation: Accreditation) -> str:
        return str(accreditation.organisation)


class BulkCirculateForm(CirculateForm):
    """The queue's form: several submitted requests onto one list, all or none."""

    accreditations = AccreditationChoiceField(
        label=_("Requests"),
        queryset=Accreditation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Select at least one submitted request.")},
    )

    field_order = ["accreditations", "circulation_list", "reference", "circulated_on", "deadline"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any request: the queue shows boxes for submitted ones only, and a request that
        # moved meanwhile is refused by the service, with its own message.
        self.fields["accreditations"].queryset = Accreditation.objects.select_related("organisation")


class CirculationListForm(PortalForm):
    """A new circulation list, with the submitted requests to circulate on it."""

    reference = forms.CharField(label=_("Reference"), max_length=100, help_text=_("For example: NOP/2030/1."))
    circulated_on = forms.DateField(label=_("Circulated on"), widget=DateInput)
    deadline = forms.DateField(label=_("Deadline for objections"), widget=DateInput)
    accreditations = AccreditationChoiceField(
        label=_("Submitted requests to circulate"),
        queryset=Accreditation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        today = today or timezone.localdate()
        self.fields["circulated_on"].initial = today
        self.fields["deadline"].initial = default_deadline(today)
        self.fields["deadline"].help_text = deadline_help()
        self.fields["accreditations"].queryset = selectors.accreditations_to_circulate()


# --- Decisions on one request ---------------------------------------------------------


class AdmitForm(PortalForm):
    note = forms.CharField(
        label=_("Note for the record (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For a decision of the Conference, its symbol."),
    )


class ReturnForm(PortalForm):
    # Required by the service, which says what is missing: an empty note is refused there.
    note = forms.CharField(
        label=_("What the organisation should correct"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sent to the organisation's focal points."),
    )


class RejectForm(PortalForm):
    reason = forms.CharField(
        label=_("Reason for the rejection"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sent to the organisation's focal points."),
    )


class ObjectionForm(PortalForm):
    state_party = forms.ChoiceField(label=_("State party"))
    made_on = forms.DateField(label=_("Date of the objection"), widget=DateInput)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For the secretariat only: the organisation is never told who objected."),
    )

    def __init__(self, *args, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state_party"].choices = [("", _("Choose a State party")), *countries]
        self.fields["made_on"].initial = today or timezone.localdate()
