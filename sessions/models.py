import datetime
import secrets
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from dialogue_portal.states import state_properties


def validate_time_zone(value: str) -> None:
    from django.core.exceptions import ValidationError

    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            _("“%(value)s” is not a time zone name such as Europe/Vienna."), params={"value": value}
        ) from exc


class Cluster(models.TextChoices):
    """The four clusters in which the review mechanism groups the articles."""

    CRIMINALIZATION = "criminalization", _("Criminalization and jurisdiction")
    PREVENTION = (
        "prevention",
        _("Prevention, technical assistance, protection measures and other measures"),
    )
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement and judicial system")
    COOPERATION = (
        "cooperation",
        _("International cooperation, mutual legal assistance and confiscation"),
    )


# The working groups of the Conference by their official English names: the catalogs give
# each its official name in the five other languages. A group named otherwise is shown as
# the secretariat typed it.
OFFICIAL_WORKING_GROUP_NAMES = [
    gettext_noop("Working Group on Firearms"),
    gettext_noop("Working Group on Trafficking in Persons"),
    gettext_noop("Working Group on the Smuggling of Migrants"),
    gettext_noop("Working Group on International Cooperation"),
    gettext_noop("Working Group on Technical Assistance"),
    gettext_noop("Working Group of Government Experts on Technical Assistance"),
]


