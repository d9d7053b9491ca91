"""The summaries in the admin: to look up, never to edit. The text changes on the summary's
own page (every save a revision, merged or refused, never lost) and its state through
the review there; an edit here would skip both."""

from django.contrib import admin

from dialogue_portal.admin import PortalModelAdmin, PortalTabularInline

from .models import ChairSummary, CrpDocument, SummaryRevision


class _ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SummaryRevisionInline(_ReadOnly, PortalTabularInline):
    model = SummaryRevision
    fields = ["number", "kind", "author", "created_at", "base", "merged_with", "restored_from"]
    readonly_fields = fields
    fk_name = "summary"
    extra = 0
    show_change_link = True


@admin.register(ChairSummary)
class ChairSummaryAdmin(_ReadOnly, PortalModelAdmin):
    list_display = ["symbol", "dialogue", "state", "updated_at"]
    list_filter = ["state"]
    search_fields = ["symbol"]
    list_select_related = ["dialogue__session__working_group"]
    fields = ["dialogue", "symbol", "state", "current_revision", "review_note", "created_at", "updated_at"]
    readonly_fields = fields
    inlines = [SummaryRevisionInline]


@admin.register(SummaryRevision)
class SummaryRevisionAdmin(_ReadOnly, PortalModelAdmin):
    list_display = ["summary", "number", "kind", "author", "created_at"]
    list_select_related = ["summary", "author"]
    fields = [
        "summary",
        "number",
        "kind",
        "author",
        "created_at",
        "base",
        "merged_with",
        "restored_from",
        "text",
    ]
    readonly_fields = fields


@admin.register(CrpDocument)
class CrpDocumentAdmin(_ReadOnly, PortalModelAdmin):
    # A document is made by a worker and published from the summary's page; a published
    # file never changes, so nothing here edits one.
    list_display = ["symbol", "state", "pages", "size", "requested_at", "published_at"]
    list_filter = ["state"]
    search_fields = ["symbol", "sha256"]
    list_select_related = ["summary"]
    fields = [
        "summary", "revision", "symbol", "correction", "state", "requested_by", "requested_at",
        "attempts", "lease_until", "started_at", "finished_at", "file", "sha256", "pages", "size",
        "render_seconds", "message", "published_at", "published_by",
    ]  # fmt: skip
    readonly_fields = fields
