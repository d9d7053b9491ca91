"""Forms of the written-comment pages. They parse input; the services decide.

The rules on a comment (its length, its attachments, the deadline, the state machine)
are the services' and ``validation``'s: their refusal is put next to the field it names
by :func:`add_service_errors`, so that each rule has one wording and one place.
"""

import json

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
from sessions.staff_forms import VenueDateTimeField
from stakeholders.models import Organisation

from .models import Attachment, Language, WrittenComment
from .selectors import organisations_that_may_comment, recordable_dialogues
from .services import EDITABLE_FIELDS, KeptFile
from .validation import count_words

State = WrittenComment.State

ACCEPTED_EXTENSIONS = ".pdf,.docx,.odt"
# One number of each plural form of the six languages: 0 (Arabic's zero), 1, 2 (Arabic's
# two, Russian's few), 3 (Arabic's few), 5 (Russian's many), 11 (Arabic's many), 100.
PLURAL_SAMPLES = (0, 1, 2, 3, 5, 11, 100)


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


# --- What a comment is about: one control ---------------------------------------------------
# An agenda item or a cluster, never both: one select, its options grouped, so that the
# refusal "not both" cannot happen (a refused save used to lose the attached files).

ITEM_PREFIX = "item:"
CLUSTER_PREFIX = "cluster:"
# The columns the one control stands for, set from it by CommentForm.details().
ABOUT_FIELDS = ("agenda_item", "cluster")
FORM_FIELDS = [name for name in EDITABLE_FIELDS if name not in ABOUT_FIELDS]
# A service's refusal naming either column is shown next to the one control.
ABOUT_FIELD_FOR = dict.fromkeys(ABOUT_FIELDS, "about")


def about_choices(dialogue: Dialogue) -> list:
    items = AgendaItem.objects.filter(dialogue=dialogue).order_by("number", "id")
    choices: list = [("", _("Nothing in particular"))]
    item_choices = [(f"{ITEM_PREFIX}{item.pk}", str(item)) for item in items]
    if item_choices:
        choices.append((_("Agenda items"), item_choices))
    choices.append((_("Clusters"), [(f"{CLUSTER_PREFIX}{value}", label) for value, label in Cluster.choices]))
    return choices


def about_value(comment: WrittenComment | None) -> str:
    if comment is None:
        return ""
    if comment.agenda_item_id:
        return f"{ITEM_PREFIX}{comment.agenda_item_id}"
    if comment.cluster:
        return f"{CLUSTER_PREFIX}{comment.cluster}"
    return ""


class KeptFilesField(forms.Field):
    """The signed notes of files kept from a refused save (services.attachments_keep): each
    a checkbox, ticked, in the template; unticking one leaves that file out."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *args, organisation: Organisation | None = None, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def to_python(self, value):
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [KeptFile.unsign(str(item), organisation=self.organisation) for item in values if item]


# --- The focal point's form -----------------------------------------------------------------


class CommentForm(PortalModelForm):
    """A comment for one dialogue: its fields, new attachments, files kept from a refused
    save and, when editing, the attachments to remove. The view passes the cleaned values
    to ``comment_save_draft``."""

    about = forms.ChoiceField(
        label=_("What the comment is about (optional)"),
        required=False,
        help_text=_("An agenda item of the dialogue, or a cluster of the review mechanism."),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPTED_EXTENSIONS}),
    )
    kept_files = KeptFilesField()
    remove_attachments = forms.ModelMultipleChoiceField(
        label=_("Remove attachments"),
        queryset=Attachment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # Names one filling-in of the "new comment" form: the same form sent twice (a double
    # click, a resent POST) makes one comment.
    form_token = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    field_order = ["title", "body", "language", "about"]

    class Meta:
        model = WrittenComment
        fields = FORM_FIELDS
        labels = {
            "title": _("Title"),
            "body": _("Comment"),
            "language": _("Language of the comment"),
            "consent_to_publish": _("The organisation consents to the publication of this comment"),
            "anonymity_requested": _("Ask the secretariat to publish it without the organisation's name"),
        }
        help_texts = {
            "body": _("Plain text; leave an empty line between paragraphs."),
            "consent_to_publish": _(
                "Without consent the secretariat reads the comment and never publishes it."
            ),
            "anonymity_requested": _("For protection from reprisals. The secretariat decides."),
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 18})}

    def __init__(
        self,
        *args,
        dialogue: Dialogue,
        comment: WrittenComment | None = None,
        organisation: Organisation | None = None,
        **kwargs,
    ):
        # The form works on a throwaway instance: a refused save leaves the saved comment,
        # shown around the form, as it was.
        initial = kwargs.pop("initial", None) or {}
        if comment is not None:
            initial = {
                **forms.model_to_dict(comment, fields=FORM_FIELDS),
                "about": about_value(comment),
                **initial,
            }
        super().__init__(*args, instance=WrittenComment(dialogue=dialogue), initial=initial, **kwargs)
        self.dialogue = dialogue
        self.comment = comment
        self.organisation = organisation or (comment.organisation if comment is not None else None)
        # The files kept from a refused save, (signed note, KeptFile), shown as "kept".
        self.kept: list[tuple[str, KeptFile]] = []
        self.fields["kept_files"].organisation = self.organisation
        self.fields["about"].choices = about_choices(dialogue)
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

    def clean_kept_files(self):
        kept = self.cleaned_data["kept_files"]
        self.kept = [(item.sign(organisation=self.organisation), item) for item in kept]
        return kept

    def clean_about(self) -> dict:
        value = self.cleaned_data["about"]
        if value.startswith(ITEM_PREFIX):
            item = AgendaItem.objects.filter(
                dialogue=self.dialogue, pk=int(value[len(ITEM_PREFIX) :])
            ).first()
            if item is None:
                raise ValidationError(_("Choose an agenda item of this dialogue."))
            return {"agenda_item": item, "cluster": ""}
        if value.startswith(CLUSTER_PREFIX):
            return {"agenda_item": None, "cluster": value[len(CLUSTER_PREFIX) :]}
        return {"agenda_item": None, "cluster": ""}

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

    def _post_clean(self):
        # The model's own checks run in the service, on the real comment; here they would
        # only repeat them on a throwaway instance.
        pass

    def details(self) -> dict:
        """The comment's fields, as ``comment_save_draft`` takes them."""
        return {**{name: self.cleaned_data[name] for name in FORM_FIELDS}, **self.cleaned_data["about"]}

    def keep(self, kept: list[KeptFile]) -> None:
        """After a refused save: the files kept now (services.attachments_keep) join those kept before."""
        self.kept.extend((item.sign(organisation=self.organisation), item) for item in kept)

    def kept_before(self) -> list[KeptFile]:
        """The kept files this sending still carries (valid notes only)."""
        return [item for _note, item in self.kept]

    def describe_body(self) -> None:
        """Tie the body to its help text, its count and its errors, for screen readers."""
        body = self["body"]
        ids = [f"{body.auto_id}_helptext", f"{body.auto_id}_count"]
        if body.errors:
            ids.append(f"{body.auto_id}_error")
        self.fields["body"].widget.attrs["aria-describedby"] = " ".join(ids)

    def word_count_templates(self) -> str:
        """The count's wording for the live count in the browser, as JSON: for one sample
        number of each plural form the six languages have (Arabic's six, Russian's three),
        the wording, ``{count}`` standing for the number. The browser shows the wording of
        the sample in the same plural category as the count (``Intl.PluralRules``)."""
        limit = number_format(settings.WRITTEN_COMMENT_MAX_WORDS, force_grouping=True)
        return json.dumps(
            {
                str(number): ngettext(
                    "%(count)s word of at most %(limit)s", "%(count)s words of at most %(limit)s", number
                )
                % {"count": "{count}", "limit": limit}
                for number in PLURAL_SAMPLES
            },
            ensure_ascii=False,
        )

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


