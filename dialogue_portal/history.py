"""The history of an object, as its pages show it: its audit rows, oldest first."""

from django.db import models

from .models import AuditEvent


def history(*objects: models.Model, field: str = "state") -> list[AuditEvent]:
    """The audit rows of ``objects`` (all of one model), oldest first, each with the
    ``from_label`` and ``to_label`` of its states. One query; the actor comes with it."""
    if not objects:
        return []
    labels = dict(type(objects[0])._meta.get_field(field).flatchoices)
    events = AuditEvent.objects.none()
    for obj in objects:
        events |= AuditEvent.objects.for_object(obj)
    rows = list(events.select_related("actor").order_by("created_at", "id"))
    for event in rows:
        event.from_label = str(labels.get(event.from_state, event.from_state))
        event.to_label = str(labels.get(event.to_state, event.to_state))
    return rows
