"""The written comments' services: submitting and withdrawing."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from dialogue_portal.models import AuditEvent
from dialogue_portal.transitions import TransitionNotAllowed
from sessions.models import Dialogue
from stakeholders.models import Accreditation
from submissions import services
from submissions.models import WrittenComment
from tests.factories import DialogueFactory, WrittenCommentFactory, vienna

from .support import State, audit, draft

# --- comment_submit ------------------------------------------------------------------------


def test_comment_submit_gives_tracking_numbers_per_dialogue(organisation, dialogue, focal, commit):
    other_dialogue = DialogueFactory(state=Dialogue.State.OPEN)
    first = draft(organisation, dialogue, focal)
    second = draft(organisation, dialogue, focal)
    elsewhere = draft(organisation, other_dialogue, focal)
    before = timezone.now()

    with commit():
        for comment in (first, second, elsewhere):
            services.comment_submit(comment=comment, by=focal)

    after = timezone.now()
    for comment in (first, second, elsewhere):
        comment.refresh_from_db()
        assert comment.state == State.SUBMITTED
        assert before <= comment.received_at <= after
    year = timezone.localtime(first.received_at).year
    assert (first.sequence, first.tracking_number) == (1, f"WC-{year}-{dialogue.pk}-1")
    assert (second.sequence, second.tracking_number) == (2, f"WC-{year}-{dialogue.pk}-2")
    assert (elsewhere.sequence, elsewhere.tracking_number) == (1, f"WC-{year}-{other_dialogue.pk}-1")


def test_comment_submit_sends_a_receipt_to_the_author(organisation, dialogue, focal, commit):
    comment = draft(organisation, dialogue, focal, title="Data on firearms trafficking")

    with commit():
        services.comment_submit(comment=comment, by=focal)

    comment.refresh_from_db()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [focal.email]
    assert message.subject == f"[Dialogue Portal] Written comment received: {comment.tracking_number}"
    assert f"Tracking number: {comment.tracking_number}" in message.body
    assert "“Data on firearms trafficking” of Fundación Ñandú" in message.body
    assert f"/my/organisations/{organisation.pk}/comments/{comment.pk}/" in message.body
    assert "with your consent, it publishes it" in message.body
    assert audit(comment) == [("", State.DRAFT, ""), (State.DRAFT, State.SUBMITTED, "")]


def test_comment_submit_without_consent_receipt_says_it_will_not_be_published(
    organisation, dialogue, focal, commit
):
    comment = draft(organisation, dialogue, focal, consent_to_publish=False)

    with commit():
        services.comment_submit(comment=comment, by=focal)

    assert "You did not consent to publication" in mail.outbox[0].body


def test_comment_submit_twice_gives_one_submission(organisation, dialogue, focal, commit):
    comment = draft(organisation, dialogue, focal)
    with commit():
        first = services.comment_submit(comment=comment, by=focal)
    first.refresh_from_db()
    received = (first.sequence, first.tracking_number, first.received_at, first.updated_at)

    with commit():
        second = services.comment_submit(comment=comment, by=focal)

    assert second.pk == comment.pk
    assert second.state == State.SUBMITTED
    assert (second.sequence, second.tracking_number, second.received_at, second.updated_at) == received
    comment.refresh_from_db()
    assert (comment.sequence, comment.tracking_number, comment.received_at, comment.updated_at) == received
    assert AuditEvent.objects.for_object(comment).filter(to_state=State.SUBMITTED).count() == 1
    assert len(mail.outbox) == 1


def test_comment_submit_after_a_withdrawal_continues_the_sequence(organisation, dialogue, focal):
    first = services.comment_submit(comment=draft(organisation, dialogue, focal), by=focal)
    services.comment_withdraw(comment=first, by=focal)

    second = services.comment_submit(comment=draft(organisation, dialogue, focal), by=focal)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.sequence) == (State.WITHDRAWN, 1)  # keeps its number
    assert second.sequence == 2


def test_comment_submit_after_the_deadline_refused_stays_draft(organisation, focal, commit):
    deadline = vienna(datetime.date(2024, 5, 1), 12, 0)
    dialogue = DialogueFactory(state=Dialogue.State.OPEN, comments_deadline=deadline)
    # Written while the dialogue took comments; the deadline has passed since.
    comment = WrittenCommentFactory(
        state=State.DRAFT, organisation=organisation, author=focal, dialogue=dialogue
    )

    with pytest.raises(ValidationError) as excinfo, commit():
        services.comment_submit(comment=comment, by=focal)

    assert excinfo.value.messages == ["Written comments for this dialogue closed on 1 May 2024, 12:00 CEST."]
    comment.refresh_from_db()
    assert comment.state == State.DRAFT
    assert comment.tracking_number is None
    assert comment.received_at is None
    assert not AuditEvent.objects.for_object(comment).exists()
    assert mail.outbox == []


def test_comment_submit_dialogue_no_longer_open_refused_stays_draft(organisation, dialogue, focal):
    comment = draft(organisation, dialogue, focal)
    Dialogue.objects.filter(pk=dialogue.pk).update(state=Dialogue.State.CANCELLED)

    with pytest.raises(ValidationError):
        services.comment_submit(comment=comment, by=focal)

    comment.refresh_from_db()
    assert comment.state == State.DRAFT
    assert comment.tracking_number is None


def test_comment_submit_organisation_no_longer_admitted_refused(organisation, dialogue, focal):
    comment = draft(organisation, dialogue, focal)
    organisation.accreditations.update(state=Accreditation.State.WITHDRAWN)

    with pytest.raises(ValidationError) as excinfo:
        services.comment_submit(comment=comment, by=focal)

    assert excinfo.value.messages == ["Only organisations admitted as observers can send written comments."]
    comment.refresh_from_db()
    assert comment.state == State.DRAFT


def test_comment_submit_too_long_refused_on_body(organisation, dialogue, focal, settings):
    comment = draft(organisation, dialogue, focal, body="word " * 20)
    settings.WRITTEN_COMMENT_MAX_WORDS = 10

    with pytest.raises(ValidationError) as excinfo:
        services.comment_submit(comment=comment, by=focal)

    assert list(excinfo.value.message_dict) == ["body"]
    comment.refresh_from_db()
    assert comment.state == State.DRAFT


# --- comment_withdraw ----------------------------------------------------------------------


def test_comment_withdraw_a_draft(organisation, dialogue, focal, commit):
    comment = draft(organisation, dialogue, focal)

    with commit():
        services.comment_withdraw(comment=comment, by=focal)

    comment.refresh_from_db()
    assert comment.state == State.WITHDRAWN
    assert comment.tracking_number is None
    assert audit(comment)[-1] == (State.DRAFT, State.WITHDRAWN, "")
    assert mail.outbox == []


def test_comment_withdraw_a_submitted_comment_keeps_its_tracking_number(organisation, dialogue, focal):
    comment = services.comment_submit(comment=draft(organisation, dialogue, focal), by=focal)
    tracking_number = comment.tracking_number

    services.comment_withdraw(comment=comment, by=focal)

    comment.refresh_from_db()
    assert comment.state == State.WITHDRAWN
    assert comment.tracking_number == tracking_number
    assert audit(comment)[-1] == (State.SUBMITTED, State.WITHDRAWN, "")


def test_comment_withdraw_once_published_refused(dialogue):
    comment = WrittenCommentFactory(state=State.PUBLISHED, dialogue=dialogue)

    with pytest.raises(TransitionNotAllowed):
        services.comment_withdraw(comment=comment, by=comment.author)

    comment.refresh_from_db()
    assert comment.state == State.PUBLISHED
    assert not AuditEvent.objects.for_object(comment).exists()


def test_comment_withdraw_stale_copy_refused(organisation, dialogue, focal, secretariat):
    comment = services.comment_submit(comment=draft(organisation, dialogue, focal), by=focal)
    stale = WrittenComment.objects.get(pk=comment.pk)
    services.comment_publish(comment=comment, by=secretariat)

    # The focal point's page still showed it submitted: the compare-and-set refuses.
    with pytest.raises(TransitionNotAllowed) as excinfo:
        services.comment_withdraw(comment=stale, by=focal)

    assert excinfo.value.code == "stale_state"
    comment.refresh_from_db()
    assert comment.state == State.PUBLISHED
