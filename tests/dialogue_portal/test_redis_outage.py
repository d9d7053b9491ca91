"""Redis stopped under a running portal: submissions still succeed, and once Redis is back
every receipt goes out exactly once.

The test runs a redis-server of its own on another port, as the portal's broker and cache,
and stops and starts it; the shared Redis of the machine is never touched. It needs a
broker configuration to begin with (the services pass of .ci/run).
"""

import io
import re
import shutil
import socket
import subprocess
import time

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from post_office.models import STATUS, Email

from dialogue_portal.celery import app
from sessions.models import Dialogue
from submissions.models import WrittenComment
from tests.factories import DialogueFactory, FocalPointFactory, WrittenCommentFactory, admitted_organisation

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not settings.CELERY_BROKER_URL, reason="the services pass runs this, with a broker"),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server on the PATH"),
    pytest.mark.django_db(transaction=True),
]

SUBMISSIONS = 5


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnRedis:
    def __init__(self):
        self.port = _free_port()
        self.process = None

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        for _ in range(100):
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def own_redis(settings, monkeypatch):
    """The portal's broker and cache on a redis-server of this test's own."""
    server = OwnRedis()
    server.start()
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    monkeypatch.setenv("CELERY_BROKER_URL", server.url(0))  # Celery reads it before its setting
    app.amqp._producer_pool = None
    caches = settings.CACHES
    settings.CACHES = {"default": {**caches["default"], "LOCATION": server.url(1)}}
    yield server
    settings.CACHES = caches
    monkeypatch.undo()
    app.conf.task_always_eager = eager
    app.amqp._producer_pool = None
    if server.process.poll() is None:
        server.stop()


def _wait_for(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)


def test_redis_down_submissions_succeed_and_each_receipt_goes_out_once_when_back(own_redis):
    dialogue = DialogueFactory(state=Dialogue.State.OPEN)
    organisation = admitted_organisation()
    focal = FocalPointFactory(organisation=organisation).user
    drafts = [
        WrittenCommentFactory(dialogue=dialogue, organisation=organisation, author=focal, state="draft")
        for _ in range(SUBMISSIONS)
    ]
    client = Client()
    client.force_login(focal)

    own_redis.stop()
    for draft in drafts:
        response = client.post(reverse("submissions:submit", args=[organisation.pk, draft.pk]), follow=True)
        assert response.status_code == 200
        assert "The comment is submitted." in response.content.decode()
    numbers = sorted(
        WrittenComment.objects.filter(dialogue=dialogue).values_list("tracking_number", flat=True)
    )
    assert len(numbers) == SUBMISSIONS
    assert all(numbers)
    # Stored, waiting: nothing was sent, nothing was lost.
    assert Email.objects.filter(status=STATUS.queued).count() == SUBMISSIONS
    assert mail.outbox == []

    own_redis.start()
    with start_worker(
        app,
        pool="threads",
        concurrency=2,
        perform_ping_check=False,
        queues=[settings.CELERY_TASK_DEFAULT_QUEUE],
    ):
        # What beat does every minute, through the broker that is back.
        app.send_task("dialogue_portal.deliver_mail")
        _wait_for(lambda: len(mail.outbox) >= SUBMISSIONS)
        call_command("run_due_tasks", stdout=io.StringIO())

    receipted = [re.findall(r"WC-\d+-\d+-\d+", message.body) for message in mail.outbox]
    assert sorted(number for found in receipted for number in set(found)) == numbers
    assert set(Email.objects.values_list("status", flat=True)) == {STATUS.sent}
