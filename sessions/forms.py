"""Forms of the focal points' dialogue pages. They parse and check input; the services change state."""

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from dialogue_portal.forms import PortalForm
from stakeholders.models import Organisation, Representative

from .models import AgendaItem, Dialogue, Registration


class RepresentativeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Representative) -> str:
        return f"{obj.name}, {obj.title}" if obj.title else obj.name


class ApplyForm(PortalForm):
    """One application for one or several dialogues.

    ``dialogues`` are the dialogues shown on the page (the view decides which may be
    ticked); the service refuses any the organisation may not apply for, with the reason.
    """

    dialogues = forms.ModelMultipleChoiceField(
        label=_("Dialogues"),
        queryset=Dialogue.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one dialogue.")},
    )
    representatives = RepresentativeChoiceField(
        label=_("Representatives"),
        queryset=Representative.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The people who will take part for the organisation."),
        error_messages={"required": _("Name at least one representative.")},
    )
    expertise = forms.CharField(
        label=_("Expertise on the topic"),
        help_text=_("The organisation's expertise on the topic of the working group."),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
    )
    travel_support_requested = forms.BooleanField(
        label=_("The organisation asks for travel support"),
        help_text=_("Limited funds go to grassroots and victim-led organisations."),
        required=False,
    )
    may_be_named = forms.BooleanField(
        label=_("The organisation may be named in the public list of participants"),
        help_text=_("Once the dialogue is held, its page lists the organisations that took part and agreed."),
        required=False,
    )

    def __init__(self, *args, organisation: Organisation, dialogues: list[Dialogue], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dialogues"].queryset = Dialogue.objects.filter(
            pk__in=[dialogue.pk for dialogue in dialogues]
        ).select_related("session__working_group")
        self.fields["representatives"].queryset = organisation.representatives.order_by("name", "pk")

    def clean(self):
        cleaned = super().clean()
        representatives = cleaned.get("representatives") or []
        for dialogue in cleaned.get("dialogues") or []:
            if len(representatives) > dialogue.max_representatives:
                # The service's own refusal, shown next to the field it concerns.
                self.add_error(
                    "representatives",
                    _("At most %(count)d representatives per organisation for the dialogue of %(date)s.")
                    % {
                        "count": dialogue.max_representatives,
                        "date": date_format(dialogue.date, "DATE_FORMAT"),
                    },
                )
        return cleaned


class AgendaItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AgendaItem) -> str:
        return f"{obj.number}. {obj.title}"


class RepresentativeSingleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Representative) -> str:
        return obj.name


class FloorRequestForm(PortalForm):
    """A request for the floor under an agenda item of the application's dialogue."""

    agenda_item = AgendaItemChoiceField(label=_("Agenda item"), queryset=AgendaItem.objects.none())
    speaker = RepresentativeSingleChoiceField(
        label=_("Speaker"),
        queryset=Representative.objects.none(),
        help_text=_("One of the representatives named in the application."),
    )
    topic = forms.CharField(
        label=_("Topic (optional)"),
        help_text=_("What the intervention is about, in a few words."),
        max_length=300,
        required=False,
    )

    def __init__(self, *args, registration: Registration, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = AgendaItem.objects.filter(
            dialogue=registration.dialogue_id
        ).order_by("number")
        self.fields["speaker"].queryset = registration.representatives.order_by("name", "pk")


class ChairInvitationAcceptForm(PortalForm):
    """No fields: the button that accepts, and a place for the service's refusal."""
