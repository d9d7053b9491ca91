"""What the secretariat's dialogue pages share: fetching the dialogue, summing up a refused form."""

from dialogue_portal.forms import error_summary as _error_summary  # noqa: F401 (shared by the views)

from ...models import Dialogue
from ...permissions import get_dialogue_for_secretariat


def _dialogue(user, pk: int) -> Dialogue:
    """The dialogue for a secretariat page (the fetcher brings its ordinal for the title)."""
    return get_dialogue_for_secretariat(user, pk)
