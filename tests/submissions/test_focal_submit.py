"""The focal points' written-comment pages, submitting: the receipt and its tracking number,
one submission however often it is sent, the confirmation the form leads to, and the
deadline; what changed is checked in the database, on the page and in the outbox."""

import datetime
import re

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.formats import date_format

from dialogue_portal.models import AuditEvent
from sessions.models import Dialogue
from submissions.models import WrittenComment
from tests.factories import DialogueFactory, FocalPointFactory, OrganisationFactory, WrittenCommentFactory
from tests.submissions.focal import _form, _new_url, _page, _tracking, _url

State = WrittenComment.State
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


# --- Submitting ----------------------------------------------------------------------------------


def test_submit_gives_tracking_number_receipt_and_email(
    focal_client, draft, focal_user, dialogue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = focal_client.post(_url("submit", draft), follow=True)
    draft.refresh_from_db()
    tracking = _tracking(dialogue)
    assert (draft.state, draft.tracking_number, draft.sequence) == (State.SUBMITTED, tracking, 1)
    assert draft.received_at is not None
    page = _page(response)
    received = date_format(timezone.localtime(draft.received_at), "j F Y, H:i T")
    assert f"Received on {received}, tracking number {tracking}." in page
    (email,) = mail.outbox
    assert email.to == [focal_user.email]
    assert tracking in email.body
    assert "Data on trafficking" in email.body


def test_submit_twice_gives_one_submission(focal_client, draft, dialogue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = focal_client.post(_url("submit", draft), follow=True)
        second = focal_client.post(_url("submit", draft), follow=True)
    draft.refresh_from_db()
    assert (draft.state, draft.sequence, draft.tracking_number) == (State.SUBMITTED, 1, _tracking(dialogue))
    assert AuditEvent.objects.for_object(draft).filter(to_state=State.SUBMITTED).count() == 1
    assert WrittenComment.objects.filter(sequence__isnull=False).count() == 1
    assert len(mail.outbox) == 1
    assert _tracking(dialogue) in _page(first)
    assert _tracking(dialogue) in _page(second)


def test_save_and_submit_from_new_form_asks_then_submits(
    focal_client, organisation, focal_user, dialogue, django_capture_on_commit_callbacks
):
    data = _form(submit="1")
    del data["save"]
    with django_capture_on_commit_callbacks(execute=True):
        asked = focal_client.post(_new_url(organisation, dialogue), data, follow=True)
        comment = WrittenComment.objects.get()
        assert comment.state == State.DRAFT  # saved, not yet submitted: it asks first
        assert "Submit the comment?" in _page(asked)
        response = focal_client.post(_url("submit", comment), follow=True)
    comment.refresh_from_db()
    assert (comment.state, comment.tracking_number) == (State.SUBMITTED, _tracking(dialogue))
    assert "tracking number " + _tracking(dialogue) in _page(response)
    assert [email.to for email in mail.outbox] == [[focal_user.email]]


def test_new_form_sent_twice_makes_one_comment(
    focal_client, organisation, dialogue, django_capture_on_commit_callbacks
):
    page = _page(focal_client.get(_new_url(organisation, dialogue)))
    token = re.search(r'name="form_token" value="([0-9a-f]+)"', page).group(1)
    data = _form(submit="1", form_token=token)
    with django_capture_on_commit_callbacks(execute=True):
        first = focal_client.post(_new_url(organisation, dialogue), data)
        second = focal_client.post(_new_url(organisation, dialogue), data)
        comment = WrittenComment.objects.get()
        # Both sendings lead to the one draft's confirmation.
        assert first.url == second.url == _url("submit", comment)
        focal_client.post(first.url)
        again = focal_client.post(second.url, follow=True)
    comment.refresh_from_db()
    assert (comment.state, comment.sequence) == (State.SUBMITTED, 1)
    assert _tracking(dialogue) in _page(again)
    assert len(mail.outbox) == 1


def test_new_form_resent_after_a_save_that_died_stores_it_once(
    focal_client, organisation, dialogue, settings, tmp_path, django_capture_on_commit_callbacks
):
    page = _page(focal_client.get(_new_url(organisation, dialogue)))
    token = re.search(r'name="form_token" value="([0-9a-f]+)"', page).group(1)

    def sending():
        pdf = SimpleUploadedFile("annex.pdf", PDF, content_type="application/pdf")
        return _form(submit="1", form_token=token, attachments=[pdf])

    # The first sending dies half-way (the disk refuses the attachment, as a killed worker
    # would stop it): nothing of it may remain to block the form.
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocked
    focal_client.raise_request_exception = False
    died = focal_client.post(_new_url(organisation, dialogue), sending())
    assert died.status_code == 500
    assert not WrittenComment.objects.exists()

    settings.MEDIA_ROOT = tmp_path / "media"
    with django_capture_on_commit_callbacks(execute=True):
        focal_client.post(_new_url(organisation, dialogue), sending())
        confirm = focal_client.post(_new_url(organisation, dialogue), sending())
        again = focal_client.post(confirm.url, follow=True)
    comment = WrittenComment.objects.get()
    assert (comment.state, comment.attachments.count()) == (State.SUBMITTED, 1)
    assert _tracking(dialogue) in _page(again)
    assert len(mail.outbox) == 1


def test_save_and_submit_twice_from_edit_form(
    focal_client, draft, dialogue, django_capture_on_commit_callbacks
):
    data = _form(submit="1")
    with django_capture_on_commit_callbacks(execute=True):
        confirm = focal_client.post(_url("edit", draft), data)
        assert confirm.url == _url("submit", draft)
        focal_client.post(confirm.url)
        # The edit form sent again once submitted: the comment's page, nothing changed.
        second = focal_client.post(_url("edit", draft), data, follow=True)
    draft.refresh_from_db()
    assert (draft.state, draft.sequence) == (State.SUBMITTED, 1)
    assert AuditEvent.objects.for_object(draft).filter(to_state=State.SUBMITTED).count() == 1
    assert _tracking(dialogue) in _page(second)
    assert len(mail.outbox) == 1


def test_submit_after_deadline_refused_with_deadline_and_draft_stays(
    focal_client, organisation, focal_user, django_capture_on_commit_callbacks
):
    closed = DialogueFactory(
        state=Dialogue.State.OPEN, comments_deadline=timezone.now() - datetime.timedelta(hours=2)
    )
    draft = WrittenCommentFactory(
        organisation=organisation, author=focal_user, dialogue=closed, state="draft"
    )
    deadline = date_format(timezone.localtime(closed.comments_deadline, closed.zone), "j F Y, H:i T")
    with django_capture_on_commit_callbacks(execute=True):
        response = focal_client.post(_url("submit", draft), follow=True)
    draft.refresh_from_db()
    assert (draft.state, draft.tracking_number) == (State.DRAFT, None)
    assert f"Written comments for this dialogue closed on {deadline}." in _page(response)
    assert mail.outbox == []


def test_edit_after_deadline_refused_with_text_kept(focal_client, organisation, focal_user):
    closed = DialogueFactory(
        state=Dialogue.State.OPEN, comments_deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    draft = WrittenCommentFactory(
        organisation=organisation, author=focal_user, dialogue=closed, title="Old", state="draft"
    )
    page = _page(focal_client.get(_url("edit", draft)))
    assert "closed on" in page
    assert 'name="body"' not in page

    response = focal_client.post(_url("edit", draft), _form(title="Typed late", submit="1"))
    page = _page(response)
    assert "Written comments for this dialogue closed on" in page
    assert 'value="Typed late"' in page
    draft.refresh_from_db()
    assert (draft.state, draft.title) == (State.DRAFT, "Old")


def test_new_after_deadline_shows_refusal_instead_of_form(focal_client, organisation):
    closed = DialogueFactory(
        state=Dialogue.State.OPEN, comments_deadline=timezone.now() - datetime.timedelta(days=1)
    )
    page = _page(focal_client.get(_new_url(organisation, closed)))
    deadline = date_format(timezone.localtime(closed.comments_deadline, closed.zone), "j F Y, H:i T")
    assert f"closed on {deadline}" in page
    assert 'name="body"' not in page
    response = focal_client.post(_new_url(organisation, closed), _form())
    assert f"closed on {deadline}" in _page(response)
    assert not WrittenComment.objects.exists()


def test_new_for_organisation_not_admitted_shows_refusal(client, db):
    organisation = OrganisationFactory()
    user = FocalPointFactory(organisation=organisation).user
    client.force_login(user)
    dialogue = DialogueFactory(state=Dialogue.State.OPEN)
    page = _page(client.get(_new_url(organisation, dialogue)))
    assert "Only organisations admitted as observers can send written comments." in page
    assert 'name="body"' not in page
