from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from dialogue_portal.admin import PortalModelAdmin, PortalTabularInline
from dialogue_portal.admin_actions import transition_action
from sessions.models import Dialogue

from . import services
from .models import Attachment, WrittenComment


class DialogueListFilter(admin.SimpleListFilter):
    """The dialogues, named by working group and date in one query (the default filter
    would fetch each dialogue's session and working group one by one)."""

    title = _("dialogue")
    parameter_name = "dialogue"

    def lookups(self, request, model_admin):
        dialogues = Dialogue.objects.select_related("session__working_group").order_by("-date", "-id")
        return [
            (str(dialogue.pk), f"{dialogue.session.working_group}, {dialogue.date}") for dialogue in dialogues
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(dialogue_id=self.value())
        return queryset


class AttachmentInline(PortalTabularInline):
    """The comment's attachments, opened through the download view that checks who asks."""

    model = Attachment
    fields = ["download", "kind", "size_display", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description=_("file"))
    def download(self, obj: Attachment) -> str:
        if not obj.pk:
            return "—"
        return format_html(
            '<a href="{}" download>{}</a>',
            reverse("submissions:attachment", args=[obj.pk]),
            obj.original_name,
        )

    @admin.display(description=_("size"))
    def size_display(self, obj: Attachment) -> str:
        return filesizeformat(obj.size)

    def has_add_permission(self, request, obj=None):
        return False  # attached by the focal point, after the checks of its bytes


def comment_publish_anonymously(*, comment: WrittenComment, by) -> WrittenComment:
    return services.comment_publish(comment=comment, by=by, anonymously=True)


@admin.register(WrittenComment)
class WrittenCommentAdmin(PortalModelAdmin):
    list_display = [
        "tracking_number",
        "title",
        "organisation",
        "dialogue_display",
        "language",
        "state",
        "consent_to_publish",
        "anonymity_requested",
        "received_at",
        "published_at",
    ]
    list_filter = [DialogueListFilter, "state", "language", "organisation", "consent_to_publish"]
    search_fields = ["tracking_number", "title", "body", "organisation__name", "organisation__acronym"]
    date_hierarchy = "received_at"
    list_select_related = ["organisation", "dialogue__session__working_group"]
    # Every field moves through the services only: the actions below and the staff page.
    # The text is the organisation's own: the secretariat publishes it or not, never edits it.
    fields = [
        "tracking_number",
        "state",
        "staff_page",
        "organisation",
        "author",
        "dialogue",
        "agenda_item",
        "cluster",
        "title",
        "body",
        "language",
        "consent_to_publish",
        "anonymity_requested",
        "published_anonymously",
        "reason",
        "received_at",
        "published_at",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields
    inlines = [AttachmentInline]
    actions = [
        transition_action(
            services.comment_publish,
            argument="comment",
            description=_("Publish with the organisation's name"),
            done=lambda n: ngettext("%d comment published.", "%d comments published.", n) % n,
        ),
        transition_action(
            comment_publish_anonymously,
            argument="comment",
            description=_("Publish without the organisation's name (where it asked)"),
            done=lambda n: (
                ngettext(
                    "%d comment published without the organisation's name.",
                    "%d comments published without the organisation's name.",
                    n,
                )
                % n
            ),
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("search_vector")

    @admin.display(description=_("dialogue"), ordering="dialogue__date")
    def dialogue_display(self, obj: WrittenComment) -> str:
        return f"{obj.dialogue.session.working_group}, {obj.dialogue.date}"

    @admin.display(description=_("decisions"))
    def staff_page(self, obj: WrittenComment) -> str:
        if not obj.pk:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("submissions:staff_comment", args=[obj.pk]),
            _("Publish, reject with a reason or unpublish on the staff page"),
        )

    def has_add_permission(self, request):
        return False  # only a focal point writes a comment
