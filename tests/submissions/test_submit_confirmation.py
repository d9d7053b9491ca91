"""Submitting a written comment asks first: a page that works without JavaScript, names what
follows (no more editing, the secretariat decides, a receipt to whom), and changes nothing;
its POST submits, once however often it is sent."""

import datetime
import re

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from dialogue_portal.models import AuditEvent
from sessions.models import Dialogue
from submissions.models import WrittenComment
from tests.factories import DialogueFactory, FocalPointFactory, WrittenCommentFactory

State = WrittenComment.State


def _submit(comment) -> str:
    return reverse("submissions:submit", args=[comment.organisation_id, comment.pk])


def test_confirmation_names_consequences_and_changes_nothing(focal_client, draft):
    response = focal_client.get(_submit(draft))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Submit the comment?</h1>" in page
    assert "“<bdi>Data on trafficking</bdi>”" in page
    assert "can no longer be edited" in page
    assert "The secretariat reads it and decides whether to publish it" in page
    assert "A receipt with its tracking number is e-mailed to: ana@red.example" in page
    # A plain form: no script needed to confirm.
    assert re.search(rf'<form method="post" action="{re.escape(_submit(draft))}">', page)
    assert '<button type="submit">Submit the comment</button>' in page
    draft.refresh_from_db()
    assert (draft.state, draft.tracking_number) == (State.DRAFT, None)
    assert not AuditEvent.objects.filter(to_state=State.SUBMITTED).exists()
    assert mail.outbox == []


def test_confirmation_without_consent_says_never_published(focal_client, draft):
    draft.consent_to_publish = False
    draft.save()
    page = focal_client.get(_submit(draft)).content.decode()
    assert "You did not consent to publication" in page
    assert "decides whether to publish" not in page


def test_confirmation_names_anonymity_request(focal_client, draft):
    draft.anonymity_requested = True
    draft.save()
    assert "without the organisation's name" in focal_client.get(_submit(draft)).content.decode()


def test_confirmation_post_submits_once(focal_client, draft, dialogue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = focal_client.post(_submit(draft), follow=True)
        second = focal_client.post(_submit(draft), follow=True)
    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED
    assert draft.tracking_number in first.content.decode()
    assert draft.tracking_number in second.content.decode()
    assert AuditEvent.objects.for_object(draft).filter(to_state=State.SUBMITTED).count() == 1
    assert len(mail.outbox) == 1


def test_confirmation_after_deadline_shows_refusal_and_no_button(focal_client, organisation, focal_user):
    closed = DialogueFactory(
        state=Dialogue.State.OPEN, comments_deadline=timezone.now() - datetime.timedelta(hours=1)
    )
    draft = WrittenCommentFactory(organisation=organisation, author=focal_user, dialogue=closed)
    page = focal_client.get(_submit(draft)).content.decode()
    assert "Written comments for this dialogue closed on" in page
    assert "Submit the comment</button>" not in page


def test_comment_page_links_to_the_confirmation(focal_client, draft):
    page = focal_client.get(
        reverse("submissions:mine", args=[draft.organisation_id, draft.pk])
    ).content.decode()
    assert f'href="{_submit(draft)}"' in page


def test_confirmation_of_withdrawn_comment_sends_back(focal_client, draft):
    draft.state = State.WITHDRAWN
    draft.save()
    response = focal_client.get(_submit(draft), follow=True)
    assert "it can no longer be submitted" in response.content.decode()


def test_confirmation_of_another_organisations_comment_not_found(client, draft):
    client.force_login(FocalPointFactory().user)
    assert client.get(_submit(draft)).status_code == 404
    assert client.post(_submit(draft)).status_code == 404
    draft.refresh_from_db()
    assert draft.state == State.DRAFT
