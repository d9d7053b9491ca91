from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from dialogue_portal.admin import PortalModelAdmin, PortalStackedInline, PortalTabularInline
from dialogue_portal.admin_actions import transition_action
from dialogue_portal.forms import PortalModelForm

from . import services
from .models import (
    AgendaItem,
    Attendance,
    Dialogue,
    DialogueChair,
    Intervention,
    Registration,
    WorkingGroup,
    WorkingGroupSession,
    validate_time_zone,
)
from .selectors import with_ordinals
from .views.staff.scheduling import LIFECYCLE as DIALOGUE_LIFECYCLE


@admin.register(WorkingGroup)
class WorkingGroupAdmin(PortalModelAdmin):
    list_display = ["name", "symbol_prefix"]
    search_fields = ["name", "symbol_prefix"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(WorkingGroupSession)
class WorkingGroupSessionAdmin(PortalModelAdmin):
    list_display = ["__str__", "working_group", "number", "first_day", "last_day", "venue"]
    list_filter = ["working_group"]
    search_fields = ["working_group__name", "venue"]
    date_hierarchy = "first_day"
    list_select_related = ["working_group"]


class DialogueChairInline(PortalStackedInline):
    model = DialogueChair
    extra = 0
    autocomplete_fields = ["user"]


class AgendaItemInline(PortalTabularInline):
    model = AgendaItem
    extra = 0


class DialogueAdminForm(PortalModelForm):
    """Deadlines are typed and shown in the venue's time zone, not the server's."""

    DEADLINES = ("applications_deadline", "comments_deadline")
    SCHEDULE = ("session", "date", "start_time", "end_time", "time_zone", *DEADLINES)

    class Meta:
        model = Dialogue
        # Every detail but the state, which moves only through the actions.
        fields = [
            "session",
            "date",
            "start_time",
            "end_time",
            "time_zone",
            "venue",
            "room",
            "format",
            "meeting_link",
            "applications_deadline",
            "comments_deadline",
        ]
        help_texts = {
            field: _("In the venue's time zone.") for field in ("applications_deadline", "comments_deadline")
        }

    # The calendar SEQUENCE the page was opened with: a postponement or a cancellation since
    # raises it, and the save of this (stale) page is then refused instead of putting the
    # old date back.
    read_sequence = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["read_sequence"] = self.instance.sequence
            for field in self.DEADLINES:
                value = getattr(self.instance, field)
                self.initial[field] = timezone.localtime(value, self.instance.zone).replace(tzinfo=None)

    def clean(self):
        cleaned = super().clean()
        zone_name = cleaned.get("time_zone")
        try:
            validate_time_zone(zone_name or "")
        except ValidationError:
            return cleaned  # the field's own error is already shown
        zone = Dialogue(time_zone=zone_name).zone
        for field in self.DEADLINES:
            if cleaned.get(field):
                cleaned[field] = timezone.make_aware(timezone.make_naive(cleaned[field]), zone)
        # The same rules as every other path that schedules, shown next to their fields.
        candidate = Dialogue(pk=self.instance.pk, **{k: v for k, v in cleaned.items() if k in self.SCHEDULE})
        try:
            services.dialogue_check_schedule(candidate)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                if field in self.fields:
                    self.add_error(field, errors)
        return cleaned


@admin.register(Dialogue)
class DialogueAdmin(PortalModelAdmin):
    form = DialogueAdminForm
    list_display = ["date", "ordinal_display", "session", "format", "venue", "room", "state"]
    list_filter = ["state", "format", "session__working_group"]
    search_fields = ["session__working_group__name", "venue", "room", "chairs__name"]
    date_hierarchy = "date"
    list_select_related = ["session__working_group"]
    readonly_fields = ["state"]
    inlines = [DialogueChairInline, AgendaItemInline]
    # No "cancel" here: a cancellation needs its reason, asked on the dialogue's staff page.
    actions = [
        transition_action(
            services.dialogue_open,
            argument="dialogue",
            description=_("Open for applications and comments"),
            done=lambda n: ngettext("%d dialogue opened.", "%d dialogues opened.", n) % n,
        ),
        transition_action(
            services.dialogue_close,
            argument="dialogue",
            description=_("Close for applications and comments"),
            done=lambda n: ngettext("%d dialogue closed.", "%d dialogues closed.", n) % n,
            # What cannot be undone asks first, here as on the dialogue's staff page.
            consequences=DIALOGUE_LIFECYCLE.action("close").consequences,
        ),
        transition_action(
            services.dialogue_mark_held,
            argument="dialogue",
            description=_("Mark as held"),
            done=lambda n: ngettext("%d dialogue marked as held.", "%d dialogues marked as held.", n) % n,
            consequences=DIALOGUE_LIFECYCLE.action("hold").consequences,
        ),
    ]

    def get_queryset(self, request):
        return with_ordinals(super().get_queryset(request))

    @admin.display(description=_("ordinal"), ordering="ordinal")
    def ordinal_display(self, obj):
        return obj.ordinal or "—"

    def save_model(self, request, obj, form, change):
        if change and form.cleaned_data.get("read_sequence") is not None:
            obj.sequence = form.cleaned_data["read_sequence"]
        services.dialogue_save(dialogue=obj, by=request.user)


@admin.register(DialogueChair)
class DialogueChairAdmin(PortalModelAdmin):
    list_display = ["__str__", "title", "country", "role", "dialogue", "user"]
    list_filter = ["dialogue__session__working_group", "country"]
    search_fields = ["name", "title", "user__email"]
    list_select_related = ["dialogue__session__working_group", "user"]
    autocomplete_fields = ["user"]


@admin.register(AgendaItem)
class AgendaItemAdmin(PortalModelAdmin):
    list_display = ["number", "title", "cluster", "dialogue"]
    list_filter = ["cluster", "dialogue__session__working_group"]
    search_fields = ["title", "description"]
    list_select_related = ["dialogue__session__working_group"]


@admin.register(Registration)
class RegistrationAdmin(PortalModelAdmin):
    """Applications come from focal points; decisions go through the services.

    Approval is an action here; declining needs a reason, given on the staff page.
    """

    list_display = [
        "organisation",
        "dialogue",
        "state",
        "travel_support_requested",
        "travel_support_granted",
        "applied_at",
        "decide_link",
    ]
    list_filter = ["state", "travel_support_requested", "dialogue__session__working_group"]
    search_fields = ["organisation__name", "organisation__acronym", "expertise"]
    date_hierarchy = "applied_at"
    list_select_related = ["organisation", "dialogue__session__working_group"]
    readonly_fields = [
        "dialogue",
        "organisation",
        "representatives",
        "expertise",
        "travel_support_requested",
        "travel_support_granted",
        "may_be_named",
        "state",
        "decline_reason",
        "applied_by",
        "applied_at",
        "decided_at",
        "decide_link",
    ]
    fields = readonly_fields
    actions = [
        transition_action(
            services.registration_approve,
            argument="registration",
            description=_("Approve (the Extended Bureau's decision)"),
            done=lambda n: ngettext("%d application approved.", "%d applications approved.", n) % n,
        ),
    ]

    @admin.display(description=_("decision"))
    def decide_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("staff_application", args=[obj.dialogue_id, obj.pk]),
            _("Decide on the staff page (decline with a reason, travel support)"),
        )

    def has_add_permission(self, request):
        # A focal point applies through the portal, which checks admission and deadlines.
        return False

    def has_delete_permission(self, request, obj=None):
        # An application's end is a decision or a withdrawal, kept with its history.
        return False


