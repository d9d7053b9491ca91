from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries.filters import CountryFilter

from dialogue_portal.admin import PortalModelAdmin, PortalTabularInline
from dialogue_portal.admin_actions import transition_action
from dialogue_portal.forms import PortalModelForm

from . import services
from .models import (
    Accreditation,
    CirculationList,
    FocalPoint,
    Invitation,
    JoinRequest,
    Objection,
    Organisation,
    Representative,
)

# --- Organisations --------------------------------------------------------------------


class OrganisationAdminForm(PortalModelForm):
    """The duplicate rules of registration, shown next to the name or the website."""

    class Meta:
        model = Organisation
        fields = services.organisations.DETAILS

    def clean(self):
        cleaned = super().clean()
        if "name" in cleaned and "website" in cleaned:
            duplicate = services.find_duplicate(
                name=cleaned["name"], website=cleaned["website"], exclude=self.instance
            )
            if duplicate:
                for field, errors in duplicate.message_dict.items():
                    self.add_error(field, errors)
        if self.instance.pk:  # the instance is still as stored here; the service checks again
            refusal = services.circulated_details_refusal(stored=self.instance, changes=cleaned)
            if refusal:
                for field, errors in refusal.message_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
        return cleaned


class FocalPointInline(PortalTabularInline):
    model = FocalPoint
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["since"]


class RepresentativeInline(PortalTabularInline):
    model = Representative
    extra = 0
    # Self-declared gender is used only in aggregate figures, never shown per person.
    fields = ["name", "title", "email"]


@admin.register(Organisation)
class OrganisationAdmin(PortalModelAdmin):
    form = OrganisationAdminForm
    list_display = ["name", "acronym", "category", "country", "ecosoc_status", "website", "created_at"]
    list_filter = ["category", "ecosoc_status", ("country", CountryFilter)]
    search_fields = ["name", "acronym", "website", "name_key"]
    date_hierarchy = "created_at"
    readonly_fields = ["name_key", "website_domain", "created_at"]
    inlines = [FocalPointInline, RepresentativeInline]

    def save_model(self, request, obj, form, change):
        # The same duplicate rules and derived keys as registration, for new rows too
        # (an organisation the secretariat registers has no focal point yet).
        services.organisation_update(
            organisation=obj, by=request.user, fields=form.changed_data if change else None
        )


@admin.register(FocalPoint)
class FocalPointAdmin(PortalModelAdmin):
    list_display = ["user", "organisation", "since"]
    search_fields = ["user__email", "organisation__name", "organisation__acronym"]
    list_filter = ["organisation__category"]
    date_hierarchy = "since"
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(Representative)
class RepresentativeAdmin(PortalModelAdmin):
    # Self-declared gender is used only in aggregate figures, never shown per person.
    fields = ["organisation", "name", "title", "email"]
    list_display = ["name", "title", "email", "organisation"]
    list_filter = ["organisation__category"]
    search_fields = ["name", "email", "organisation__name", "organisation__acronym"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]

    def save_model(self, request, obj, form, change):
        services.representative_save(representative=obj, by=request.user)


def join_request_approve(*, join_request: JoinRequest, by) -> JoinRequest:
    return services.join_request_decide(join_request=join_request, by=by, approve=True)


def join_request_decline(*, join_request: JoinRequest, by) -> JoinRequest:
    return services.join_request_decide(join_request=join_request, by=by, approve=False)


@admin.register(JoinRequest)
class JoinRequestAdmin(PortalModelAdmin):
    list_display = ["user", "organisation", "state", "created_at"]
    list_filter = ["state"]
    search_fields = ["user__email", "organisation__name", "organisation__acronym"]
    date_hierarchy = "created_at"
    list_select_related = ["user", "organisation"]
    readonly_fields = ["organisation", "user", "message", "state", "created_at"]
    actions = [
        transition_action(
            join_request_approve,
            argument="join_request",
            description=_("Approve: the user becomes a focal point"),
            done=lambda n: ngettext("%d join request approved.", "%d join requests approved.", n) % n,
        ),
        transition_action(
            join_request_decline,
            argument="join_request",
            description=_("Decline"),
            done=lambda n: ngettext("%d join request declined.", "%d join requests declined.", n) % n,
        ),
    ]

    def has_add_permission(self, request):
        return False  # a user asks to join on the organisation's page


