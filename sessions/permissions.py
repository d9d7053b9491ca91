"""Who may see and do what in the dialogue calendar: decided here, nowhere else."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dialogue_portal.roles import is_secretariat
from stakeholders.permissions import get_organisation_for_focal_point

from .models import ChairInvitation, Dialogue, DialogueChair, Intervention, Registration
from .selectors import dialogue_for_page, ordinal_of_dialogue, with_ordinals


def user_is_chair(user: AbstractBaseUser | AnonymousUser) -> bool:
    """A Chair or Co-Chair of any dialogue, through the account that drafts its summary."""
    return bool(user.is_authenticated and DialogueChair.objects.filter(user=user).exists())


def get_dialogue_for_public(pk: int) -> Dialogue:
    """The dialogue as anyone may see it, or 404. Every dialogue's public page is public."""
    dialogue = dialogue_for_page(pk=pk).first()
    if dialogue is None:
        raise Http404
    return dialogue


def get_dialogue_for_secretariat(user, pk: int) -> Dialogue:
    """The dialogue with its ``ordinal`` (for the page's title), for the secretariat only."""
    if not is_secretariat(user):
        raise Http404
    return get_object_or_404(with_ordinals(Dialogue.objects.select_related("session__working_group")), pk=pk)


def get_dialogue_for_speakers_list(user, pk: int) -> Dialogue:
    """The speakers' list: the secretariat's, and the dialogue's Chairs' to read."""
    dialogue = get_object_or_404(
        with_ordinals(Dialogue.objects.select_related("session__working_group")), pk=pk
    )
    if is_secretariat(user) or (user.is_authenticated and dialogue.chairs.filter(user=user).exists()):
        return dialogue
    raise Http404


def get_chair_for_secretariat(user, dialogue: Dialogue, pk: int) -> DialogueChair:
    """One Chair of ``dialogue`` (fetched for the secretariat), with its account, else 404."""
    if not is_secretariat(user):
        raise Http404
    chair = get_object_or_404(DialogueChair.objects.select_related("user"), dialogue=dialogue, pk=pk)
    chair.dialogue = dialogue
    return chair


def get_chair_invitation(token: str) -> ChairInvitation:
    """The Chair's invitation of this link, used or not, else 404. Whoever holds the link
    may read it (it came to the invited address); only its invitee accepts it
    (:func:`chair_invitation_refusal`)."""
    invitation = get_object_or_404(
        ChairInvitation.objects.select_related(
            "chair__user", "chair__dialogue__session__working_group"
        ).annotate(dialogue_ordinal=ordinal_of_dialogue("chair__dialogue")),
        token=token,
    )
    invitation.chair.dialogue.ordinal = invitation.dialogue_ordinal
    return invitation


def _verified_addresses(user) -> set[str]:
    return {
        address.lower()
        for address in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    }


def chair_invitation_refusal(invitation: ChairInvitation, user, *, now=None) -> str | None:
    """Why ``user`` cannot accept the invitation (for a visitor: why nobody can), or None.

    Asked by the invitation's page, to offer the button, and by the service, to refuse.
    """
    chair = invitation.chair
    if user.is_authenticated and chair.user_id == user.pk:
        return _("Your account is already linked to this Chair.")
    if invitation.is_used:
        return _("This invitation has already been used.")
    if invitation.has_expired(now or timezone.now()):
        return _("This invitation expired on %(date)s: ask the secretariat for a new one.") % {
            "date": date_format(timezone.localtime(invitation.expires_at), "DATE_FORMAT")
        }
    if chair.user_id is not None:
        return _("This Chair is already linked to an account: ask the secretariat if that is wrong.")
    if not user.is_authenticated:
        return None
    if invitation.email.lower() not in _verified_addresses(user):
        return _(
            "This invitation was sent to %(email)s, which is not an address of your account: sign in "
            "with that address, or add it to your account and confirm it."
        ) % {"email": invitation.email}
    if DialogueChair.objects.filter(dialogue_id=chair.dialogue_id, user=user).exists():
        return _("Your account already drafts for another Chair of this dialogue.")
    return None


def get_registration_for_focal_point(user, organisation_pk: int, pk: int) -> Registration:
    """An application of the user's own organisation, its dialogue with its ordinal, else 404."""
    organisation = get_organisation_for_focal_point(user, organisation_pk)
    registration = get_object_or_404(
        Registration.objects.select_related("dialogue__session__working_group", "organisation").annotate(
            dialogue_ordinal=ordinal_of_dialogue()
        ),
        organisation=organisation,
        pk=pk,
    )
    registration.dialogue.ordinal = registration.dialogue_ordinal
    return registration


def get_intervention_for_focal_point(user, organisation_pk: int, pk: int) -> Intervention:
    organisation = get_organisation_for_focal_point(user, organisation_pk)
    return get_object_or_404(
        Intervention.objects.select_related("registration", "agenda_item"),
        registration__organisation=organisation,
        pk=pk,
    )


# --- What the secretariat may do to a dialogue and an application ---------------------
# One predicate per move, asked by the page (to offer it) and by the service (to refuse
# it), so that the two cannot disagree. Each returns why not, or None.


def open_refusal(dialogue: Dialogue, *, now=None) -> str | None:
    """A scheduled dialogue opens only while one of its deadlines is still ahead."""
    if dialogue.state == Dialogue.State.SCHEDULED and max(
        dialogue.applications_deadline, dialogue.comments_deadline
    ) < (now or timezone.now()):
        return _("Both deadlines have passed: move them before opening the dialogue.")
    return None


def mark_held_refusal(dialogue: Dialogue, *, today=None) -> str | None:
    """Held on its date or later, in the venue's time zone."""
    if dialogue.date > (today or timezone.localdate(timezone=dialogue.zone)):
        return _("A dialogue can be marked as held only on its date or later.")
    return None


def postpone_refusal(dialogue: Dialogue) -> str | None:
    if dialogue.state in (Dialogue.State.HELD, Dialogue.State.CANCELLED):
        return _("A %(state)s dialogue cannot be postponed.") % {"state": dialogue.get_state_display()}
    return None


def agenda_move_refusal(dialogue: Dialogue) -> str | None:
    """The agenda of a dialogue held or cancelled is its record: it no longer moves."""
    if dialogue.state in (Dialogue.State.HELD, Dialogue.State.CANCELLED):
        return _("The dialogue is %(state)s: its agenda no longer changes.") % {
            "state": dialogue.get_state_display()
        }
    return None


def approve_refusal(registration: Registration) -> str | None:
    dialogue = registration.dialogue
    if dialogue.state in (Dialogue.State.CANCELLED, Dialogue.State.HELD):
        return _("The dialogue is %(state)s: applications can no longer be approved.") % {
            "state": dialogue.get_state_display()
        }
    return None


def can_open(dialogue: Dialogue) -> bool:
    return open_refusal(dialogue) is None


def can_mark_held(dialogue: Dialogue) -> bool:
    return mark_held_refusal(dialogue) is None


def can_postpone(dialogue: Dialogue) -> bool:
    return postpone_refusal(dialogue) is None


def can_move_agenda(dialogue: Dialogue) -> bool:
    return agenda_move_refusal(dialogue) is None


def can_approve(registration: Registration) -> bool:
    return approve_refusal(registration) is None


def can_move_speaker(intervention: Intervention) -> bool:
    """Only a speaker waiting on the list moves: those who have spoken keep their places."""
    return intervention.state == Intervention.State.SCHEDULED