@admin.register(Attendance)
class AttendanceAdmin(PortalModelAdmin):
    """Read-only: attendance is recorded on the checklist page, which applies only each user's changes."""

    list_display = ["representative", "organisation", "dialogue", "recorded_by", "recorded_at"]
    list_filter = ["dialogue__session__working_group", "representative__organisation__category"]
    search_fields = ["representative__name", "representative__organisation__name"]
    list_select_related = ["representative__organisation", "dialogue__session__working_group", "recorded_by"]
    readonly_fields = [
        "dialogue",
        "representative",
        "registration",
        "recorded_by",
        "recorded_at",
        "checklist",
    ]
    fields = readonly_fields

    @admin.display(description=_("organisation"), ordering="representative__organisation__name")
    def organisation(self, obj):
        return obj.representative.organisation

    @admin.display(description=_("checklist"))
    def checklist(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("staff_attendance", args=[obj.dialogue_id]),
            _("Attendance checklist"),
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Intervention)
class InterventionAdmin(PortalModelAdmin):
    list_display = ["speaker", "organisation", "agenda_item", "state", "position", "requested_at"]
    list_filter = ["state", "agenda_item__dialogue__session__working_group"]
    search_fields = ["speaker__name", "registration__organisation__name", "topic"]
    list_select_related = ["speaker", "registration__organisation", "agenda_item"]
    readonly_fields = ["registration", "agenda_item", "speaker", "topic", "state", "position", "requested_at"]
    fields = readonly_fields
    actions = [
        transition_action(
            services.intervention_schedule,
            argument="intervention",
            description=_("Put on the speakers' list"),
            done=lambda n: ngettext("%d speaker put on the list.", "%d speakers put on the list.", n) % n,
        ),
        transition_action(
            services.intervention_deliver,
            argument="intervention",
            description=_("Mark as delivered"),
            done=lambda n: ngettext("%d intervention delivered.", "%d interventions delivered.", n) % n,
        ),
        transition_action(
            services.intervention_withdraw,
            argument="intervention",
            description=_("Withdraw"),
            done=lambda n: ngettext("%d request withdrawn.", "%d requests withdrawn.", n) % n,
        ),
    ]

    @admin.display(description=_("organisation"), ordering="registration__organisation__name")
    def organisation(self, obj):
        return obj.registration.organisation

    def has_add_permission(self, request):
        # A focal point asks for the floor through the portal.
        return False

    def has_delete_permission(self, request, obj=None):
        return False