# --- The secretariat's desk: a comment received by e-mail ------------------------------------


class RecordChooseForm(PortalForm):
    """Whose comment, for which dialogue: read from the query string."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        empty_label=_("Choose the organisation"),
        help_text=_("Only organisations admitted as observers can send written comments."),
    )
    dialogue = forms.ModelChoiceField(
        label=_("Dialogue"),
        queryset=Dialogue.objects.none(),
        empty_label=_("Choose the dialogue"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_that_may_comment()
        self.fields["dialogue"].queryset = recordable_dialogues()
        self.fields["dialogue"].label_from_instance = _recordable_label

    def subjects(self) -> tuple[Organisation, Dialogue] | None:
        if not self.is_bound or not self.is_valid():
            return None
        return self.cleaned_data["organisation"], self.cleaned_data["dialogue"]


def _recordable_label(dialogue: Dialogue) -> str:
    return f"{_dialogue_label(dialogue)} ({dialogue.get_state_display()})"


PUBLICATION_CHOICES = [
    ("", _("Not published yet: decide on the comment's page")),
    ("publish", _("Published with the organisation's name")),
    ("publish-anonymously", _("Published without the organisation's name")),
]


class RecordCommentForm(CommentForm):
    """A comment received by e-mail: the focal point's fields, the time it was received and,
    for a dialogue already held, whether and when it was published."""

    received_at = VenueDateTimeField(
        label=_("Received on"),
        help_text=_("The date and time of the e-mail, in the dialogue's time zone."),
    )
    publication = forms.ChoiceField(label=_("Publication"), required=False, choices=PUBLICATION_CHOICES)
    published_at = VenueDateTimeField(
        label=_("Published on"),
        required=False,
        help_text=_("When it was published on the public page, in the dialogue's time zone."),
    )

    field_order = ["received_at", "title", "body", "language", "about"]

    def __init__(self, *args, dialogue: Dialogue, organisation: Organisation, **kwargs):
        super().__init__(*args, dialogue=dialogue, organisation=organisation, **kwargs)
        # Typed, and shown, in the dialogue's time zone, as its deadlines are.
        self.fields["received_at"].zone = self.fields["published_at"].zone = self.dialogue.zone
        if self.dialogue.state != Dialogue.State.HELD:
            # Publication of a live dialogue's comment is the moderation's, on its own page.
            del self.fields["publication"]
            del self.fields["published_at"]

    def recording(self) -> dict:
        """What comment_record_received takes beyond the comment's fields."""
        data = self.cleaned_data
        return {
            "received_at": data["received_at"],
            "publication": data.get("publication", ""),
            "published_at": data.get("published_at"),
        }
