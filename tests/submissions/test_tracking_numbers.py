"""Tracking numbers stay unique and gapless when many submit at once (PostgreSQL's row locks).

Each submission runs in its own thread, on its own database connection, in its own
transaction; all are released at one barrier, before any of them reaches the lock.
"""

import threading
import time

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from dialogue_portal.models import AuditEvent, Lock
from sessions.models import Dialogue
from submissions import services
from submissions.models import WrittenComment
from tests.factories import DialogueFactory, FocalPointFactory, WrittenCommentFactory, admitted_organisation

pytestmark = [
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="row locks and concurrent transactions need PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True),
]

State = WrittenComment.State


def submit_at_once(comment_pks, by):
    """Submit each comment from its own thread, all released together; what each got, or raised."""
    barrier = threading.Barrier(len(comment_pks))
    results = [None] * len(comment_pks)
    errors = []
    released = [None] * len(comment_pks)
    finished = [None] * len(comment_pks)

    def submit(index, pk):
        try:
            # Connect and read before the barrier, so that all start their transaction together.
            comment = WrittenComment.objects.get(pk=pk)
            barrier.wait(timeout=10)
            released[index] = time.monotonic()
            results[index] = services.comment_submit(comment=comment, by=by)
            finished[index] = time.monotonic()
        except Exception as error:  # handed back to the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(i, pk)) for i, pk in enumerate(comment_pks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a submission hung"
    assert errors == []
    # They really ran at once: every thread was past the barrier before the first one was done.
    assert max(released) < min(finished)
    return results


@pytest.fixture
def dialogue():
    return DialogueFactory(state=Dialogue.State.OPEN)


@pytest.fixture
def organisation():
    return admitted_organisation()


@pytest.fixture
def focal(organisation):
    return FocalPointFactory(organisation=organisation).user


def drafts(count, *, dialogue, organisation, focal) -> list[int]:
    return [
        WrittenCommentFactory(
            state=State.DRAFT, dialogue=dialogue, organisation=organisation, author=focal
        ).pk
        for _ in range(count)
    ]


def test_comment_submit_ten_at_once_numbers_gapless_and_unique(dialogue, organisation, focal):
    # The dialogue's lock row does not exist yet: the ten also race to create it.
    assert not Lock.objects.filter(name=f"comments:{dialogue.pk}").exists()
    pks = drafts(10, dialogue=dialogue, organisation=organisation, focal=focal)

    results = submit_at_once(pks, focal)

    assert sorted(result.pk for result in results) == sorted(pks)
    comments = list(WrittenComment.objects.filter(pk__in=pks))
    assert all(comment.state == State.SUBMITTED for comment in comments)
    assert sorted(comment.sequence for comment in comments) == list(range(1, 11))
    year = timezone.localtime(comments[0].received_at).year
    assert sorted(comment.tracking_number for comment in comments) == sorted(
        f"WC-{year}-{dialogue.pk}-{n}" for n in range(1, 11)
    )
    # A later number was given later: the lock orders them.
    by_sequence = sorted(comments, key=lambda comment: comment.sequence)
    received = [comment.received_at for comment in by_sequence]
    assert received == sorted(received)
    assert (
        AuditEvent.objects.filter(to_state=State.SUBMITTED, object_id__in=[str(pk) for pk in pks]).count()
        == 10
    )
    assert sorted(message.to[0] for message in mail.outbox) == [focal.email] * 10
    assert sorted(message.subject.rsplit(" ", 1)[1] for message in mail.outbox) == sorted(
        comment.tracking_number for comment in comments
    )
    assert Lock.objects.get(name=f"comments:{dialogue.pk}").taken == 10


def test_comment_submit_ten_at_once_after_earlier_ones_continue_the_sequence(dialogue, organisation, focal):
    # Two submitted before: the lock row exists, and the ten go on from 3.
    for pk in drafts(2, dialogue=dialogue, organisation=organisation, focal=focal):
        services.comment_submit(comment=WrittenComment.objects.get(pk=pk), by=focal)
    pks = drafts(10, dialogue=dialogue, organisation=organisation, focal=focal)

    submit_at_once(pks, focal)

    sequences = sorted(WrittenComment.objects.filter(dialogue=dialogue).values_list("sequence", flat=True))
    assert sequences == list(range(1, 13))
    numbers = WrittenComment.objects.filter(dialogue=dialogue).values_list("tracking_number", flat=True)
    assert len(set(numbers)) == 12


def test_comment_submit_at_once_in_two_dialogues_each_gapless(organisation, focal):
    first, second = DialogueFactory(state=Dialogue.State.OPEN), DialogueFactory(state=Dialogue.State.OPEN)
    pks = drafts(5, dialogue=first, organisation=organisation, focal=focal) + drafts(
        5, dialogue=second, organisation=organisation, focal=focal
    )

    submit_at_once(pks, focal)

    for dialogue in (first, second):
        sequences = WrittenComment.objects.filter(dialogue=dialogue).values_list("sequence", flat=True)
        assert sorted(sequences) == [1, 2, 3, 4, 5]


def test_comment_submit_same_draft_twice_at_once_one_submission(dialogue, organisation, focal):
    (pk,) = drafts(1, dialogue=dialogue, organisation=organisation, focal=focal)

    results = submit_at_once([pk, pk], focal)

    comment = WrittenComment.objects.get(pk=pk)
    assert comment.state == State.SUBMITTED
    assert comment.sequence == 1
    assert comment.tracking_number == f"WC-{timezone.localtime(comment.received_at).year}-{dialogue.pk}-1"
    # Both callers are answered with the one submission.
    assert [result.tracking_number for result in results] == [comment.tracking_number] * 2
    assert AuditEvent.objects.filter(object_id=str(pk), to_state=State.SUBMITTED).count() == 1
    assert len(mail.outbox) == 1
    assert not WrittenComment.objects.filter(dialogue=dialogue).exclude(pk=pk).exists()
