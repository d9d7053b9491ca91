"""Forms of the written-comment pages. They parse input; the services decide.

The rules on a comment (its length, its attachments, the deadline, the state machine)
are the services' and ``validation``'s: their refusal is put next to the field it names
by :func:`add_service_errors`, so that each rule has one wording and one place.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from dialogue_portal.forms import (  # noqa: F401 (add_service_errors, error_summary: used by the views)
    PortalForm,
    PortalModelForm,
    add_service_errors,
    error_summary,
)
from sessions.models import AgendaItem, Cluster, Dialogue
from stakeholders.models import Organisation

from .models import Attachment, Language, WrittenComment
from .services import EDITABLE_FIELDS
from .validation import count_words

State = WrittenComment.State

ACCEPTED_EXTENSIONS = ".pdf,.docx,.odt"


def word_count_text(count: int) -> str:
    """ "152 words of at most 2,000": shown next to the body, counted by the server."""
    return ngettext(
        "%(count)s word of at most %(limit)s",
        "%(count)s words of at most %(limit)s",
        count,
    ) % {
        "count": number_format(count, force_grouping=True),
        "limit": number_format(settings.WRITTEN_COMMENT_MAX_WORDS, force_grouping=True),
    }


# --- Several files in one input -----------------------------------------------------------
# Django's own recipe ("Uploading multiple files"): the widget accepts several files and
# the field cleans each of them, returning a list.


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_file_clean = super().clean
        if isinstance(data, list | tuple):
            return [single_file_clean(item, initial) for item in data if item]
        return [single_file_clean(data, initial)] if data else []


# --- The focal point's form -----------------------------------------------------------------


class CommentForm(PortalModelForm):
    """A comment for one dialogue: its fields, new attachments and, when editing, the
    attachments to remove. The view passes the cleaned values to ``comment_save_draft``."""

    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPTED_EXTENSIONS}),
    )
    remove_attachments = forms.ModelMultipleChoiceField(
        label=_("Remove attachments"),
        queryset=Attachment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # Names one filling-in of the "new comment" form: the same form sent twice (a double
    # click, a resent POST) makes one comment.
    form_token = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    class Meta:
        model = WrittenComment
        fields = list(EDITABLE_FIELDS)
        labels = {
            "title": _("Title"),
            "body": _("Comment"),
            "language": _("Language of the comment"),
            "agenda_item": _("Agenda item (optional)"),
            "cluster": _("Cluster of the review mechanism (optional)"),
            "consent_to_publish": _("The organisation consents to the publication of this comment"),
            "anonymity_requested": _("Ask the secretariat to publish it without the organisation's name"),
        }
        help_texts = {
            "body": _("Plain text; leave an empty line between paragraphs."),
            "agenda_item": _("The agenda item the comment is about; or choose a cluster below."),
            "consent_to_publish": _(
                "Without consent the secretariat reads the comment and never publishes it."
            ),
            "anonymity_requested": _("For protection from reprisals. The secretariat decides."),
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 18})}

    def __init__(self, *args, dialogue: Dialogue, comment: WrittenComment | None = None, **kwargs):
        # The form works on a throwaway instance: a refused save leaves the saved comment,
        # shown around the form, as it was.
        initial = kwargs.pop("initial", None) or {}
        if comment is not None:
            initial = {**forms.model_to_dict(comment, fields=EDITABLE_FIELDS), **initial}
        super().__init__(*args, instance=WrittenComment(dialogue=dialogue), initial=initial, **kwargs)
        self.dialogue = dialogue
        self.comment = comment
        self.fields["agenda_item"].queryset = AgendaItem.objects.filter(dialogue=dialogue).order_by("number")
        self.fields["agenda_item"].empty_label = _("None")
        self.fields["cluster"].choices = [("", _("None")), *Cluster.choices]
        limit = settings.WRITTEN_COMMENT_MAX_ATTACHMENTS
        self.fields["attachments"].help_text = _(
            "PDF, DOCX or ODT: at most %(count)d files in all, of at most %(size)s each. "
            "You may choose several files at once."
        ) % {"count": limit, "size": _megabytes(settings.ATTACHMENT_MAX_BYTES)}
        if comment is not None and comment.pk:
            self.fields["remove_attachments"].queryset = comment.attachments.order_by("created_at", "id")
        else:
            del self.fields["remove_attachments"]
        if comment is not None:
            del self.fields["form_token"]  # an edit changes one comment: sending it twice makes no other
        body = self.fields["body"].widget
        body.attrs["data-max-words"] = str(settings.WRITTEN_COMMENT_MAX_WORDS)
        body.attrs["data-language-field"] = self.add_prefix("language")

    def clean_attachments(self):
        files = self.cleaned_data["attachments"]
        limit = settings.WRITTEN_COMMENT_MAX_ATTACHMENTS
        if len(files) > limit:
            raise ValidationError(
                ngettext(
                    "At most %(limit)d attachment per comment.",
                    "At most %(limit)d attachments per comment.",
                    limit,
                )
                % {"limit": limit}
            )
        return files

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("agenda_item") and cleaned.get("cluster"):
            self.add_error("cluster", _("Choose an agenda item or a cluster, not both."))
        return cleaned

    def _post_clean(self):
        # The model's own checks run in the service, on the real comment; here they would
        # only repeat them on a throwaway instance.
        pass

    def details(self) -> dict:
        """The comment's fields, as ``comment_save_draft`` takes them."""
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}

    def describe_body(self) -> None:
        """Tie the body to its help text, its count and its errors, for screen readers."""
        body = self["body"]
        ids = [f"{body.auto_id}_helptext", f"{body.auto_id}_count"]
        if body.errors:
            ids.append(f"{body.auto_id}_error")
        self.fields["body"].widget.attrs["aria-describedby"] = " ".join(ids)

    def word_count_templates(self) -> dict[str, str]:
        """The count's wording for the live count in the browser, ``{count}`` standing for the number.

        Two forms only (one, and every other number): the live count is a help while
        typing; the server's count, with the language's own plural, is shown after a save.
        """
        limit = number_format(settings.WRITTEN_COMMENT_MAX_WORDS, force_grouping=True)
        return {
            form: ngettext(
                "%(count)s word of at most %(limit)s", "%(count)s words of at most %(limit)s", number
            )
            % {"count": "{count}", "limit": limit}
            for form, number in (("one", 1), ("other", 5))
        }

    def word_count(self) -> str | None:
        """The server's count of the body as it stands on the page (typed or saved)."""
        body = self["body"].value() or ""
        if not body.strip():
            return None
        language = self["language"].value() or ""
        return word_count_text(count_words(body, language))


