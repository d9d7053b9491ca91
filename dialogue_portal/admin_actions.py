"""Admin actions that move objects through a lifecycle, always by its service."""

from collections.abc import Callable

from django.contrib import admin, messages
from django.core.exceptions import ValidationError


def transition_action(
    service: Callable,
    *,
    argument: str,
    description: str,
    done: Callable[[int], str],
):
    """An admin action calling ``service(<argument>=obj, by=user)`` for each selected object.

    A refusal is reported per object, with the service's own message; the others go on.
    """

    @admin.action(description=description, permissions=["change"])
    def action(modeladmin, request, queryset):
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

    action.__name__ = service.__name__
    return action
