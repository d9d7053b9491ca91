"""The Chair's summary of a dialogue and every revision of its text.

The text is stored as written, in the summary markup (``reports.markup``): section,
paragraph and footnote numbers are made when it is rendered, never stored. A summary
points at its current revision; every save adds a revision and moves that pointer with
a compare-and-set (``reports.services``), so no save overwrites another unseen.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dialogue_portal.states import state_properties


class SummaryState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")


class ChairSummaryQuerySet(models.QuerySet):
    def in_review(self):
        return self.filter(state=SummaryState.IN_REVIEW)


@state_properties
class ChairSummary(models.Model):
    State = SummaryState

    dialogue = models.OneToOneField(
        "dialogue_sessions.Dialogue",
        verbose_name=_("dialogue"),
        on_delete=models.PROTECT,
        related_name="summary",
    )
    # CTOC/COP/WG.6/2022/CRP.2: proposed when the summary is started, changed by the
    # secretariat until publication. NULL (not "") when unset, so that uniqueness holds.
    symbol = models.CharField(_("document symbol"), max_length=100, unique=True, null=True, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    current_revision = models.OneToOneField(
        "SummaryRevision",
        verbose_name=_("current revision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # How many revisions were ever saved: the compare-and-set of a save raises it, and the
    # new revision takes it as its number, so two saves never take the same number.
    revision_count = models.PositiveIntegerField(_("revisions"), default=0, editable=False)
    review_note = models.TextField(_("note from the review"), blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ChairSummaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("Chair's summary")
        verbose_name_plural = _("Chair's summaries")
        constraints = [
            models.CheckConstraint(condition=Q(state__in=SummaryState.values), name="summary_state_valid"),
            models.CheckConstraint(
                condition=~Q(state=SummaryState.PUBLISHED) | Q(symbol__isnull=False),
                name="summary_published_has_symbol",
            ),
            models.CheckConstraint(
                condition=Q(current_revision__isnull=True) | Q(revision_count__gte=1),
                name="summary_revision_counted",
            ),
        ]

    def __str__(self) -> str:
        return self.symbol or str(_("Summary of dialogue %(pk)s") % {"pk": self.dialogue_id})


class SummaryRevision(models.Model):
    """One save of a summary's whole text: never changed, never deleted."""

    class Kind(models.TextChoices):
        SAVED = "saved", _("Saved")
        MERGED = "merged", _("Merged with a save made meanwhile")
        FROM_DATA = "from_data", _("Written from the portal's data")
        RESTORED = "restored", _("Restored")

    summary = models.ForeignKey(
        ChairSummary, verbose_name=_("summary"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("number"))
    text = models.TextField(_("text"), blank=True)
    # The revision outlives its author's account (and the demo's, loaded without accounts).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="summary_revisions",
    )
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)
    # The revision the author's editor started from (None: the empty summary).
    base = models.ForeignKey(
        "self",
        verbose_name=_("started from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # For a merge: the revision saved meanwhile, whose changes this one keeps too.
    merged_with = models.ForeignKey(
        "self",
        verbose_name=_("merged with"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # For a restore: the revision whose text this one brings back.
    restored_from = models.ForeignKey(
        "self",
        verbose_name=_("restored from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SAVED)

    class Meta:
        verbose_name = _("summary revision")
        verbose_name_plural = _("summary revisions")
        ordering = ["summary", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["summary", "number"], name="summary_revision_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="summary_revision_number_positive"),
            models.CheckConstraint(
                condition=Q(kind="merged", merged_with__isnull=False)
                | (~Q(kind="merged") & Q(merged_with__isnull=True)),
                name="summary_revision_merge_named",
            ),
            models.CheckConstraint(
                condition=Q(kind="restored", restored_from__isnull=False)
                | (~Q(kind="restored") & Q(restored_from__isnull=True)),
                name="summary_revision_restore_named",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Revision %(number)s") % {"number": self.number})

    @property
    def author_name(self) -> str:
        if self.author is None:
            return "—"
        return self.author.get_full_name() or self.author.email


class CrpState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Rendering")
    SUCCEEDED = "succeeded", _("Ready")
    FAILED = "failed", _("Failed")


class CrpDocumentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)


@state_properties
class CrpDocument(models.Model):
    """A PDF rendered from one summary revision: the Conference Room Paper, once published.

    Rendered by a worker (``reports.tasks.render_crp``) that claims the row with a lease,
    so a redelivered task finishes the work of a worker that died. The file is named by
    its SHA-256 and, once published, never changes: a correction is another document,
    printed and published as ``<symbol>/Rev.1``, ``/Rev.2`` …
    """

    State = CrpState

    summary = models.ForeignKey(
        ChairSummary, verbose_name=_("summary"), on_delete=models.PROTECT, related_name="documents"
    )
    revision = models.ForeignKey(
        SummaryRevision, verbose_name=_("revision"), on_delete=models.PROTECT, related_name="documents"
    )
    # The symbol printed on the document: the summary's, with "/Rev.N" for a correction.
    symbol = models.CharField(_("document symbol"), max_length=120)
    correction = models.PositiveSmallIntegerField(_("correction"), default=0)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    # The worker's claim: another worker may take the document over once it has passed.
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0, editable=False)
    started_at = models.DateTimeField(_("started"), null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True, editable=False)
    file = models.FileField(_("file"), upload_to="crp/", blank=True, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, editable=False)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True, editable=False)
    size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True, editable=False)
    render_seconds = models.FloatField(_("render time in seconds"), null=True, blank=True, editable=False)
    # Why a render failed, in words a Chair can read.
    message = models.TextField(_("message"), blank=True, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = CrpDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("CRP document")
        verbose_name_plural = _("CRP documents")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=CrpState.values), name="crp_state_valid"),
            # One render per revision and symbol, whoever asks and however often: a failed
            # one may be asked again.
            models.UniqueConstraint(
                fields=["revision", "symbol"],
                condition=~Q(state=CrpState.FAILED),
                name="crp_one_render_per_revision",
            ),
            models.CheckConstraint(
                condition=~Q(state=CrpState.SUCCEEDED) | (~Q(sha256="") & ~Q(file="") & Q(pages__gte=1)),
                name="crp_succeeded_has_file",
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(state=CrpState.SUCCEEDED),
                name="crp_published_succeeded",
            ),
            models.CheckConstraint(
                condition=~Q(state=CrpState.RUNNING) | Q(lease_until__isnull=False),
                name="crp_running_has_lease",
            ),
            # /Rev.1 is published once: two publications cannot take the same number.
            models.UniqueConstraint(
                fields=["summary", "correction"],
                condition=Q(published_at__isnull=False),
                name="crp_one_publication_per_correction",
            ),
        ]
        indexes = [models.Index(fields=["state", "lease_until"], name="crp_state_lease")]

    def __str__(self) -> str:
        return self.symbol
