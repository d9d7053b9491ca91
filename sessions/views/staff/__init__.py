"""The secretariat's dialogue pages: the calendar, one dialogue and its lifecycle, the
applications and the Extended Bureau's decisions, the attendance checklist, the
participation figures and the speakers' list.

Every view is behind ``secretariat_required`` (the login page for visitors, 404 for
anyone else) and fetches through the permission helpers; the speakers' list is also
open, read-only, to the dialogue's Chairs. Every change is a service's.

``scheduling``: the calendar, one dialogue and its lifecycle, the agenda's order.
``registrations``: the applications and the Extended Bureau's decisions.
``day``: the attendance checklist, the participation figures, the speakers' list.
``_common``: fetching the dialogue for a page, the summary of a refused form.
"""

from .day import SPEAKER_LIFECYCLE, attendance, figures, speaker_action, speakers
from .registrations import application, application_action, applications
from .scheduling import (
    LIFECYCLE,
    State,
    agenda_move,
    calendar,
    dialogue,
    dialogue_action,
)

__all__ = [
    "LIFECYCLE",
    "SPEAKER_LIFECYCLE",
    "State",
    "agenda_move",
    "application",
    "application_action",
    "applications",
    "attendance",
    "calendar",
    "dialogue",
    "dialogue_action",
    "figures",
    "speaker_action",
    "speakers",
]
