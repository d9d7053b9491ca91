from django.contrib import admin, messages
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .accounts import sign_in_lockout_clear
from .forms import PortalModelForm
from .models import AuditEvent, Profile

# --- The bases of every app's admin ------------------------------------------------------
# The admin builds its forms from these, so that its text fields refuse what the portal's
# own forms refuse (dialogue_portal.forms.TextCheckMixin): the secretariat types names and
# titles that reach feeds and e-mail subjects too.


def user_label(user) -> str:
    """How the admin names a user in its pickers: "Farid Focal <focal.point@example.org>",
    the e-mail alone without a name; the username means nothing to the secretariat."""
    name = user.get_full_name()
    return f"{name} <{user.email}>" if name and user.email else (user.email or name or user.get_username())


class UserLabelMixin:
    """Every user picker of the admin (select or autocomplete) names users by name and e-mail."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.related_model is get_user_model():
            field.label_from_instance = user_label
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.related_model is get_user_model():
            field.label_from_instance = user_label
        return field


class PortalAutocompleteJsonView(AutocompleteJsonView):
    """The autocomplete's answers name users as the selects do."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, get_user_model()):
            result["text"] = user_label(obj)
        return result


admin.site.autocomplete_view = lambda request: PortalAutocompleteJsonView.as_view(admin_site=admin.site)(
    request
)


class PortalModelAdmin(UserLabelMixin, admin.ModelAdmin):
    form = PortalModelForm

    def get_changelist_form(self, request, **kwargs):
        # The list's editable columns are a form of their own, built without ``form``.
        kwargs.setdefault("form", PortalModelForm)
        return super().get_changelist_form(request, **kwargs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # save_model calls a service, which may refuse what the form let through: the row
        # moved meanwhile (another person, a scheduled task). The admin has no place for an
        # error after validation, so the refusal is shown on the page reloaded as it is now;
        # the view's transaction is rolled back, nothing of the save stays.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            if request.method != "POST":
                raise
            self.message_user(request, " ".join(exc.messages), level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class PortalTabularInline(UserLabelMixin, admin.TabularInline):
    form = PortalModelForm


class PortalStackedInline(UserLabelMixin, admin.StackedInline):
    form = PortalModelForm


@admin.register(AuditEvent)
class AuditEventAdmin(PortalModelAdmin):
    """The audit log, read-only: history is never edited, not even by the secretariat."""

    list_display = ["created_at", "object_repr", "content_type", "from_state", "to_state", "actor"]
    list_filter = ["content_type", "to_state"]
    search_fields = ["object_repr", "note", "actor__email"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "content_type"]
    readonly_fields = [
        "created_at",
        "actor",
        "content_type",
        "object_id",
        "object_repr",
        "from_state",
        "to_state",
        "note",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.site_header = _("Dialogue Portal administration")
admin.site.site_title = _("Dialogue Portal")


# --- Users ------------------------------------------------------------------------------


@admin.action(description=_("Clear sign-in lockout"), permissions=["view"])
def clear_sign_in_lockout(modeladmin, request, queryset):
    # "view" is enough: the secretariat may read users, never change them, and clearing
    # the count of failed sign-ins gives no one any right they did not have.
    count = 0
    for user in queryset:
        sign_in_lockout_clear(user=user, request=request)
        count += 1
    modeladmin.message_user(
        request,
        ngettext(
            "The sign-in lockout of %(count)d account was cleared: it may sign in again at once.",
            "The sign-in lockout of %(count)d accounts was cleared: they may sign in again at once.",
            count,
        )
        % {"count": count},
    )


User = get_user_model()
admin.site.unregister(User)


class ProfileInline(admin.StackedInline):
    """The language of the account's e-mails, which the secretariat may correct."""

    model = Profile
    can_delete = False
    fields = ["language"]


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    """Django's own user admin, with the action that ends a sign-in lockout early and the
    account's language; the pickers that choose a user (focal points, Chairs) search it by
    e-mail and name."""

    actions = [clear_sign_in_lockout]
    inlines = [ProfileInline]
    search_fields = ["email", "first_name", "last_name", "username"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    ordering = ["email"]
