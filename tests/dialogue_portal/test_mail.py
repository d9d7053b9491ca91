"""Outgoing e-mail: stored with the change that causes it, delivered once, retried with
backoff, never lost to a broker that is down, never a failed request."""

import datetime
import io
import threading

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from post_office.models import STATUS, Email

from dialogue_portal import mail as portal_mail
from dialogue_portal.celery import app
from submissions import services
from submissions.models import WrittenComment
from tests.factories import DialogueFactory, WrittenCommentFactory

TEMPLATE = "submissions/email/comment_received"


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that is down: every message refused."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("connection refused by the mail server")


def _receipt_context(**overrides) -> dict:
    return {
        "tracking_number": "WC-2026-1-1",
        "title": "Firearms data",
        "organisation": "Red de Víctimas",
        "dialogue": "the first constructive dialogue",
        "received": "1 December 2026, 10:00 CET",
        "consent": True,
        "url": "https://portal.example/organisations/1/comments/1/",
    } | overrides


def _send(to="amina@ngo.example.org", **context):
    portal_mail.send_templated(TEMPLATE, [to], _receipt_context(**context))


def run_due_tasks() -> str:
    out = io.StringIO()
    call_command("run_due_tasks", stdout=out)
    return out.getvalue()


@pytest.fixture
def refusing_mail_server(settings):
    settings.POST_OFFICE = {**settings.POST_OFFICE, "BACKENDS": {"default": f"{__name__}.RefusingBackend"}}


