from django import forms
from django.utils.translation import gettext_lazy as _

from dialogue_portal.forms import PortalForm

# A summary runs to some 25 paragraphs; a hundred times that is no summary any more.
MAX_SUMMARY_LENGTH = 500_000


class SummaryForm(PortalForm):
    """The editor: the whole text, and the revision it was written from."""

    text = forms.CharField(
        label=_("Text of the summary"),
        required=False,
        strip=False,
        max_length=MAX_SUMMARY_LENGTH,
        # English, as the CRP is: the spelling checker and the direction follow it.
        widget=forms.Textarea(
            attrs={"rows": 28, "spellcheck": "true", "class": "summary-text", "lang": "en", "dir": "ltr"}
        ),
        help_text=_(
            "A line “# Title” starts a section; a blank line starts a paragraph. Sections and "
            "paragraphs are numbered when the summary is shown: type no numbers. A footnote: "
            "“text[^1]” and, on a line of its own, “[^1]: the note”. A link: “[words](https://…)”."
        ),
    )
    # The revision the editor started from: the save's compare-and-set is on it.
    base = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class SendBackForm(PortalForm):
    note = forms.CharField(
        label=_("Note to the Chairs"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What to change before the summary comes back for review."),
    )


class ReopenForm(PortalForm):
    reason = forms.CharField(
        label=_("Why it is reopened"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the summary's history and sent to the Chairs and the secretariat."),
    )


class SymbolForm(PortalForm):
    symbol = forms.RegexField(
        label=_("Document symbol"),
        max_length=100,
        regex=r"^[A-Z0-9][A-Za-z0-9.]*(/[A-Za-z0-9.]+)+$",
        # RegexField keeps spaces by default: a symbol pasted with one would fail the format.
        strip=True,
        error_messages={
            "invalid": _("A symbol such as CTOC/COP/WG.6/2022/CRP.2: letters, digits, dots and slashes.")
        },
    )


class CompareForm(PortalForm):
    """Two revision numbers to compare, from the query string."""

    old = forms.IntegerField(label=_("From revision"), min_value=1)
    new = forms.IntegerField(label=_("To revision"), min_value=1)
