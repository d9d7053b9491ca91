from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
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