@pytest.fixture
def broker_down(monkeypatch):
    """Tasks go to a broker on a port where nothing listens, as when Redis is stopped."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    # Celery reads the variable before its own setting.
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:9/0")
    app.amqp._producer_pool = None
    yield
    monkeypatch.undo()
    app.conf.task_always_eager = eager
    app.amqp._producer_pool = None


# --- Queued with the change ------------------------------------------------------------


def _change_that_fails():
    with transaction.atomic():
        _send()
        raise RuntimeError("the change failed after its e-mail was queued")


def test_mail_rolled_back_change_queues_nothing(db):
    with pytest.raises(RuntimeError):
        _change_that_fails()
    assert not Email.objects.exists()


def test_mail_queued_in_the_transaction_and_sent_after_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _send()
        email = Email.objects.get()
        assert (email.status, email.to) == (STATUS.queued, ["amina@ngo.example.org"])
        assert mail.outbox == []
    email.refresh_from_db()
    assert email.status == STATUS.sent
    assert [message.to for message in mail.outbox] == [["amina@ngo.example.org"]]
    assert mail.outbox[0].subject == "[Dialogue Portal] Written comment received: WC-2026-1-1"


def test_mail_delivered_once_however_often_delivery_runs(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _send()
    portal_mail.deliver()
    run_due_tasks()
    assert len(mail.outbox) == 1


def test_mail_each_recipient_gets_their_own_message(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        portal_mail.send_templated(
            TEMPLATE, ["a@ngo.example", "b@ngo.example", "a@ngo.example"], _receipt_context()
        )
    assert sorted(message.to[0] for message in mail.outbox) == ["a@ngo.example", "b@ngo.example"]
    assert all(len(message.to) == 1 for message in mail.outbox)


# --- Retries ------------------------------------------------------------------------------


def test_mail_refused_by_the_server_retried_with_growing_intervals(
    db, refusing_mail_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _send()
    email = Email.objects.get()
    intervals = []
    for _ in range(3):
        email.refresh_from_db()
        assert email.status == STATUS.requeued
        intervals.append(email.scheduled_time - email.last_updated)
        # Due again: the next attempt fails too.
        Email.objects.filter(pk=email.pk).update(scheduled_time=timezone.now())
        portal_mail.deliver()
    minutes = [round(interval / datetime.timedelta(minutes=1)) for interval in intervals]
    assert minutes == [1, 2, 4]
    assert email.logs.filter(status=STATUS.failed).count() == 4


def test_mail_refused_until_the_last_retry_marked_failed(db, refusing_mail_server):
    _send()
    Email.objects.update(number_of_retries=settings.POST_OFFICE["MAX_RETRIES"])
    portal_mail.deliver()
    assert Email.objects.get().status == STATUS.failed


def test_mail_server_back_delivers_what_waited(db, settings, refusing_mail_server):
    _send()
    portal_mail.deliver()
    assert Email.objects.get().status == STATUS.requeued
    settings.POST_OFFICE = {
        **settings.POST_OFFICE,
        "BACKENDS": {"default": "django.core.mail.backends.locmem.EmailBackend"},
    }
    run_due_tasks()
    assert mail.outbox == []  # not due yet: the retry waits its minute
    Email.objects.update(scheduled_time=timezone.now() - datetime.timedelta(seconds=1))
    run_due_tasks()
    assert len(mail.outbox) == 1
    assert Email.objects.get().status == STATUS.sent


# --- A broker that is down --------------------------------------------------------------


def test_mail_broker_down_submission_answers_and_receipt_waits(
    client, db, broker_down, django_capture_on_commit_callbacks, caplog
):
    comment = WrittenCommentFactory(dialogue=DialogueFactory(state="open"), state="draft")
    client.force_login(comment.author)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("submissions:submit", args=[comment.organisation_id, comment.pk]))
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.state == WrittenComment.State.SUBMITTED
    assert "the periodic delivery will send them" in caplog.text
    assert Email.objects.get().status == STATUS.queued
    assert mail.outbox == []

    run_due_tasks()  # as beat would, once the broker is back (here: in this process)
    run_due_tasks()
    assert [message.to for message in mail.outbox] == [[comment.author.email]]
    assert comment.tracking_number in mail.outbox[0].body


# --- Text that a header cannot carry ------------------------------------------------------


def test_mail_subject_of_a_multi_line_name_is_one_line(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _send(tracking_number="WC-2026-1-1\nBcc: everyone@example.org")
    assert len(mail.outbox) == 1
    assert (
        mail.outbox[0].subject
        == "[Dialogue Portal] Written comment received: WC-2026-1-1 Bcc: everyone@example.org"
    )
    assert mail.outbox[0].bcc == []


def test_mail_that_cannot_be_built_is_logged_and_the_change_stands(db, caplog):
    comment = WrittenCommentFactory(dialogue=DialogueFactory(state="open"), state="draft")
    portal_mail.send_templated("submissions/email/no_such_message", ["amina@ngo.example.org"], {})
    services.comment_submit(comment=comment, by=comment.author)
    comment.refresh_from_db()
    assert comment.state == WrittenComment.State.SUBMITTED
    assert "could not be built" in caplog.text


def test_mail_stored_with_a_broken_header_fails_once_and_the_rest_go_out(db, caplog):
    # Stored before subjects were made single-line: it can never be sent.
    Email.objects.create(
        to=["old@ngo.example"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        subject="Red de\nVíctimas",
        status=STATUS.queued,
    )
    _send()
    assert portal_mail.deliver() == 1
    assert [message.to for message in mail.outbox] == [["amina@ngo.example.org"]]
    broken = Email.objects.get(to=["old@ngo.example"])
    assert broken.status == STATUS.failed
    assert "not delivered" in caplog.text


def test_mail_of_sign_up_goes_through_the_queue(client, db, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "post_office.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "email": "new@ngo.example",
                "password1": "a long pass phrase 42",
                "password2": "a long pass phrase 42",
            },
        )
    email = Email.objects.get()
    assert (email.to, email.status) == (["new@ngo.example"], STATUS.sent)
    assert [message.to for message in mail.outbox] == [["new@ngo.example"]]
    assert "/accounts/confirm-email/" in mail.outbox[0].body


# --- Several senders at once --------------------------------------------------------------


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="concurrent transactions need PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_mail_two_senders_at_once_send_each_message_once():
    for index in range(30):
        _send(to=f"focal{index}@ngo.example")
    barrier = threading.Barrier(2)
    errors = []

    def sender():
        try:
            barrier.wait(timeout=10)
            portal_mail.deliver()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        f"focal{i}@ngo.example" for i in range(30)
    )
    assert set(Email.objects.values_list("status", flat=True)) == {STATUS.sent}
