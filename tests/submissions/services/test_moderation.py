"""The written comments' services: publishing, rejecting and unpublishing."""

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from dialogue_portal.models import AuditEvent
from submissions import services
from submissions.models import WrittenComment
from tests.factories import WrittenCommentFactory

from .support import State, audit

# --- comment_publish -----------------------------------------------------------------------


def test_comment_publish_sets_the_time_and_e_mails_the_author(dialogue, secretariat, commit, settings):
    comment = WrittenCommentFactory(state=State.SUBMITTED, dialogue=dialogue)
    before = timezone.now()

    with commit():
        services.comment_publish(comment=comment, by=secretariat)

    comment.refresh_from_db()
    assert comment.state == State.PUBLISHED
    assert before <= comment.published_at <= timezone.now()
    assert comment.published_anonymously is False
    assert audit(comment) == [(State.SUBMITTED, State.PUBLISHED, "")]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [comment.author.email]
    assert message.subject == f"[Dialogue Portal] Published: {comment.tracking_number}"
    assert "is published on the public page of written comments" in message.body
    assert f"{settings.SITE_URL}/comments/{comment.pk}/\n" in message.body
    assert "without the organisation's name" not in message.body


def test_comment_publish_without_consent_refused_nothing_written(dialogue, secretariat, commit):
    comment = WrittenCommentFactory(state=State.SUBMITTED, dialogue=dialogue, consent_to_publish=False)
    before = WrittenComment.objects.values().get(pk=comment.pk)

    with pytest.raises(ValidationError) as excinfo, commit():
        services.comment_publish(comment=comment, by=secretariat)

    assert excinfo.value.messages == [
        "The organisation did not consent to publication: the comment is read, never published."
    ]
    assert WrittenComment.objects.values().get(pk=comment.pk) == before
    assert not AuditEvent.objects.for_object(comment).exists()
    assert mail.outbox == []


def test_comment_publish_anonymously_when_asked(dialogue, secretariat, commit):
    comment = WrittenCommentFactory(state=State.SUBMITTED, dialogue=dialogue, anonymity_requested=True)

    with commit():
        services.comment_publish(comment=comment, by=secretariat, anonymously=True)

    comment.refresh_from_db()
    assert comment.state == State.PUBLISHED
    assert comment.published_anonymously is True
    assert audit(comment) == [(State.SUBMITTED, State.PUBLISHED, "Without the organisation's name.")]
    assert "without the organisation's name, as it asked" in mail.outbox[0].body


def test_comment_publish_asked_anonymity_may_still_publish_the_name(dialogue, secretariat):
    comment = WrittenCommentFactory(state=State.SUBMITTED, dialogue=dialogue, anonymity_requested=True)

    services.comment_publish(comment=comment, by=secretariat)

    comment.refresh_from_db()
    assert comment.state == State.PUBLISHED
    assert comment.published_anonymously is False


def test_comment_publish_anonymously_not_asked_refused_nothing_written(dialogue, secretariat, commit):
    comment = WrittenCommentFactory(state=State.SUBMITTED, dialogue=dialogue, anonymity_requested=False)
    before = WrittenComment.objects.values().get(pk=comment.pk)

    with pytest.raises(ValidationError) as excinfo, commit():
        services.comment_publish(comment=comment, by=secretariat, anonymously=True)

    assert excinfo.value.messages == ["The organisation did not ask to be published without its name."]
    assert WrittenComment.objects.values().get(pk=comment.pk) == before
    assert not AuditEvent.objects.for_object(comment).exists()
    assert mail.outbox == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the search vector is PostgreSQL's")
def test_comment_publish_stores_the_search_vector(dialogue, secretariat):
    comment = WrittenCommentFactory(
        state=State.SUBMITTED, dialogue=dialogue, title="Ghost guns", body="Traffickers assemble kits."
    )

    services.comment_publish(comment=comment, by=secretariat)

    assert WrittenComment.objects.filter(pk=comment.pk, search_vector__isnull=False).exists()
    found = WrittenComment.objects.filter(
        pk=comment.pk, search_vector=SearchQuery("assembling", config="english")
    )
    assert found.exists()  # English stemming: "assemble" and "assembling" are one word


# --- comment_reject, comment_unpublish -----------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   \n "])
@pytest.mark.parametrize(
    ("state", "service"),
    [(State.SUBMITTED, services.comment_reject), (State.PUBLISHED, services.comment_unpublish)],
    ids=["reject", "unpublish"],
)
def test_comment_decision_without_reason_refused_on_reason(
    state, service, reason, dialogue, secretariat, commit
):
    comment = WrittenCommentFactory(state=state, dialogue=dialogue)
    before = WrittenComment.objects.values().get(pk=comment.pk)

    with pytest.raises(ValidationError) as excinfo, commit():
        service(comment=comment, by=secretariat, reason=reason)

    assert excinfo.value.message_dict == {"reason": ["Give the reason; the submitter reads it."]}
    assert WrittenComment.objects.values().get(pk=comment.pk) == before
    assert not AuditEvent.objects.for_object(comment).exists()
    assert mail.outbox == []


def test_comment_reject_keeps_the_reason_and_e_mails_it(dialogue, secretariat, commit):
    comment = WrittenCommentFactory(state=State.SUBMITTED, dialogue=dialogue)

    with commit():
        services.comment_reject(comment=comment, by=secretariat, reason="  It names a private person.\n")

    comment.refresh_from_db()
    assert comment.state == State.REJECTED
    assert comment.reason == "It names a private person."
    assert comment.published_at is None
    assert audit(comment) == [(State.SUBMITTED, State.REJECTED, "It names a private person.")]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [comment.author.email]
    assert message.subject == f"[Dialogue Portal] Not published: {comment.tracking_number}"
    assert "The secretariat did not publish your written comment" in message.body
    assert "It names a private person." in message.body


def test_comment_unpublish_keeps_the_reason_and_e_mails_it(dialogue, secretariat, commit):
    comment = WrittenCommentFactory(state=State.PUBLISHED, dialogue=dialogue)

    with commit():
        services.comment_unpublish(comment=comment, by=secretariat, reason="Asked by the organisation.")

    comment.refresh_from_db()
    assert comment.state == State.UNPUBLISHED
    assert comment.reason == "Asked by the organisation."
    assert audit(comment) == [(State.PUBLISHED, State.UNPUBLISHED, "Asked by the organisation.")]
    message = mail.outbox[0]
    assert message.to == [comment.author.email]
    assert message.subject == f"[Dialogue Portal] Taken off the public page: {comment.tracking_number}"
    assert "Asked by the organisation." in message.body
    assert not WrittenComment.objects.published().filter(pk=comment.pk).exists()
