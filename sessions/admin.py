from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from dialogue_portal.admin_actions import transition_action

from . import services
from .models import (
    AgendaItem,
    Dialogue,
    DialogueChair,
    WorkingGroup,
    WorkingGroupSession,
    validate_time_zone,
)
from .selectors import with_ordinals


@admin.register(WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "symbol_prefix"]
    search_fields = ["name", "symbol_prefix"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(WorkingGroupSession)
class WorkingGroupSessionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "working_group", "number", "first_day", "last_day", "venue"]
    list_filter = ["working_group"]
    search_fields = ["working_group__name", "venue"]
    date_hierarchy = "first_day"
    list_select_related = ["working_group"]


class DialogueChairInline(admin.StackedInline):
    model = DialogueChair
    extra = 0
    autocomplete_fields = ["user"]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


class DialogueAdminForm(forms.ModelForm):
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
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
class DialogueAdmin(admin.ModelAdmin):
    form = DialogueAdminForm
    list_display = ["date", "ordinal_display", "session", "format", "venue", "room", "state"]
    list_filter = ["state", "format", "session__working_group"]
    search_fields = ["session__working_group__name", "venue", "room", "chairs__name"]
    date_hierarchy = "date"
    list_select_related = ["session__working_group"]
    readonly_fields = ["state"]
    inlines = [DialogueChairInline, AgendaItemInline]
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
        ),
        transition_action(
            services.dialogue_mark_held,
            argument="dialogue",
            description=_("Mark as held"),
            done=lambda n: ngettext("%d dialogue marked as held.", "%d dialogues marked as held.", n) % n,
        ),
        transition_action(
            services.dialogue_cancel,
            argument="dialogue",
            description=_("Cancel"),
            done=lambda n: ngettext("%d dialogue cancelled.", "%d dialogues cancelled.", n) % n,
        ),
    ]

    def get_queryset(self, request):
        return with_ordinals(super().get_queryset(request))

    @admin.display(description=_("ordinal"), ordering="ordinal")
    def ordinal_display(self, obj):
        return obj.ordinal or "—"

    def save_model(self, request, obj, form, change):
        services.dialogue_save(dialogue=obj, by=request.user)


@admin.register(DialogueChair)
class DialogueChairAdmin(admin.ModelAdmin):
    list_display = ["__str__", "title", "country", "role", "dialogue", "user"]
    list_filter = ["dialogue__session__working_group", "country"]
    search_fields = ["name", "title", "user__email"]
    list_select_related = ["dialogue__session__working_group", "user"]
    autocomplete_fields = ["user"]


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "cluster", "dialogue"]
    list_filter = ["cluster", "dialogue__session__working_group"]
    search_fields = ["title", "description"]
    list_select_related = ["dialogue__session__working_group"]
