"""Who may see and do what with organisations and accreditation: decided here only.

Private pages fetch through these functions, which answer 404 (never 403) to anyone
who is not a focal point of the organisation, so that a URL tells nothing about what
exists behind it.
"""

from allauth.account.models import EmailAddress
from django.http import Http404
from django.shortcuts import get_object_or_404

from dialogue_portal.roles import is_secretariat, secretariat_required  # noqa: F401 (re-exported)

from .models import Accreditation, CirculationList, Invitation, JoinRequest, Organisation, Representative


def is_focal_point(user, organisation: Organisation) -> bool:
    return bool(user.is_authenticated and organisation.focal_points.filter(user=user).exists())


def get_organisation_for_focal_point(user, pk: int) -> Organisation:
    """The organisation if ``user`` is one of its focal points, else 404."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(Organisation.objects.for_focal_point(user), pk=pk)


def get_representative_for_focal_point(user, organisation_pk: int, pk: int) -> Representative:
    organisation = get_organisation_for_focal_point(user, organisation_pk)
    return get_object_or_404(organisation.representatives, pk=pk)


def get_join_request_for_decider(user, organisation_pk: int, pk: int) -> JoinRequest:
    """A pending join request, for a focal point of its organisation or the secretariat."""
    if is_secretariat(user):
        organisation = get_object_or_404(Organisation, pk=organisation_pk)
    else:
        organisation = get_organisation_for_focal_point(user, organisation_pk)
    return get_object_or_404(
        JoinRequest.objects.select_related("user", "organisation"),
        organisation=organisation,
        pk=pk,
        state=JoinRequest.State.PENDING,
    )


def get_invitation_for_user(user, token: str) -> Invitation:
    """An open invitation addressed to one of the user's verified e-mail addresses, else 404."""
    if not user.is_authenticated:
        raise Http404
    invitation = get_object_or_404(
        Invitation.objects.select_related("organisation", "invited_by"), token=token, accepted_at__isnull=True
    )
    addresses = {
        address.lower()
        for address in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    }
    if invitation.email.lower() not in addresses:
        raise Http404
    return invitation


def can_be_joined(organisation: Organisation) -> bool:
    """Only an admitted organisation takes join requests: the join page names it, and the
    names of organisations refused, withdrawn or still under review are not public."""
    return Organisation.objects.admitted().filter(pk=organisation.pk).exists()


def get_organisation_to_join(pk: int) -> Organisation:
    """An admitted organisation, else 404, as for one that does not exist."""
    return get_object_or_404(Organisation.objects.admitted(), pk=pk)


def get_admitted_organisation(pk: int) -> Organisation:
    return get_object_or_404(Organisation.objects.admitted(), pk=pk)


# --- The secretariat ------------------------------------------------------------------


def get_accreditation_for_secretariat(user, pk: int) -> Accreditation:
    if not is_secretariat(user):
        raise Http404
    return get_object_or_404(Accreditation.objects.select_related("organisation", "circulation_list"), pk=pk)


def get_circulation_list_for_secretariat(user, pk: int) -> CirculationList:
    if not is_secretariat(user):
        raise Http404
    return get_object_or_404(CirculationList, pk=pk)


# --- What the secretariat may decide on a request -------------------------------------
# One predicate per decision, asked by the page (to offer it) and by the service (to
# refuse it), so that the two cannot disagree.


def admit_refusal(accreditation: Accreditation, *, today=None) -> str | None:
    """Why the request cannot be admitted now (``None`` when it can).

    From ``submitted``: only an organisation in ECOSOC consultative status (the others
    are circulated). From ``circulated``: only once the deadline has passed with no
    objection. From ``objected``: the Conference decides, so always.
    """
    from django.utils import timezone
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _

    from .models import EcosocStatus

    State = Accreditation.State
    if (
        accreditation.state == State.SUBMITTED
        and accreditation.organisation.ecosoc_status == EcosocStatus.NONE
    ):
        return _(
            "Only organisations in consultative status with ECOSOC are admitted on review; "
            "circulate this request to the States parties instead."
        )
    if accreditation.state == State.CIRCULATED:
        today = today or timezone.localdate()
        if accreditation.circulation_list.deadline >= today:
            return _("States parties may object until %(deadline)s.") % {
                "deadline": date_format(accreditation.circulation_list.deadline, "DATE_FORMAT")
            }
        if accreditation.objections.exists():
            return _("A State party objected: the Conference decides.")
    return None


def can_admit(accreditation: Accreditation, *, today=None) -> bool:
    return admit_refusal(accreditation, today=today) is None


def get_organisation_for_secretariat(user, pk: int) -> Organisation:
    """Any organisation, for the secretariat, which acts on its behalf; 404 for anyone else."""
    if not is_secretariat(user):
        raise Http404
    return get_object_or_404(Organisation, pk=pk)
