"""Races on what the secretariat records after the fact: recording a past dialogue as held
against a cancellation of it, at one barrier."""

import datetime

import pytest
from django.utils import timezone

from sessions import services
from sessions.models import Dialogue
from tests.concurrency import on_postgresql, refused, run_at_once, stagger
from tests.factories import DialogueFactory, SecretariatFactory

from .support import ROUNDS, State, event


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_record_as_held_against_cancellation_ends_in_exactly_one_each_round():
    secretariat = SecretariatFactory()
    last_week = timezone.localdate() - datetime.timedelta(days=7)
    for round_ in range(ROUNDS):
        dialogue = DialogueFactory(
            state=State.CLOSED, session__first_day=last_week, session__last_day=last_week
        )

        def hold(pk=dialogue.pk):
            read = Dialogue.objects.get(pk=pk)
            return lambda: services.dialogue_record_as_held(dialogue=read, by=secretariat)

        def cancel(pk=dialogue.pk):
            read = Dialogue.objects.get(pk=pk)
            return lambda: services.dialogue_cancel(dialogue=read, by=secretariat, reason="Never met.")

        held, cancelled = run_at_once(hold, cancel, delays=stagger(round_))

        # Exactly one of them moved the dialogue; the other was told, and wrote nothing.
        assert refused(held) != refused(cancelled), (held, cancelled)
        dialogue.refresh_from_db()
        winner = State.CANCELLED if refused(held) else State.HELD
        assert dialogue.state == winner
        assert event(dialogue, winner).actor == secretariat
        loser = held if refused(held) else cancelled
        assert loser.code in {"stale_state", "illegal_transition"}, loser
