"""Forms of the organisation pages. They parse and check input; the services change state."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dialogue_portal.forms import PortalForm, PortalModelForm

from .models import Organisation, Representative
from .services.organisations import DETAILS


class _ChangedSinceRead:
    """Each field also posts the value the page showed, so that ``changed_data`` names what
    this user changed, not what differs from a row someone else saved meanwhile: the
    service writes only those, and the other person's changes stand."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.show_hidden_initial = True


class OrganisationForm(_ChangedSinceRead, PortalModelForm):
    class Meta:
        model = Organisation
        fields = DETAILS
        widgets = {
            "postal_address": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "website": _("The organisation's own website, if it has one."),
        }


class RepresentativeForm(_ChangedSinceRead, PortalModelForm):
    """A representative of ``instance.organisation`` (set by the view before binding)."""

    class Meta:
        model = Representative
        fields = ["name", "title", "email", "gender"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        # The database constraint says the same; checked here so the error sits next to the field.
        others = Representative.objects.filter(
            organisation_id=self.instance.organisation_id, email__iexact=email
        ).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("This person is already a representative of the organisation."))
        return email


class InvitationForm(PortalForm):
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_("They sign in, or sign up, with this address to accept the invitation."),
    )
    hand_over = forms.BooleanField(
        label=_("Hand over: I stop managing the organisation once they accept"),
        required=False,
    )


class JoinRequestForm(PortalForm):
    message = forms.CharField(
        label=_("Message to the focal points (optional)"),
        help_text=_("For example, your role in the organisation."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
    )


class JoinRequestDecisionForm(PortalForm):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("decline", _("Decline"))])


class ConfirmForm(PortalForm):
    """No fields: a confirmation button, and a place for the service's refusal."""
