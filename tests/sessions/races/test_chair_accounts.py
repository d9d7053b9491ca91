"""Races on a Chair's account: two invitations of one Chair accepted at once, and an
invitation accepted while the secretariat links another account, at one barrier."""

import pytest

from sessions import services
from sessions.models import ChairInvitation, DialogueChair
from tests.concurrency import on_postgresql, refused, run_at_once, stagger
from tests.factories import DialogueChairFactory, SecretariatFactory, UserFactory

ROUNDS = 10


def _accept(invitation_pk: int, user):
    def read():
        invitation = ChairInvitation.objects.get(pk=invitation_pk)
        return lambda: services.dialogue_chair_invitation_accept(invitation=invitation, user=user)

    return read


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_invitations_accepted_at_once_link_exactly_one_account_each_round():
    secretariat = SecretariatFactory()
    for round_ in range(ROUNDS):
        chair = DialogueChairFactory()
        first, second = UserFactory(), UserFactory()
        one = services.dialogue_chair_invite(chair=chair, email=first.email, by=secretariat)
        two = services.dialogue_chair_invite(chair=chair, email=second.email, by=secretariat)

        results = run_at_once(_accept(one.pk, first), _accept(two.pk, second), delays=stagger(round_))

        assert refused(results[0]) != refused(results[1]), results
        winner, used, unused = (second, two, one) if refused(results[0]) else (first, one, two)
        chair.refresh_from_db()
        assert chair.user == winner
        assert ChairInvitation.objects.get(pk=used.pk).accepted_by == winner
        assert ChairInvitation.objects.get(pk=unused.pk).accepted_at is None


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_accept_against_the_secretariats_link_ends_in_one_account_each_round():
    secretariat = SecretariatFactory()
    for round_ in range(ROUNDS):
        chair = DialogueChairFactory()
        invitee, other = UserFactory(), UserFactory()
        invitation = services.dialogue_chair_invite(chair=chair, email=invitee.email, by=secretariat)

        def link(pk=chair.pk, other=other):
            read = DialogueChair.objects.get(pk=pk)
            return lambda: services.dialogue_chair_link(chair=read, user=other, by=secretariat)

        accepted, linked = run_at_once(_accept(invitation.pk, invitee), link, delays=stagger(round_))

        # One of them set the account; the other was told, and changed nothing.
        assert refused(accepted) != refused(linked), (accepted, linked)
        chair.refresh_from_db()
        assert chair.user == (other if refused(accepted) else invitee)
        assert (ChairInvitation.objects.get(pk=invitation.pk).accepted_at is None) == refused(accepted)