@admin.register(Invitation)
class InvitationAdmin(PortalModelAdmin):
    list_display = ["email", "organisation", "invited_by", "hand_over", "created_at", "accepted_at"]
    list_filter = ["hand_over", ("accepted_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "organisation__name", "invited_by__email"]
    date_hierarchy = "created_at"
    list_select_related = ["organisation", "invited_by"]
    readonly_fields = ["organisation", "email", "invited_by", "hand_over", "created_at", "accepted_at"]

    def has_add_permission(self, request):
        return False  # a focal point invites, and the service sends the link


# --- Accreditation --------------------------------------------------------------------


def _staff_page_link(accreditation: Accreditation) -> str:
    return format_html(
        '<a href="{}">{}</a>',
        reverse("stakeholders:staff_accreditation", args=[accreditation.pk]),
        _("Return, reject, circulate or record an objection on the staff page"),
    )


@admin.register(Accreditation)
class AccreditationAdmin(PortalModelAdmin):
    list_display = ["organisation", "state", "circulation_list", "submitted_at", "decided_at"]
    list_filter = ["state", "organisation__category", "organisation__ecosoc_status"]
    search_fields = ["organisation__name", "organisation__acronym", "circulation_list__reference"]
    date_hierarchy = "submitted_at"
    list_select_related = ["organisation", "circulation_list"]
    # Every field moves through the services only: the actions below and the staff page.
    fields = [
        "organisation",
        "state",
        "staff_page",
        "circulation_list",
        "submitted_at",
        "decided_at",
        "message",
        "updated_at",
    ]
    readonly_fields = fields
    actions = [
        transition_action(
            services.accreditation_admit,
            argument="accreditation",
            description=_("Admit (in ECOSOC status, or after the deadline with no objection)"),
            done=lambda n: ngettext("%d organisation admitted.", "%d organisations admitted.", n) % n,
        ),
    ]

    @admin.display(description=_("decisions"))
    def staff_page(self, obj: Accreditation) -> str:
        return _staff_page_link(obj) if obj.pk else "—"

    def has_add_permission(self, request):
        return False  # only a focal point requests accreditation


class AccreditationInline(PortalTabularInline):
    model = Accreditation
    fields = ["organisation", "state", "submitted_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CirculationList)
class CirculationListAdmin(PortalModelAdmin):
    list_display = ["reference", "circulated_on", "deadline", "request_count", "created_by"]
    search_fields = ["reference", "accreditations__organisation__name"]
    date_hierarchy = "circulated_on"
    list_select_related = ["created_by"]
    # Dates are set once, by the service that checks the minimum period for objections.
    readonly_fields = ["reference", "circulated_on", "deadline", "created_by", "created_at", "downloads"]
    inlines = [AccreditationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(request_count=Count("accreditations"))

    @admin.display(description=_("requests"), ordering="request_count")
    def request_count(self, obj: CirculationList) -> int:
        return obj.request_count

    @admin.display(description=_("downloads"))
    def downloads(self, obj: CirculationList) -> str:
        if not obj.pk:
            return "—"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("stakeholders:staff_circulation_list", args=[obj.pk]),
            _("staff page"),
            reverse("stakeholders:staff_circulation_list_csv", args=[obj.pk]),
            _("CSV"),
            reverse("stakeholders:staff_circulation_list_pdf", args=[obj.pk]),
            _("PDF annex"),
        )

    def has_add_permission(self, request):
        return False  # made on the staff page, where the deadline is checked


# --- Objections -----------------------------------------------------------------------


class DialogueObjectionForm(PortalModelForm):
    """An objection to an admitted organisation's taking part in one dialogue.

    Objections to a circulated request are recorded on the request's staff page.
    """

    class Meta:
        model = Objection
        fields = ["organisation", "dialogue", "state_party", "made_on", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.admitted()
        self.fields["organisation"].required = True
        self.fields["organisation"].help_text = _("Only an admitted organisation.")
        self.fields["dialogue"].required = True


@admin.register(Objection)
class ObjectionAdmin(PortalModelAdmin):
    list_display = ["state_party", "made_on", "target", "dialogue", "recorded_by", "recorded_at"]
    list_filter = [("state_party", CountryFilter)]
    search_fields = ["accreditation__organisation__name", "organisation__name", "note"]
    date_hierarchy = "made_on"
    list_select_related = [
        "accreditation__organisation",
        "organisation",
        "dialogue__session__working_group",
        "recorded_by",
    ]
    # Read-mostly: only the note may be completed after the fact.
    readonly_fields = [
        "state_party",
        "made_on",
        "accreditation",
        "organisation",
        "dialogue",
        "recorded_by",
        "recorded_at",
    ]

    @admin.display(description=_("against"))
    def target(self, obj: Objection) -> str:
        return str(obj.accreditation.organisation if obj.accreditation_id else obj.organisation)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = DialogueObjectionForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return DialogueObjectionForm.Meta.fields
        return [*self.readonly_fields, "note"]

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["note"])
            return
        data = form.cleaned_data
        objection = services.objection_record(
            by=request.user,
            state_party=data["state_party"],
            made_on=data["made_on"],
            note=data["note"],
            organisation=data["organisation"],
            dialogue=data["dialogue"],
        )
        # The admin goes on with its own instance (to log the addition and redirect).
        obj.pk, obj.recorded_by, obj.recorded_at = objection.pk, objection.recorded_by, objection.recorded_at

    def has_delete_permission(self, request, obj=None):
        return False  # an objection stands; the Conference decides on it
