"""States are named, never spelled: what a template asks of a row in a lifecycle."""

from django.db import models


def state_properties(model: type[models.Model]) -> type[models.Model]:
    """Class decorator: an ``is_<state>`` property for each member of ``model.State``
    (``comment.is_published``), so that a template asks a property instead of comparing
    ``state`` to a spelled value that no check would catch when a state is renamed."""
    for member in model.State:
        name = f"is_{member.value}"
        if not hasattr(model, name):  # a property the model writes itself wins
            setattr(model, name, property(lambda row, value=member.value: row.state == value))
    return model
