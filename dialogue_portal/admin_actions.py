"""Admin actions that move objects through a lifecycle, always by its service."""

from collections.abc import Callable

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse


def transition_action(
    service: Callable,
    *,
    argument: str,
    description: str,
    done: Callable[[int], str],
    consequences: str = "",
):
    """An admin action calling ``service(<argument>=obj, by=user)`` for each selected object.

    A refusal is reported per object, with the service's own message; the others go on.
    With ``consequences`` (what cannot be undone, who gets an e-mail) the action first
    shows them on a confirmation page, as the admin's own deletion does, and acts only
    when that page is sent.
    """

    @admin.action(description=description, permissions=["change"])
    def action(modeladmin, request, queryset):
        if consequences and request.POST.get("post") != "yes":
            opts = modeladmin.model._meta
            return TemplateResponse(
                request,
                "admin/transition_confirm.html",
                {
                    **modeladmin.admin_site.each_context(request),
                    "title": description,
                    "objects": list(queryset),
                    "consequences": consequences,
                    "action": action.__name__,
                    "opts": opts,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        moved = 0
        for obj in queryset:
            try:
                service(**{argument: obj}, by=request.user)
            except ValidationError as exc:
                modeladmin.message_user(request, f"{obj}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                moved += 1
        if moved:
            modeladmin.message_user(request, done(moved), messages.SUCCESS)
        return None

    action.__name__ = service.__name__
    return action
