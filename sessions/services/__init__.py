"""Every change to the dialogue calendar and to taking part in a dialogue goes through here.

``calendar``: scheduling, the dialogue's lifecycle, postponement, the agenda.
``registrations``: applications and the Extended Bureau's decisions.
``attendance``: who was present on the day.
``speakers``: requests for the floor and the speakers' list.
``chairs``: the account with which a Chair drafts: linked, unlinked, or by invitation.
``recording``: what the secretariat records after the fact (dialogues already held, their
Chairs, applications received by e-mail, a sign-in sheet's attendance), sending nothing.
"""

from .attendance import attendance_update
from .calendar import (
    NEXT_STATES,
    agenda_item_move,
    dialogue_cancel,
    dialogue_check_schedule,
    dialogue_close,
    dialogue_mark_held,
    dialogue_open,
    dialogue_postpone,
    dialogue_save,
    dialogue_schedule,
    dialogues_close_past_deadlines,
)
from .chairs import (
    chair_landing_url,
    dialogue_chair_invitation_accept,
    dialogue_chair_invite,
    dialogue_chair_link,
    dialogue_chair_unlink,
)
from .recording import (
    RECORDED_NEXT_STATES,
    ImportedRow,
    dialogue_chair_add,
    dialogue_chair_remove,
    dialogue_record_as_held,
    dialogue_record_held,
    participation_import,
    registration_record,
    working_group_session_create,
)
from .registrations import (
    REGISTRATION_NEXT_STATES,
    registration_apply,
    registration_approve,
    registration_decline,
    registration_withdraw,
    registrations_decide,
)
from .speakers import (
    INTERVENTION_NEXT_STATES,
    intervention_deliver,
    intervention_move,
    intervention_request,
    intervention_schedule,
    intervention_withdraw,
)

__all__ = [
    "INTERVENTION_NEXT_STATES",
    "NEXT_STATES",
    "RECORDED_NEXT_STATES",
    "ImportedRow",
    "chair_landing_url",
    "dialogue_chair_add",
    "dialogue_chair_invitation_accept",
    "dialogue_chair_invite",
    "dialogue_chair_link",
    "dialogue_chair_unlink",
    "dialogue_chair_remove",
    "dialogue_record_as_held",
    "dialogue_record_held",
    "participation_import",
    "registration_record",
    "working_group_session_create",
    "REGISTRATION_NEXT_STATES",
    "agenda_item_move",
    "attendance_update",
    "dialogue_cancel",
    "dialogue_check_schedule",
    "dialogue_close",
    "dialogue_mark_held",
    "dialogue_open",
    "dialogue_postpone",
    "dialogue_save",
    "dialogue_schedule",
    "dialogues_close_past_deadlines",
    "intervention_deliver",
    "intervention_move",
    "intervention_request",
    "intervention_schedule",
    "intervention_withdraw",
    "registration_apply",
    "registration_approve",
    "registration_decline",
    "registration_withdraw",
    "registrations_decide",
]