def _megabytes(size: int) -> str:
    return _("%(size)s MB") % {"size": number_format(size / (1024 * 1024), decimal_pos=0)}


class ConfirmForm(PortalForm):
    """No fields: a confirmation button, and a place for the service's refusal."""


# --- The secretariat's forms -----------------------------------------------------------------

ALL_STATES = "all"


class QueueFilterForm(PortalForm):
    """The moderation queue's filters, read from the query string; an unknown value counts as none."""

    dialogue = forms.ModelChoiceField(
        label=_("Dialogue"),
        required=False,
        queryset=Dialogue.objects.select_related("session__working_group").order_by("-date", "-id"),
        empty_label=_("All dialogues"),
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Submitted (to moderate)")), (ALL_STATES, _("All states"))]
        # Drafts are the organisation's own until submitted: never listed here.
        + [
            (value, capfirst(label))
            for value, label in State.choices
            if value not in (State.SUBMITTED, State.DRAFT)
        ],
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("All languages")), *Language.choices]
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        required=False,
        # Only organisations that sent comments: the list stays short.
        queryset=Organisation.objects.filter(comments__isnull=False).distinct().order_by("name", "id"),
        empty_label=_("All organisations"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dialogue"].label_from_instance = _dialogue_label

    def filters(self) -> dict:
        """The valid filters; an invalid value is dropped, not an error page."""
        self.is_valid()
        # A bound form keeps its valid values in cleaned_data even when another is wrong.
        data = getattr(self, "cleaned_data", {})
        state = data.get("state") or State.SUBMITTED
        return {
            "dialogue": data.get("dialogue"),
            "states": None if state == ALL_STATES else [state],
            "language": data.get("language") or "",
            "organisation": data.get("organisation"),
        }


def _dialogue_label(dialogue: Dialogue) -> str:
    return f"{dialogue.session.working_group}, {dialogue.date.isoformat()}"


class PublishForm(PortalForm):
    """No fields: the button says with or without the organisation's name."""


class ReasonForm(PortalForm):
    reason = forms.CharField(
        label=_("Reason (the submitter reads it)"),
        # Required by the service, whose wording is shown; the attribute helps the browser.
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "required": True}),
        max_length=5000,
    )
