import uuid
from pathlib import PurePath

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dialogue_portal.states import state_properties
from sessions.models import Cluster


class Language(models.TextChoices):
    """The six official languages of the United Nations, or another."""

    ARABIC = "ar", _("Arabic")
    CHINESE = "zh", _("Chinese")
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    RUSSIAN = "ru", _("Russian")
    SPANISH = "es", _("Spanish")
    OTHER = "other", _("Another language")


# PostgreSQL's text-search configuration for each language; "simple" where it has none.
SEARCH_CONFIGURATIONS = {
    "ar": "arabic",
    "en": "english",
    "fr": "french",
    "ru": "russian",
    "es": "spanish",
    "zh": "simple",
    "other": "simple",
}


class WrittenCommentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=WrittenComment.State.PUBLISHED)

    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)


class WrittenCommentState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    PUBLISHED = "published", _("published")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")
    UNPUBLISHED = "unpublished", _("unpublished")


@state_properties
class WrittenComment(models.Model):
    # At module level so that Meta's constraints can name the states.
    State = WrittenCommentState

    dialogue = models.ForeignKey(
        "dialogue_sessions.Dialogue",
        verbose_name=_("dialogue"),
        on_delete=models.PROTECT,
        related_name="comments",
    )
    organisation = models.ForeignKey(
        "stakeholders.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="comments",
    )
    # The comment is the organisation's: it outlives the account of the person who sent it.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("comment"), help_text=_("Plain text."))
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.ENGLISH
    )
    agenda_item = models.ForeignKey(
        "dialogue_sessions.AgendaItem",
        verbose_name=_("agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    cluster = models.CharField(_("cluster"), max_length=30, choices=Cluster.choices, blank=True)
    consent_to_publish = models.BooleanField(
        _("the organisation consents to the publication of this comment"), default=False
    )
    anonymity_requested = models.BooleanField(
        _("publish without the organisation's name"),
        default=False,
        help_text=_("For protection from reprisals. The secretariat decides."),
    )
    published_anonymously = models.BooleanField(_("published without the organisation's name"), default=False)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    # Given at submission: WC-<year>-<dialogue id>-<sequence>, the sequence without gaps per dialogue.
    sequence = models.PositiveIntegerField(_("sequence"), null=True, blank=True, editable=False)
    tracking_number = models.CharField(
        _("tracking number"), max_length=40, null=True, blank=True, unique=True, editable=False
    )
    received_at = models.DateTimeField(_("received"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    # The secretariat's reason for a rejection or an unpublication, shown to the submitter.
    reason = models.TextField(_("reason"), blank=True)
    search_vector = SearchVectorField(null=True, editable=False)
    # The random token of the "new comment" form that made this comment: the same form sent
    # again (a double click, a resend after a dropped connection) finds it instead of
    # making a second comment. Unique per organisation, in the database.
    form_token = models.CharField(_("form token"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = WrittenCommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("written comment")
        verbose_name_plural = _("written comments")
        ordering = ["-published_at", "-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "form_token"],
                condition=~Q(form_token=""),
                name="comment_form_token_unique",
            ),
            models.UniqueConstraint(
                fields=["dialogue", "sequence"],
                condition=Q(sequence__isnull=False),
                name="comment_sequence_unique",
            ),
            models.CheckConstraint(
                condition=Q(state__in=WrittenCommentState.values),
                name="comment_state_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state=WrittenCommentState.PUBLISHED) | Q(consent_to_publish=True),
                name="comment_published_only_with_consent",
            ),
            models.CheckConstraint(
                condition=Q(published_anonymously=False) | Q(anonymity_requested=True),
                name="comment_anonymous_only_when_asked",
            ),
            models.CheckConstraint(
                condition=Q(state=WrittenCommentState.DRAFT)
                | Q(tracking_number__isnull=False)
                | Q(state=WrittenCommentState.WITHDRAWN),
                name="comment_tracking_number_once_submitted",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "-published_at"], name="comment_published_idx"),
            models.Index(fields=["dialogue", "state"], name="comment_dialogue_state_idx"),
        ]

    def __str__(self) -> str:
        return self.tracking_number or self.title


def attachment_path(instance: "Attachment", filename: str) -> str:
    """A random stored name: the original name is for display only."""
    return f"attachments/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "DOCX"
        ODT = "odt", "ODT"

    CONTENT_TYPES = {
        "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "odt": "application/vnd.oasis.opendocument.text",
    }

    comment = models.ForeignKey(WrittenComment, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    size = models.PositiveIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["comment", "created_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def content_type(self) -> str:
        return self.CONTENT_TYPES[self.kind]
