import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from dialogue_portal.states import state_properties


class Category(models.TextChoices):
    NGO = "ngo", _("Non-governmental organization")
    ACADEMIA = "academia", _("Academia")
    PRIVATE_SECTOR = "private_sector", _("Private sector")


class EcosocStatus(models.TextChoices):
    GENERAL = "general", _("General consultative status")
    SPECIAL = "special", _("Special consultative status")
    ROSTER = "roster", _("Roster")
    NONE = "none", _("None")


class OrganisationQuerySet(models.QuerySet):
    def admitted(self):
        # At most one live accreditation per organisation (a constraint): no duplicates.
        return self.filter(accreditations__state=Accreditation.State.ADMITTED)

    def for_focal_point(self, user):
        return self.filter(focal_points__user=user)


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=300)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    country = CountryField(_("country"), help_text=_("Where the organisation has its seat."))
    ecosoc_status = models.CharField(
        _("ECOSOC consultative status"),
        max_length=10,
        choices=EcosocStatus.choices,
        default=EcosocStatus.NONE,
    )
    website = models.URLField(_("website"), blank=True)
    postal_address = models.TextField(_("postal address"))
    description = models.TextField(
        _("work on the Convention and its Protocols"),
        help_text=_("A short description of the organisation's work on the topics of the Convention."),
    )
    # What duplicates are recognised by; derived from name and website by the services.
    # Folding may lengthen a name ("ß" → "ss", "ﬃ" → "ffi"): room for three times its length.
    name_key = models.CharField(max_length=900, unique=True, editable=False)
    website_domain = models.CharField(max_length=253, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["website_domain"], condition=~Q(website_domain=""), name="organisation_domain_unique"
            ),
            models.CheckConstraint(
                condition=Q(category__in=["ngo", "academia", "private_sector"]),
                name="organisation_category_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class FocalPoint(models.Model):
    """A user who manages an organisation on the portal."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="focal_points")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="focal_points")
    since = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("focal point")
        verbose_name_plural = _("focal points")
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="focal_point_once")]

    def __str__(self) -> str:
        return f"{self.user.email} — {self.organisation}"


class JoinRequestState(models.TextChoices):
    PENDING = "pending", _("pending")
    APPROVED = "approved", _("approved")
    DECLINED = "declined", _("declined")


@state_properties
class JoinRequest(models.Model):
    """A user's request to become a focal point of an organisation that already exists."""

    # At module level so that Meta's constraints can name the states.
    State = JoinRequestState

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests")
    message = models.TextField(_("message"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)

    class Meta:
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=Q(state=JoinRequestState.PENDING),
                name="join_request_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.email} → {self.organisation}"


def _token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """A focal point's invitation to another person to manage the organisation with them.

    With ``hand_over`` the inviting focal point leaves once the invitation is accepted.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    hand_over = models.BooleanField(_("hand over"), default=False)
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"


class Representative(models.Model):
    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Another gender")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="representatives")
    name = models.CharField(_("name as in passport"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True, help_text=_("For example: Director"))
    email = models.EmailField(_("e-mail"))
    # Self-declared, optional; seen by the secretariat only, used only in aggregate figures.
    gender = models.CharField(
        _("gender (optional)"),
        max_length=10,
        choices=Gender.choices,
        blank=True,
        help_text=_(
            "Optional. Seen by the secretariat only and used only in aggregate gender-balance figures."
        ),
    )

    class Meta:
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "email"], name="representative_email_once"),
        ]

    def __str__(self) -> str:
        return self.name


class CirculationList(models.Model):
    """Requests circulated together to the States parties under one deadline for objections."""

    reference = models.CharField(_("reference"), max_length=100, unique=True)
    circulated_on = models.DateField(_("circulated on"))
    deadline = models.DateField(_("deadline for objections"), help_text=_("Inclusive, Vienna time."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("circulation list")
        verbose_name_plural = _("circulation lists")
        ordering = ["-circulated_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gt=models.F("circulated_on")),
                name="circulation_deadline_after_circulation",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class AccreditationQuerySet(models.QuerySet):
    def current(self):
        """Each organisation's accreditation that is still alive (not withdrawn or rejected)."""
        return self.exclude(state__in=[Accreditation.State.WITHDRAWN, Accreditation.State.REJECTED])


class AccreditationState(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned for correction")
    CIRCULATED = "circulated", _("circulated to States parties")
    OBJECTED = "objected", _("objected to; awaiting the Conference")
    ADMITTED = "admitted", _("admitted")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")


@state_properties
class Accreditation(models.Model):
    """An organisation's admission as an observer (rule 17 of the Conference's rules)."""

    # At module level so that Meta's constraints can name the states.
    State = AccreditationState

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="accreditations")
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.SUBMITTED)
    circulation_list = models.ForeignKey(
        CirculationList,
        verbose_name=_("circulation list"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accreditations",
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # The secretariat's last word to the organisation: what to correct, or why rejected.
    message = models.TextField(_("message to the organisation"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AccreditationQuerySet.as_manager()

    class Meta:
        verbose_name = _("accreditation")
        verbose_name_plural = _("accreditations")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            # One live request per organisation; a rejected or withdrawn one may be followed by a new one.
            models.UniqueConstraint(
                fields=["organisation"],
                condition=~Q(state__in=[AccreditationState.WITHDRAWN, AccreditationState.REJECTED]),
                name="accreditation_one_current_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(state__in=AccreditationState.values),
                name="accreditation_state_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[AccreditationState.CIRCULATED, AccreditationState.OBJECTED])
                | Q(circulation_list__isnull=False),
                name="accreditation_circulated_on_a_list",
            ),
        ]
        indexes = [models.Index(fields=["state"])]

    def __str__(self) -> str:
        return str(_("Accreditation of %(organisation)s") % {"organisation": self.organisation})


class Objection(models.Model):
    """A State party's objection: to a circulated request, or to an admitted organisation's
    taking part in one dialogue. The organisation is told that one was made, never by whom."""

    state_party = CountryField(_("State party"))
    made_on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    accreditation = models.ForeignKey(
        Accreditation, on_delete=models.PROTECT, null=True, blank=True, related_name="objections"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="dialogue_objections"
    )
    dialogue = models.ForeignKey(
        "dialogue_sessions.Dialogue",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="objections",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-made_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(accreditation__isnull=False, organisation__isnull=True, dialogue__isnull=True)
                    | Q(accreditation__isnull=True, organisation__isnull=False, dialogue__isnull=False)
                ),
                name="objection_to_a_request_or_to_a_dialogue",
            ),
        ]

    def __str__(self) -> str:
        target = self.accreditation or f"{self.organisation} / {self.dialogue}"
        return f"{self.state_party.name}: {target}"