class WorkingGroup(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    symbol_prefix = models.CharField(
        _("symbol prefix"), max_length=40, unique=True, help_text=_("For example CTOC/COP/WG.6")
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        ordering = ["name"]

    def __str__(self) -> str:
        # The official name in the reader's language (OFFICIAL_WORKING_GROUP_NAMES).
        return gettext(self.name) if self.name else ""


class WorkingGroupSession(models.Model):
    working_group = models.ForeignKey(
        WorkingGroup,
        verbose_name=_("working group"),
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    number = models.PositiveSmallIntegerField(_("number"), help_text=_("9 for the ninth session"))
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    venue = models.CharField(_("venue"), max_length=200, default="Vienna International Centre")

    class Meta:
        verbose_name = _("working-group session")
        verbose_name_plural = _("working-group sessions")
        ordering = ["-first_day"]
        constraints = [
            models.UniqueConstraint(
                fields=["working_group", "number"], name="session_number_unique_per_group"
            ),
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")), name="session_last_day_not_before_first"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="session_number_positive"),
        ]

    def __str__(self) -> str:
        from .ordinals import ordinal_word

        return _("%(ordinal)s session of the %(group)s") % {
            "ordinal": ordinal_word(self.number, of="session").capitalize(),
            "group": self.working_group,
        }


class DialogueQuerySet(models.QuerySet):
    def not_cancelled(self):
        return self.exclude(state=Dialogue.State.CANCELLED)

    def upcoming(self, today: datetime.date):
        # Cancelled ones stay listed until their date, marked, for those who planned to come.
        return self.filter(date__gte=today).exclude(state=Dialogue.State.HELD)

    def past(self, today: datetime.date):
        return self.not_cancelled().filter(Q(date__lt=today) | Q(state=Dialogue.State.HELD))

    def public(self):
        """Dialogues the public may see: every one the secretariat has scheduled."""
        return self.all()


class DialogueState(models.TextChoices):
    SCHEDULED = "scheduled", _("scheduled")
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")
    HELD = "held", _("held")
    CANCELLED = "cancelled", _("cancelled")


@state_properties
class Dialogue(models.Model):
    # At module level so that Meta's constraints can name the states.
    State = DialogueState

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("in person")
        HYBRID = "hybrid", _("hybrid")
        ONLINE = "online", _("online")

    session = models.ForeignKey(
        WorkingGroupSession,
        verbose_name=_("working-group session"),
        on_delete=models.PROTECT,
        related_name="dialogues",
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Vienna",
        validators=[validate_time_zone],
        help_text=_("The venue's time zone: dates and times are given in it."),
    )
    venue = models.CharField(_("venue"), max_length=200, default="Vienna International Centre")
    room = models.CharField(_("room"), max_length=100, blank=True)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices, default=Format.HYBRID)
    meeting_link = models.URLField(
        _("meeting link"), blank=True, help_text=_("Sent only to approved representatives.")
    )
    applications_deadline = models.DateTimeField(_("deadline for applications"))
    comments_deadline = models.DateTimeField(_("deadline for written comments"))
    max_representatives = models.PositiveSmallIntegerField(
        _("representatives per organisation"), default=2, help_text=_("At most this many per application.")
    )
    minutes_per_speaker = models.PositiveSmallIntegerField(
        _("minutes per speaker"), default=3, help_text=_("The time each speaker has on the speakers' list.")
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.SCHEDULED)
    # The iCalendar SEQUENCE: raised by every postponement and by a cancellation, so that
    # calendars holding the event replace it.
    sequence = models.PositiveIntegerField(_("calendar revision"), default=0, editable=False)
    # Given when cancelling (required there): e-mailed to the applicants, shown on the public page.
    cancellation_reason = models.TextField(_("reason for the cancellation"), blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = DialogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("dialogue")
        verbose_name_plural = _("dialogues")
        ordering = ["date", "start_time", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="dialogue_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(state__in=DialogueState.values),
                name="dialogue_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(format__in=["in_person", "hybrid", "online"]),
                name="dialogue_format_valid",
            ),
        ]
        indexes = [models.Index(fields=["state", "date"])]

    def __str__(self) -> str:
        """The public pages' label, for admin selects and e-mail subjects: "Second
        constructive dialogue of 13 January 2027 after the eleventh session of the Working
        Group on the Smuggling of Migrants"; without the ``ordinal`` the selectors annotate
        (a row fetched otherwise, a cancelled dialogue) it starts "Constructive dialogue"."""
        from .ordinals import ordinal_word

        session = str(self.session) if self.session_id else "?"
        values = {
            "date": date_format(self.date, "DATE_FORMAT"),
            # "Ninth session of the Working Group on Firearms" inside a sentence: only its
            # first letter goes down, the group's name stays as written.
            "session": session[:1].lower() + session[1:],
        }
        ordinal = getattr(self, "ordinal", None)
        if ordinal is None:
            return _("Constructive dialogue of %(date)s after the %(session)s") % values
        return _("%(ordinal)s constructive dialogue of %(date)s after the %(session)s") % {
            **values,
            "ordinal": ordinal_word(ordinal, of="dialogue").capitalize(),
        }

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def starts_at(self) -> datetime.datetime:
        return datetime.datetime.combine(self.date, self.start_time, tzinfo=self.zone)

    @property
    def ends_at(self) -> datetime.datetime:
        return datetime.datetime.combine(self.date, self.end_time, tzinfo=self.zone)

    @property
    def working_group(self) -> WorkingGroup:
        return self.session.working_group

    @property
    def shows_deadlines(self) -> bool:
        """A cancelled dialogue takes nothing more: its deadlines would only mislead."""
        return self.state != self.State.CANCELLED


class DialogueChair(models.Model):
    class Honorific(models.TextChoices):
        MR = "Mr.", _("Mr.")
        MS = "Ms.", _("Ms.")
        MRS = "Mrs.", _("Mrs.")
        DR = "Dr.", _("Dr.")
        PROF = "Prof.", _("Prof.")
        HE_MR = "H.E. Mr.", _("H.E. Mr.")
        HE_MS = "H.E. Ms.", _("H.E. Ms.")

    dialogue = models.ForeignKey(
        Dialogue, verbose_name=_("dialogue"), on_delete=models.CASCADE, related_name="chairs"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    honorific = models.CharField(_("honorific"), max_length=20, choices=Honorific.choices)
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(
        _("title"), max_length=300, help_text=_("Legal Advisor to the Ministry of Foreign Affairs")
    )
    country = CountryField(_("country"))
    role = models.CharField(
        _("role"), max_length=200, blank=True, help_text=_("the Chair of the Working Group")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafting account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dialogue_chairs",
        help_text=_("The portal account with which this Chair drafts the summary."),
    )

    class Meta:
        verbose_name = _("Chair")
        verbose_name_plural = _("Chairs")
        ordering = ["dialogue", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dialogue", "user"],
                condition=Q(user__isnull=False),
                name="chair_user_once_per_dialogue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.honorific} {self.name}"


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


class ChairInvitation(models.Model):
    """The secretariat's invitation, by e-mail, to link a Chair to the account that drafts.

    The link works once, until ``expires_at``, for an account holding the invited address;
    several invitations of one Chair stand side by side, and the first accepted links it.
    """

    chair = models.ForeignKey(
        DialogueChair, verbose_name=_("Chair"), on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Chair's invitation")
        verbose_name_plural = _("Chairs' invitations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_by__isnull=True) | Q(accepted_at__isnull=False),
                name="chair_invitation_accepted_by_only_when_accepted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.chair}"

    @property
    def is_used(self) -> bool:
        return self.accepted_at is not None

    def has_expired(self, now: datetime.datetime) -> bool:
        return self.expires_at <= now


class AgendaItem(models.Model):
    dialogue = models.ForeignKey(
        Dialogue, verbose_name=_("dialogue"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    cluster = models.CharField(_("cluster"), max_length=30, choices=Cluster.choices, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["dialogue", "number"]
        constraints = [
            models.UniqueConstraint(fields=["dialogue", "number"], name="agenda_item_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="agenda_item_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class RegistrationState(models.TextChoices):
    APPLIED = "applied", _("applied")
    APPROVED = "approved", _("approved")
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("withdrawn")


@state_properties
class Registration(models.Model):
    """An organisation's application to take part in one dialogue; the Extended Bureau decides."""

    # At module level so that Meta's constraints can name the states.
    State = RegistrationState

    dialogue = models.ForeignKey(
        Dialogue, verbose_name=_("dialogue"), on_delete=models.PROTECT, related_name="registrations"
    )
    organisation = models.ForeignKey(
        "stakeholders.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    representatives = models.ManyToManyField(
        "stakeholders.Representative", verbose_name=_("representatives"), related_name="registrations"
    )
    expertise = models.TextField(
        _("expertise on the topic"),
        help_text=_("The organisation's expertise on the topic of the working group."),
    )
    travel_support_requested = models.BooleanField(_("asks for travel support"), default=False)
    travel_support_granted = models.BooleanField(_("travel support granted"), default=False)
    may_be_named = models.BooleanField(_("may be named in the public list of participants"), default=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.APPLIED)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    applied_at = models.DateTimeField(_("applied"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["dialogue", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["dialogue", "organisation"],
                condition=Q(state__in=[RegistrationState.APPLIED, RegistrationState.APPROVED]),
                name="registration_one_live_per_dialogue",
            ),
            models.CheckConstraint(
                condition=Q(state__in=RegistrationState.values),
                name="registration_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(travel_support_granted=False) | Q(travel_support_requested=True),
                name="registration_travel_support_granted_only_if_requested",
            ),
        ]
        indexes = [models.Index(fields=["dialogue", "state"])]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.dialogue}"


class Attendance(models.Model):
    """One representative present at one dialogue: the source of every participation figure."""

    dialogue = models.ForeignKey(Dialogue, on_delete=models.PROTECT, related_name="attendances")
    representative = models.ForeignKey(
        "stakeholders.Representative", on_delete=models.PROTECT, related_name="attendances"
    )
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="attendances")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["dialogue", "representative__name"]
        constraints = [
            models.UniqueConstraint(fields=["dialogue", "representative"], name="attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.representative} — {self.dialogue}"


class InterventionState(models.TextChoices):
    REQUESTED = "requested", _("requested")
    SCHEDULED = "scheduled", _("scheduled")
    DELIVERED = "delivered", _("delivered")
    WITHDRAWN = "withdrawn", _("withdrawn")


@state_properties
class Intervention(models.Model):
    """A request for the floor under an agenda item, and its place on the speakers' list."""

    # At module level so that Meta's constraints can name the states.
    State = InterventionState

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="interventions")
    agenda_item = models.ForeignKey(
        AgendaItem, verbose_name=_("agenda item"), on_delete=models.PROTECT, related_name="interventions"
    )
    speaker = models.ForeignKey(
        "stakeholders.Representative",
        verbose_name=_("speaker"),
        on_delete=models.PROTECT,
        related_name="interventions",
    )
    topic = models.CharField(_("topic"), max_length=300, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.REQUESTED)
    # Place on the speakers' list of the agenda item, once the secretariat orders it.
    position = models.PositiveIntegerField(_("place"), null=True, blank=True)
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["agenda_item", "position", "requested_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=InterventionState.values),
                name="intervention_state_valid",
            ),
            models.UniqueConstraint(
                fields=["agenda_item", "position"],
                condition=Q(position__isnull=False),
                name="intervention_position_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.speaker} — {self.agenda_item}"
