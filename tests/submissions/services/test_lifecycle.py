"""The written comments' services: every move of the lifecycle through its service, and who may
comment."""

import datetime
import itertools

import pytest
from django.core import mail

from dialogue_portal.models import AuditEvent
from dialogue_portal.transitions import TransitionNotAllowed
from sessions.models import Dialogue
from stakeholders.models import Accreditation
from submissions import services
from submissions.models import WrittenComment
from tests.factories import AccreditationFactory, DialogueFactory, OrganisationFactory, WrittenCommentFactory

from .support import DEADLINE, State

# --- The lifecycle: every move through its service -----------------------------------------


def move(comment, to, by):
    """Call the service that moves a comment to ``to``."""
    if to == State.SUBMITTED:
        return services.comment_submit(comment=comment, by=by)
    if to == State.PUBLISHED:
        return services.comment_publish(comment=comment, by=by)
    if to == State.REJECTED:
        return services.comment_reject(comment=comment, by=by, reason="Off the dialogue's subject.")
    if to == State.WITHDRAWN:
        return services.comment_withdraw(comment=comment, by=by)
    if to == State.UNPUBLISHED:
        return services.comment_unpublish(comment=comment, by=by, reason="Names a private person.")
    raise AssertionError(f"no service moves a comment to {to}")


# No service moves a comment back to draft: a draft is made by comment_save_draft.
TARGETS = [State.SUBMITTED, State.PUBLISHED, State.REJECTED, State.WITHDRAWN, State.UNPUBLISHED]


LEGAL_MOVES = sorted((src, dst) for src, targets in services.NEXT_STATES.items() for dst in targets)


# Submitting a submitted comment again is the double submit: answered, not refused (below).
ILLEGAL_MOVES = [
    (src, dst)
    for src, dst in itertools.product(State.values, TARGETS)
    if dst not in services.NEXT_STATES[src] and (src, dst) != (State.SUBMITTED, State.SUBMITTED)
]


# DESIGN.md § Vocabulary, WrittenComment.
DESIGN_MOVES = [
    (State.DRAFT, State.SUBMITTED),
    (State.DRAFT, State.WITHDRAWN),
    (State.PUBLISHED, State.UNPUBLISHED),
    (State.SUBMITTED, State.PUBLISHED),
    (State.SUBMITTED, State.REJECTED),
    (State.SUBMITTED, State.WITHDRAWN),
]


E_MAILED = {State.SUBMITTED, State.PUBLISHED, State.REJECTED, State.UNPUBLISHED}


def test_next_states_are_the_designed_moves():
    assert sorted(DESIGN_MOVES) == LEGAL_MOVES
    assert set(services.NEXT_STATES) == set(State.values)


@pytest.mark.parametrize(("src", "dst"), LEGAL_MOVES)
def test_comment_transition_legal_move_recorded(src, dst, dialogue, secretariat, commit):
    comment = WrittenCommentFactory(state=src, dialogue=dialogue, anonymity_requested=False)
    by = comment.author if dst in (State.SUBMITTED, State.WITHDRAWN) else secretariat

    with commit():
        move(comment, dst, by)

    comment.refresh_from_db()
    assert comment.state == dst
    events = AuditEvent.objects.for_object(comment)
    assert [(e.from_state, e.to_state, e.actor) for e in events] == [(src, dst, by)]
    if dst in E_MAILED:
        assert [message.to for message in mail.outbox] == [[comment.author.email]]
        assert comment.tracking_number in mail.outbox[0].subject
    else:
        assert mail.outbox == []


@pytest.mark.parametrize(("src", "dst"), ILLEGAL_MOVES)
def test_comment_transition_illegal_move_refused_nothing_written(src, dst, dialogue, secretariat, commit):
    comment = WrittenCommentFactory(state=src, dialogue=dialogue)
    before = WrittenComment.objects.values().get(pk=comment.pk)

    with pytest.raises(TransitionNotAllowed) as excinfo, commit():
        move(comment, dst, secretariat)

    assert excinfo.value.code == "illegal_transition"
    assert excinfo.value.messages == [
        f"This written comment cannot go from “{State(src).label}” to “{State(dst).label}”."
    ]
    assert WrittenComment.objects.values().get(pk=comment.pk) == before
    assert not AuditEvent.objects.for_object(comment).exists()
    assert mail.outbox == []


# --- comments_refusal ----------------------------------------------------------------------


def test_comments_refusal_admitted_organisation_open_dialogue_none(organisation, dialogue):
    assert services.comments_refusal(organisation=organisation, dialogue=dialogue) is None


@pytest.mark.parametrize(
    "accreditation",
    [None, *(s for s in Accreditation.State.values if s != Accreditation.State.ADMITTED)],
)
def test_comments_refusal_organisation_not_admitted(accreditation, dialogue):
    organisation = OrganisationFactory()
    if accreditation:
        AccreditationFactory(organisation=organisation, state=accreditation)

    assert services.comments_refusal(organisation=organisation, dialogue=dialogue) == (
        "Only organisations admitted as observers can send written comments."
    )


@pytest.mark.parametrize(
    "state",
    [Dialogue.State.SCHEDULED, Dialogue.State.CLOSED, Dialogue.State.HELD, Dialogue.State.CANCELLED],
)
def test_comments_refusal_dialogue_not_open(state, organisation):
    dialogue = DialogueFactory(state=state)

    assert services.comments_refusal(organisation=organisation, dialogue=dialogue) == (
        f"This dialogue is not open for written comments (it is {Dialogue.State(state).label})."
    )


def test_comments_refusal_after_the_deadline_shows_the_deadline(organisation, dialogue):
    assert dialogue.comments_deadline == DEADLINE

    refusal = services.comments_refusal(
        organisation=organisation, dialogue=dialogue, now=DEADLINE + datetime.timedelta(minutes=1)
    )

    assert refusal == "Written comments for this dialogue closed on 27 February 2030, 23:59 CET."


def test_comments_refusal_at_the_deadline_none(organisation, dialogue):
    assert services.comments_refusal(organisation=organisation, dialogue=dialogue, now=DEADLINE) is None


def test_comments_refusal_deadline_shown_in_the_dialogues_time_zone(organisation):
    deadline = datetime.datetime(2030, 2, 27, 17, 0, tzinfo=datetime.UTC)
    dialogue = DialogueFactory(
        state=Dialogue.State.OPEN, comments_deadline=deadline, time_zone="America/New_York"
    )

    refusal = services.comments_refusal(
        organisation=organisation, dialogue=dialogue, now=deadline + datetime.timedelta(hours=1)
    )

    assert refusal == "Written comments for this dialogue closed on 27 February 2030, 12:00 EST."
