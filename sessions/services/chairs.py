"""The account with which a Chair drafts the summary: linked by the secretariat, or by the
Chair accepting the secretariat's invitation by e-mail.

Every link and unlink is a compare-and-set on the Chair's ``user`` (the account the page
showed, or none for an invitation): of two people acting at once one wins, and the other
is told, never silently overwritten. Each writes an audit row on the Chair. Nothing here
is withheld for a dialogue already held: its summary is drafted after it.
"""

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dialogue_portal.links import absolute_reverse, absolute_url
from dialogue_portal.mail import later, send_templated
from dialogue_portal.roles import is_secretariat
from dialogue_portal.transitions import record

from ..models import ChairInvitation, Dialogue, DialogueChair
from ..permissions import chair_invitation_refusal
from ..selectors import with_ordinals

# How long an invitation's link works: long enough for a Chair who travels between sessions.
INVITATION_VALID_FOR = datetime.timedelta(days=14)

# The audit rows' "to" column: a Chair has no lifecycle, these name what happened to it.
LINKED, UNLINKED, INVITED = "linked", "unlinked", "invited"

# Stands for "the account the caller's copy of the Chair has": what the page showed.
_AS_READ = object()


def chair_landing_url(dialogue) -> str:
    """Where a Chair lands once linked: the dialogue's summary."""
    return reverse("reports:summary", args=[dialogue.pk])


def _only_secretariat(by: Any) -> None:
    if not is_secretariat(by):
        raise ValidationError(_("Only the secretariat links a Chair to an account."), code="forbidden")


def _changed_meanwhile() -> ValidationError:
    return ValidationError(
        _(
            "Someone else changed this Chair's account meanwhile; nothing was changed. "
            "Look at the account it has now, and try again if it is still not the right one."
        ),
        code="stale",
    )


def _chairs_already(user: Any) -> ValidationError:
    return ValidationError(
        {
            "email": [
                _("%(email)s already drafts for another Chair of this dialogue.") % {"email": user.email}
            ]
        },
        code="already_chair",
    )


def _context(chair: DialogueChair) -> dict[str, Any]:
    # With its ordinal: "First constructive dialogue of 6 May 2022 after the ninth session …".
    dialogue = with_ordinals(Dialogue.objects.select_related("session__working_group")).get(
        pk=chair.dialogue_id
    )
    return {"chair": str(chair), "dialogue": later(str, dialogue)}


@transaction.atomic
def dialogue_chair_link(
    *, chair: DialogueChair, user: Any, by: Any, linked_before: Any = _AS_READ
) -> DialogueChair:
    """Link the Chair to ``user``'s account (which then drafts the summary with it), in place
    of the account it had when the page showed it: ``linked_before`` is that account's
    id (None for none; by default ``chair``'s own ``user_id``).

    Refused when the account already drafts for another Chair of the same dialogue, or when
    someone changed the Chair's account meanwhile.
    Side effects: one UPDATE of the Chair's ``user``; one audit row; e-mail to the account
    with the link to the summary.
    """
    _only_secretariat(by)
    before = chair.user_id if linked_before is _AS_READ else linked_before
    if before == user.pk:
        if not DialogueChair.objects.filter(pk=chair.pk, user_id=before).exists():
            raise _changed_meanwhile()
        return chair  # linked to that account already: nothing to do, nobody to tell
    if DialogueChair.objects.filter(dialogue_id=chair.dialogue_id, user=user).exclude(pk=chair.pk).exists():
        raise _chairs_already(user)
    try:
        with transaction.atomic():
            updated = DialogueChair.objects.filter(pk=chair.pk, user_id=before).update(user=user)
    except IntegrityError:  # linked to another Chair of the dialogue at the same moment
        raise _chairs_already(user) from None
    if updated != 1:
        raise _changed_meanwhile()
    chair.user = user
    record(
        chair,
        by=by,
        from_state="",
        to_state=LINKED,
        note=_("Linked to the account %(email)s by the secretariat.") % {"email": user.email},
    )
    send_templated(
        "sessions/email/chair_linked",
        [user.email],
        {**_context(chair), "url": absolute_url(chair_landing_url(chair.dialogue))},
    )
    return chair


