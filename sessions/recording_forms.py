"""Forms of the pages on which the secretariat records what happened: they parse input,
and the services (``services.recording``, the registration services) decide."""

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dialogue_portal.forms import DateInput, PortalForm, PortalModelForm, TimeInput
from stakeholders.models import Organisation, Representative

from .imports import SheetRow
from .models import Dialogue, DialogueChair, WorkingGroupSession, validate_time_zone
from .staff_forms import VenueDateTimeField


class SessionForm(PortalModelForm):
    class Meta:
        model = WorkingGroupSession
        fields = ["working_group", "number", "first_day", "last_day", "venue"]
        widgets = {"first_day": DateInput, "last_day": DateInput}


class RecordHeldForm(PortalModelForm):
    """A dialogue already held: its details as they were; deadlines typed in the venue's zone."""

    DEADLINES = ("applications_deadline", "comments_deadline")

    class Meta:
        model = Dialogue
        fields = [
            "session",
            "date",
            "start_time",
            "end_time",
            "time_zone",
            "venue",
            "room",
            "format",
            "applications_deadline",
            "comments_deadline",
            "max_representatives",
            "minutes_per_speaker",
        ]
        widgets = {"date": DateInput, "start_time": TimeInput, "end_time": TimeInput}
        field_classes = {"applications_deadline": VenueDateTimeField, "comments_deadline": VenueDateTimeField}
        help_texts = {
            "applications_deadline": _("As it was, in the venue's time zone."),
            "comments_deadline": _("As it was, in the venue's time zone."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = WorkingGroupSession.objects.select_related("working_group")

    def clean(self):
        cleaned = super().clean()
        try:
            validate_time_zone(cleaned.get("time_zone") or "")
        except ValidationError:
            return cleaned  # the field's own error is shown
        zone = Dialogue(time_zone=cleaned["time_zone"]).zone
        for name in self.DEADLINES:
            if cleaned.get(name):
                typed = timezone.make_naive(cleaned[name], self.fields[name].zone)
                cleaned[name] = timezone.make_aware(typed, zone)
        return cleaned

    def _post_clean(self):
        # The service checks the dialogue (its schedule and its state); the model form's
        # own check would refuse nothing more and say it twice.
        pass

    def details(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ConfirmForm(PortalForm):
    note = forms.CharField(label=_("Note for the record (optional)"), required=False)


class ChairForm(PortalModelForm):
    class Meta:
        model = DialogueChair
        fields = ["honorific", "name", "title", "country", "role"]

    def _post_clean(self):
        pass  # the service checks the Chair with its dialogue


class LinkedAccountField(forms.IntegerField):
    """The id of the account the page showed linked to the Chair (empty for none): the
    service links or unlinks only if it is still that one."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)


class ChairLinkForm(PortalForm):
    email = forms.EmailField(
        label=_("E-mail address of the account"),
        help_text=_("A confirmed address of the person's portal account."),
    )
    linked = LinkedAccountField()


class ChairUnlinkForm(PortalForm):
    linked = LinkedAccountField()


class ChairInviteForm(PortalForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("The invitation's link lets the person sign up, or sign in, with this address."),
    )


class OrganisationChoiceForm(PortalForm):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("name"),
        help_text=_("Register it first if it is not in the list."),
    )


class RepresentativesField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, representative: Representative) -> str:
        return f"{representative.name} ({representative.email})"


DECISION_CHOICES = [("", _("Not decided yet")), ("approve", _("Approved")), ("decline", _("Declined"))]


class DecisionFields(PortalForm):
    """The Extended Bureau's decision, already taken: which, when, and its details."""

    decision = forms.ChoiceField(
        label=_("Decision of the Extended Bureau"), choices=DECISION_CHOICES, required=False
    )
    decided_at = VenueDateTimeField(label=_("Decided on"), required=False)
    travel_support_granted = forms.BooleanField(label=_("Travel support granted"), required=False)
    reason = forms.CharField(
        label=_("Reason for declining"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only when declined."),
    )

    def __init__(self, *args, dialogue: Dialogue, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_at"].zone = dialogue.zone
        self.fields["decided_at"].help_text = gettext("In the venue's time zone (%(zone)s).") % {
            "zone": dialogue.time_zone
        }


class RecordApplicationForm(DecisionFields):
    received_at = VenueDateTimeField(label=_("Received on"))
    representatives = RepresentativesField(label=_("Representatives"), queryset=Representative.objects.none())
    expertise = forms.CharField(label=_("Expertise on the topic"), widget=forms.Textarea(attrs={"rows": 4}))
    travel_support_requested = forms.BooleanField(label=_("Asks for travel support"), required=False)
    may_be_named = forms.BooleanField(
        label=_("May be named in the public list of participants"), required=False, initial=True
    )
    field_order = [
        "received_at",
        "representatives",
        "expertise",
        "travel_support_requested",
        "may_be_named",
        "decision",
        "decided_at",
        "travel_support_granted",
        "reason",
    ]

    def __init__(self, *args, dialogue: Dialogue, organisation: Organisation, **kwargs):
        super().__init__(*args, dialogue=dialogue, **kwargs)
        self.fields["received_at"].zone = dialogue.zone
        self.fields["received_at"].help_text = gettext(
            "When the e-mail arrived, in the venue's time zone (%(zone)s)."
        ) % {"zone": dialogue.time_zone}
        self.fields["representatives"].queryset = Representative.objects.filter(
            organisation=organisation
        ).order_by("name", "id")


class RecordDecisionForm(DecisionFields):
    def __init__(self, *args, dialogue: Dialogue, **kwargs):
        super().__init__(*args, dialogue=dialogue, **kwargs)
        self.fields["decision"].required = True
        self.fields["decision"].choices = DECISION_CHOICES[1:]
        self.fields["decided_at"].required = True


# --- Import ---------------------------------------------------------------------------


class ImportUploadForm(PortalForm):
    file = forms.FileField(
        label=_("Sign-in sheet"),
        help_text=_("A CSV file or an Excel workbook (.xlsx), at most 2 MB; the first sheet is read."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


SALT = "sessions.import.preview"
PREVIEW_MAX_AGE = 6 * 3600


def sign_rows(*, dialogue: Dialogue, user, rows: list[SheetRow]) -> str:
    """The rows as read, signed for the preview's form: nothing is stored before the import."""
    return signing.dumps(
        {"dialogue": dialogue.pk, "user": user.pk, "rows": [row.as_list() for row in rows]},
        salt=SALT,
        compress=True,
    )


class ImportPreviewForm(PortalForm):
    """The preview's choices: the dates to record, a candidate for each ambiguous row,
    whether to add each unknown representative. The rows travel signed with the page."""

    rows = forms.CharField(widget=forms.HiddenInput)
    received_on = forms.DateField(
        label=_("Applications received on"),
        widget=DateInput,
        help_text=_("For the organisations that have no application yet; by the deadline."),
    )
    may_be_named = forms.BooleanField(
        label=_("The organisations added may be named in the public list of participants"),
        required=False,
        help_text=_("Only if they agreed to it: a sign-in sheet does not say, and naming may expose them."),
    )
    create_all = forms.BooleanField(
        label=_("Add every person not yet on their organisation's list (each row with an e-mail)"),
        required=False,
    )
    decided_on = forms.DateField(
        label=_("Applications approved on"),
        widget=DateInput,
        help_text=_("The Extended Bureau's decision, for those not yet approved."),
    )

    def __init__(self, *args, dialogue: Dialogue, user=None, matches=(), **kwargs):
        # user: whose upload the signed rows must be (the view always gives it).
        super().__init__(*args, **kwargs)
        self.dialogue, self.user = dialogue, user
        deadline = timezone.localtime(dialogue.applications_deadline, dialogue.zone).date()
        self.fields["received_on"].initial = deadline
        self.fields["decided_on"].initial = deadline
        for match in matches:
            self.add_row_fields(match)

    def add_row_fields(self, match) -> None:
        number = match.row.number
        if match.is_ambiguous:
            self.fields[f"choice_{number}"] = forms.TypedChoiceField(
                label=gettext("Row %(number)d: which one?") % {"number": number},
                coerce=int,
                required=False,
                choices=[("", gettext("None of them: leave the row out"))]
                + [(candidate.pk, _candidate_label(candidate)) for candidate in match.candidates],
            )
        elif match.can_create:
            self.fields[f"create_{number}"] = forms.BooleanField(
                label=gettext("Add %(name)s (%(email)s) to the representatives of %(organisation)s")
                % {"name": match.row.name, "email": match.row.email, "organisation": match.organisation.name},
                required=False,
            )

    def sheet_rows(self) -> list[SheetRow]:
        """The rows signed into the page, or a ValidationError when they are not ours or too old."""
        try:
            payload = signing.loads(self.data.get("rows", ""), salt=SALT, max_age=PREVIEW_MAX_AGE)
        except signing.SignatureExpired:
            raise ValidationError(gettext("The preview is too old: upload the file again.")) from None
        except signing.BadSignature:
            raise ValidationError(gettext("The preview was not sent whole: upload the file again.")) from None
        if payload.get("dialogue") != self.dialogue.pk or payload.get("user") != getattr(
            self.user, "pk", None
        ):
            raise ValidationError(gettext("This preview is of another upload: upload the file again."))
        return [SheetRow.from_list(values) for values in payload["rows"]]

    def choices(self) -> dict[int, int]:
        """Row number → the candidate chosen for it (read straight from the data: the
        candidates are those of the new matching, which the view does next)."""
        chosen = {}
        for name, value in self.data.items():
            number = name.removeprefix("choice_")
            if name.startswith("choice_") and number.isdigit() and value.isdigit():
                chosen[int(number)] = int(value)
        return chosen

    def creates(self, rows: list[SheetRow]) -> set[int]:
        """The rows whose unknown representative is to be added (every row, when asked)."""
        if self.data.get("create_all"):
            return {row.number for row in rows}
        return {
            int(name.removeprefix("create_"))
            for name in self.data
            if name.startswith("create_") and name.removeprefix("create_").isdigit()
        }


def _candidate_label(candidate) -> str:
    if isinstance(candidate, Organisation):
        return f"{candidate.name} ({candidate.acronym}, {candidate.country.code})"
    return f"{candidate.name} ({candidate.email})"
