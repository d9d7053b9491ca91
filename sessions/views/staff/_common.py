"""What the secretariat's dialogue pages share: fetching the dialogue, summing up a refused form."""

from dialogue_portal.forms import error_summary as _error_summary  # noqa: F401 (shared by the views)

from ... import selectors
from ...models import Dialogue
from ...permissions import get_dialogue_for_secretariat


def _dialogue(user, pk: int) -> Dialogue:
    """The dialogue for a secretariat page, with its ordinal for the page's title."""
    dialogue = get_dialogue_for_secretariat(user, pk)
    dialogue.ordinal = selectors.dialogue_ordinal(dialogue)
    return dialogue