@transaction.atomic
def dialogue_chair_unlink(*, chair: DialogueChair, by: Any, linked_before: Any = _AS_READ) -> DialogueChair:
    """Unlink the Chair from the account it had when the page showed it (``linked_before``,
    by default ``chair``'s own ``user_id``): that account no longer drafts for it.

    Nothing to do when it was unlinked meanwhile; refused when it was linked to another
    account meanwhile.
    Side effects: one UPDATE of the Chair's ``user`` to none; one audit row.
    """
    _only_secretariat(by)
    before = chair.user_id if linked_before is _AS_READ else linked_before
    if before is None:
        return chair
    email = get_user_model().objects.filter(pk=before).values_list("email", flat=True).first() or ""
    if not DialogueChair.objects.filter(pk=chair.pk, user_id=before).update(user=None):
        current = DialogueChair.objects.filter(pk=chair.pk).values_list("user_id", flat=True).first()
        if current is None:
            chair.user = None
            return chair  # unlinked (or removed) by someone else: what was asked is done
        raise _changed_meanwhile()
    chair.user = None
    record(
        chair,
        by=by,
        from_state="",
        to_state=UNLINKED,
        note=_("Unlinked from the account %(email)s by the secretariat.") % {"email": email}
        if email
        else _("Unlinked from its account by the secretariat."),
    )
    return chair


@transaction.atomic
def dialogue_chair_invite(*, chair: DialogueChair, email: str, by: Any) -> ChairInvitation:
    """Invite the Chair, at ``email``, to sign up or sign in and so link the account that drafts.

    Refused for a Chair already linked to an account (unlink it first). An invitation
    sent before stays valid: each works once, until it expires.
    Side effects: one ChairInvitation row; one audit row; e-mail to ``email`` with the link.
    """
    _only_secretariat(by)
    email = email.strip()
    stored = DialogueChair.objects.select_related("user", "dialogue__session__working_group").get(pk=chair.pk)
    if stored.user_id is not None:
        raise ValidationError(
            {
                "email": [
                    _("This Chair is already linked to the account %(email)s: unlink it first.")
                    % {"email": stored.user.email}
                ]
            },
            code="already_linked",
        )
    now = timezone.now()
    invitation = ChairInvitation.objects.create(
        chair=stored, email=email, invited_by=by, expires_at=now + INVITATION_VALID_FOR
    )
    record(
        stored,
        by=by,
        from_state="",
        to_state=INVITED,
        note=_("Invited by e-mail at %(email)s to link an account.") % {"email": email},
    )
    send_templated(
        "sessions/email/chair_invitation",
        [email],
        {
            **_context(stored),
            "expires": invitation.expires_at,
            "url": absolute_reverse("chair_invitation", args=[invitation.token]),
        },
    )
    return invitation


@transaction.atomic
def dialogue_chair_invitation_accept(*, invitation: ChairInvitation, user: Any) -> DialogueChair:
    """The invitee, signed in with the invited address, links the Chair to their account.

    Refused (:func:`sessions.permissions.chair_invitation_refusal`) when the invitation
    was used or expired, the address is not one of the account's verified ones, or the
    Chair is linked already; the Chair is linked only if it still has no account, so of
    two invitations accepted at once the first wins and the other is told.
    Side effects: one UPDATE of the Chair's ``user``; the invitation marked accepted by
    the user; one audit row.
    """
    # Locked: the same invitation accepted twice at once is used once.
    invitation = ChairInvitation.objects.select_for_update().filter(pk=invitation.pk).first()
    if invitation is None:  # its Chair was removed meanwhile, and the invitation with it
        raise ValidationError(_("This invitation no longer exists: its Chair was removed."), code="gone")
    chair = DialogueChair.objects.select_related("user", "dialogue").get(pk=invitation.chair_id)
    invitation.chair = chair
    refusal = chair_invitation_refusal(invitation, user)
    if refusal:
        raise ValidationError(refusal, code="refused")
    try:
        with transaction.atomic():
            linked = DialogueChair.objects.filter(pk=chair.pk, user__isnull=True).update(user=user)
    except IntegrityError:  # linked to another Chair of the dialogue at the same moment
        raise ValidationError(
            _("Your account already drafts for another Chair of this dialogue."), code="already_chair"
        ) from None
    if linked != 1:
        raise ValidationError(
            _("This Chair was linked to another account meanwhile: ask the secretariat if that is wrong."),
            code="stale",
        )
    now = timezone.now()
    ChairInvitation.objects.filter(pk=invitation.pk).update(accepted_at=now, accepted_by=user)
    invitation.accepted_at, invitation.accepted_by = now, user
    chair.user = user
    record(
        chair,
        by=user,
        from_state="",
        to_state=LINKED,
        note=_("Linked to the account %(email)s: the invitation sent to %(invited)s was accepted.")
        % {"email": user.email, "invited": invitation.email},
    )
    return chair
