"""The history of an object, as its pages show it: its audit rows, oldest first."""

from django.core.exceptions import FieldDoesNotExist
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


def latest(*, limit: int = 10) -> list[AuditEvent]:
    """The last audit rows of every lifecycle, newest first, each with ``from_label`` and
    ``to_label`` from its model's state choices. One query: the actor and content type
    come with it, and the object's name was written into the row."""
    rows = list(
        AuditEvent.objects.select_related("actor", "content_type").order_by("-created_at", "-id")[:limit]
    )
    for event in rows:
        labels = _state_labels(event.content_type.model_class())
        event.from_label = str(labels.get(event.from_state, event.from_state))
        event.to_label = str(labels.get(event.to_state, event.to_state))
    return rows


def _state_labels(model: type[models.Model] | None) -> dict:
    if model is None:  # a model since removed: the stored values are all there is
        return {}
    try:
        return dict(model._meta.get_field("state").flatchoices)
    except FieldDoesNotExist:  # a lifecycle whose field has another name
        return {}
