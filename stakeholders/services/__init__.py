"""Every change to organisations, their focal points and their accreditation.

The accreditation follows the non-objection procedure: organisations in ECOSOC
consultative status are admitted on the secretariat's review; the others are circulated
to the States parties, and admitted when none objects by the deadline (silence is
consent), or by the Conference's decision when one does.

``organisations``: registration and its duplicate checks, focal points, join requests,
invitations, representatives.
``accreditation``: the request, the secretariat's review, circulation lists, objections,
admission after silence.
``_common``: the recipients and links their e-mails share.
"""

from .accreditation import (
    NEXT_STATES,
    State,
    accreditation_admit,
    accreditation_circulate,
    accreditation_reject,
    accreditation_request,
    accreditation_resubmit,
    accreditation_return,
    accreditation_withdraw,
    accreditations_admit_after_silence,
    accreditations_circulate,
    circulation_list_create,
    objection_record,
)
from .organisations import (
    CIRCULATED_DETAILS,
    JOIN_NEXT_STATES,
    UNDER_CONSIDERATION,
    DuplicateOrganisation,
    circulated_details_refusal,
    find_duplicate,
    focal_point_leave,
    invitation_accept,
    invitation_create,
    join_request_create,
    join_request_decide,
    organisation_register,
    organisation_update,
    representative_remove,
    representative_save,
)

__all__ = [
    "CIRCULATED_DETAILS",
    "JOIN_NEXT_STATES",
    "NEXT_STATES",
    "DuplicateOrganisation",
    "UNDER_CONSIDERATION",
    "State",
    "accreditation_admit",
    "accreditation_circulate",
    "accreditation_reject",
    "accreditation_request",
    "accreditation_resubmit",
    "accreditation_return",
    "accreditation_withdraw",
    "accreditations_admit_after_silence",
    "accreditations_circulate",
    "circulated_details_refusal",
    "circulation_list_create",
    "find_duplicate",
    "focal_point_leave",
    "invitation_accept",
    "invitation_create",
    "join_request_create",
    "join_request_decide",
    "objection_record",
    "organisation_register",
    "organisation_update",
    "representative_remove",
    "representative_save",
]
