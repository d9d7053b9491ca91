"""What the secretariat's dialogue pages share: fetching the dialogue, summing up a refused form."""

from ... import selectors
from ...models import Dialogue
from ...permissions import get_dialogue_for_secretariat


def _dialogue(user, pk: int) -> Dialogue:
    """The dialogue for a secretariat page, with its ordinal for the page's title."""
    dialogue = get_dialogue_for_secretariat(user, pk)
    dialogue.ordinal = selectors.dialogue_ordinal(dialogue)
    return dialogue


def _error_summary(form, *, linked: bool = True) -> list[dict]:
    """Each error of a refused form, naming its field and linking to it when it is on the page."""
    summary = []
    for name, errors in form.errors.items():
        field = form[name] if name in form.fields else None
        for message in errors:
            summary.append(
                {
                    "label": field.label if field and field.label else "",
                    "message": message,
                    "anchor": field.id_for_label if field and linked else "",
                }
            )
    return summary
