"""A worker killed in the middle of a render: the render is not lost.

Real processes on the real broker (the services pass of .ci/run): a Celery worker with a
prefork pool renders a long summary on the ``pdf`` queue and is sent SIGKILL while the
document is running. Its task was never acknowledged, so Redis hands it out again once
its visibility timeout (short here) has passed; a new worker takes the expired lease over
and finishes: one file, named by the SHA-256 of its bytes.
"""

import hashlib
import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection

from reports import services
from reports.models import CrpDocument
from reports.permissions import drafter
from tests.factories import SummaryRevisionFactory

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not settings.CELERY_BROKER_URL, reason="the services pass runs this, with a broker"),
    pytest.mark.django_db(transaction=True),
]

# About twenty-five pages: seconds of rendering, time enough to kill the worker in the middle.
PARAGRAPH = (
    "Several speakers expressed their appreciation for the opportunity provided by the constructive "
    "dialogue and considered the process a fruitful platform for exchange of expertise at local, "
    "regional and international levels, and underscored their willingness to participate."
)
LONG_TEXT = "\n\n".join(
    f"# Section {section}\n\n" + "\n\n".join(f"{PARAGRAPH} ({section}.{n})" for n in range(12))
    for section in range(1, 25)
)


@pytest.fixture(autouse=True)
def _tasks_through_the_broker():
    # The suite runs tasks in the test's process (tests/conftest.py); here a real worker does.
    from dialogue_portal.celery import app

    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_worker(name: str, lease_seconds: int) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DATABASE_URL": _database_url(),  # the test database
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CRP_RENDER_LEASE_SECONDS": str(lease_seconds),
        "CELERY_VISIBILITY_TIMEOUT": "4",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "dialogue_portal", "worker", "-P", "prefork", "-c", "1",
         "-Q", "pdf", "-n", f"{name}@%h", "--without-gossip", "--without-mingle", "-l", "info"],
        env=environment,
        start_new_session=True,  # its own process group: the pool's child dies with it
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip


def _stop(worker: subprocess.Popen, sig=signal.SIGTERM) -> None:
    try:
        os.killpg(worker.pid, sig)
    except ProcessLookupError:
        return
    worker.wait(timeout=30)


def _wait_for(document: CrpDocument, states: set[str], timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        document.refresh_from_db()
        if document.state in states:
            return document.state
        time.sleep(0.05)
    return document.state


def test_a_worker_killed_mid_render_is_replaced_and_the_document_completes(summary, chair_user):
    SummaryRevisionFactory(summary=summary, text=LONG_TEXT, author=chair_user)
    summary.refresh_from_db()
    # The first worker claims with a short lease, so that it has run out when the
    # redelivered task reaches the second.
    first = _start_worker("first", lease_seconds=2)
    second = None
    try:
        document = services.crp_generate(
            summary=summary, by=chair_user, role=drafter(chair_user, summary.dialogue)
        )
        assert _wait_for(document, {"running"}, timeout=60) == "running"

        _stop(first, signal.SIGKILL)

        document.refresh_from_db()
        assert document.is_running
        assert not document.file
        second = _start_worker("second", lease_seconds=180)
        assert _wait_for(document, {"succeeded", "failed"}, timeout=120) == "succeeded"
    finally:
        _stop(first, signal.SIGKILL)
        if second is not None:
            _stop(second)

    assert document.attempts == 2
    assert default_storage.listdir("crp")[1] == [f"{document.sha256}.pdf"]
    with document.file.open("rb") as file:
        data = file.read()
    assert hashlib.sha256(data).hexdigest() == document.sha256
    assert document.pages >= 20
