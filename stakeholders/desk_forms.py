"""Forms of the secretariat's desk, where it acts on an organisation's behalf: they parse
input; the services decide (a date in the future, a duplicate organisation, a move the
lifecycle does not allow are refused there, and shown next to the field)."""

from collections.abc import Sequence

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dialogue_portal.forms import DateInput, PortalForm

from .forms import OrganisationForm, RepresentativeForm
from .models import CirculationList

FIELD_TEMPLATE = "stakeholders/staff/desk/field.html"


class MarkedRequired:
    """Each required field says so in its label, as well as in its markup."""

    required_css_class = "required"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.template_name = FIELD_TEMPLATE


class PastDateInput(DateInput):
    """A date picker that stops at today: what is recorded has happened."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].setdefault("max", timezone.localdate().isoformat())
        return context


def _past_date(label, help_text) -> forms.DateField:
    return forms.DateField(label=label, help_text=help_text, widget=PastDateInput, initial=timezone.localdate)


class DeskOrganisationForm(MarkedRequired, OrganisationForm):
    """The focal point's registration form, filled in by the secretariat."""


class DeskRepresentativeForm(MarkedRequired, RepresentativeForm):
    pass


class DeskInvitationForm(MarkedRequired, PortalForm):
    email = forms.EmailField(
        label=_("E-mail of the focal point"),
        help_text=_(
            "They receive an e-mail with a link; once they sign in, or sign up, with this address "
            "and accept, they manage the organisation."
        ),
    )


class AccreditationRecordForm(MarkedRequired, PortalForm):
    received_at = _past_date(
        _("Received on"),
        _("The day the organisation's request reached the secretariat: today, or an earlier day."),
    )


# What the desk records, by the state it moves the request to; acts of the organisation
# (withdrawing, resubmitting) are recorded on its behalf.
ACTION_LABELS = {
    "admit": _("Admitted"),
    "circulate": _("Circulated to the States parties"),
    "return": _("Returned for correction"),
    "reject": _("Rejected"),
    "resubmit": _("Corrected and resubmitted by the organisation"),
    "withdraw": _("Withdrawn by the organisation"),
}


class CirculationListChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, circulation_list: CirculationList) -> str:
        return gettext("%(reference)s (circulated on %(circulated_on)s, objections until %(deadline)s)") % {
            "reference": circulation_list.reference,
            "circulated_on": date_format(circulation_list.circulated_on, "DATE_FORMAT"),
            "deadline": date_format(circulation_list.deadline, "DATE_FORMAT"),
        }


class AccreditationDecisionForm(MarkedRequired, PortalForm):
    """A decision on the request, or an act of the organisation, recorded with its date."""

    action = forms.ChoiceField(label=_("What happened"), widget=forms.RadioSelect)
    decided_at = _past_date(
        _("On"),
        _(
            "The day it was decided, or the day the organisation's message was received: today, or an "
            "earlier day. Nobody is e-mailed about what happened on an earlier day."
        ),
    )
    circulation_list = CirculationListChoiceField(
        label=_("Circulation list"),
        queryset=CirculationList.objects.none(),
        required=False,
        help_text=_("For a circulation only. Create the list first on the circulation lists page."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For a return, what the organisation should correct; for a rejection, the reason (both "
            "shown to the organisation); for an admission, the symbol of a decision of the Conference."
        ),
    )

    def __init__(self, *args, actions: Sequence[str] = tuple(ACTION_LABELS), **kwargs):
        """``actions``: what may be recorded on the request now (the view asks the lifecycle)."""
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(action, ACTION_LABELS[action]) for action in actions]
        if "circulate" in actions:
            self.fields["circulation_list"].queryset = CirculationList.objects.order_by(
                "-circulated_on", "-id"
            )
        else:
            del self.fields["circulation_list"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "circulate" and not cleaned.get("circulation_list"):
            self.add_error("circulation_list", _("Choose the list the request was circulated on."))
        return cleaned
