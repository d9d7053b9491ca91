from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet):
    def for_object(self, obj: models.Model) -> "AuditEventQuerySet":
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_id=str(obj.pk),
        )


class AuditEvent(models.Model):
    """One state transition of one lifecycle: who moved what, from where, to where.

    Written by ``dialogue_portal.transitions.transition`` in the same transaction as
    the move itself, and never edited afterwards.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the portal itself acted (a scheduled task)."),
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(_("object id"), max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("object"), max_length=300)
    from_state = models.CharField(_("from"), max_length=40, blank=True)
    to_state = models.CharField(_("to"), max_length=40)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    note = models.TextField(_("note"), blank=True)
    on_behalf_of = models.CharField(
        _("on behalf of"),
        max_length=300,
        blank=True,
        help_text=_("The organisation the secretariat acted for (a request or comment received by e-mail)."),
    )
    occurred_at = models.DateTimeField(
        _("happened"),
        null=True,
        blank=True,
        help_text=_(
            "When it really happened, for what was recorded after the fact; empty when it is the time above."
        ),
    )

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.object_repr}: {self.from_state or '∅'} → {self.to_state}"


class Lock(models.Model):
    """A named row to serialise a check-then-write across transactions.

    ``dialogue_portal.locks.hold(name)`` updates the row first thing in the transaction:
    PostgreSQL then holds its row lock, and SQLite its write lock, until the commit.
    """

    name = models.CharField(max_length=200, primary_key=True)
    taken = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("lock")
        verbose_name_plural = _("locks")

    def __str__(self) -> str:
        return self.name


class Profile(models.Model):
    """What the portal keeps about an account beyond Django's user: the language it
    writes to them in.

    Set from the interface's language at sign-up and changed whenever the signed-in
    user picks another in the language switcher; ``mail.send_templated`` renders each
    recipient's e-mail in it, whoever caused the message. An account with no profile
    (made in the admin, or before profiles existed) is written to in ``LANGUAGE_CODE``.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="profile"
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The portal's e-mails to this account are written in it."),
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(language__in=[code for code, _name in settings.LANGUAGES]),
                name="profile_language_is_offered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.language}"
