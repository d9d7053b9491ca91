"""The CRP pipeline through the summary page: "Generate PDF" makes one document per
revision, its render is claimed with a lease and survives a worker that died, a failed
render says why and leaves the earlier documents alone, and the periodic job finishes
what no worker is doing. (Tasks run in the test's process here; the killed worker is in
test_crp_worker.py.)"""

import datetime
import hashlib
import io
import logging

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dialogue_portal.models import AuditEvent
from dialogue_portal.transitions import TransitionNotAllowed, claim, transition
from reports import services
from reports.models import ChairSummary, CrpDocument
from tests.factories import FocalPointFactory, SummaryRevisionFactory, UserFactory

State = CrpDocument.State
TEXT = "# Introduction\n\nThe first paragraph of the summary.\n\nThe second paragraph."


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.REQUIRE_MFA = False


@pytest.fixture
def revision(summary, chair_user):
    return SummaryRevisionFactory(summary=summary, text=TEXT, author=chair_user)


@pytest.fixture
def chair_client(chair_user):
    client = Client()
    client.force_login(chair_user)
    return client


@pytest.fixture
def generate(django_capture_on_commit_callbacks):
    """Press "Generate PDF": the render is asked once the request's transaction commits."""

    def press(client, summary):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("reports:summary_generate", args=[summary.dialogue_id]))
        assert response.status_code == 302
        return client.get(response["Location"])

    return press


def _files() -> list[str]:
    if not default_storage.exists("crp"):
        return []
    return sorted(default_storage.listdir("crp")[1])


def test_generate_renders_the_current_revision_and_the_page_offers_its_download(
    generate, chair_client, summary, revision
):
    response = generate(chair_client, summary)

    document = CrpDocument.objects.get()
    assert document.is_succeeded
    assert document.revision == revision
    assert document.symbol == summary.symbol
    with document.file.open("rb") as file:
        data = file.read()
    assert document.file.name == f"crp/{hashlib.sha256(data).hexdigest()}.pdf"
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert data.startswith(b"%PDF-")
    assert document.size == len(data)
    assert document.pages == 1
    assert document.render_seconds > 0
    page = response.content.decode()
    assert "Ready" in page
    download = reverse("reports:summary_document_pdf", args=[summary.dialogue_id, document.pk])
    assert download in page
    assert "1 page" in page
    served = chair_client.get(download)
    assert served["Content-Type"] == "application/pdf"
    assert b"".join(served.streaming_content) == data
    assert list(
        AuditEvent.objects.filter(object_id=str(document.pk))
        .order_by("pk")
        .values_list("from_state", "to_state")
    ) == [
        ("", "queued"),
        ("queued", "running"),
        ("running", "succeeded"),
    ]


def test_generate_twice_for_one_revision_gives_one_render_and_one_file(
    generate, chair_client, summary, revision
):
    generate(chair_client, summary)
    generate(chair_client, summary)

    assert CrpDocument.objects.count() == 1
    assert CrpDocument.objects.get().attempts == 1
    assert len(_files()) == 1


def test_a_new_revision_gets_its_own_document_and_the_earlier_one_stays(
    generate, chair_client, summary, revision
):
    generate(chair_client, summary)
    first = CrpDocument.objects.get()
    SummaryRevisionFactory(summary=summary, text=TEXT + "\n\nA third paragraph.")

    generate(chair_client, summary)

    assert CrpDocument.objects.count() == 2
    second = CrpDocument.objects.exclude(pk=first.pk).get()
    assert second.is_succeeded
    assert second.sha256 != first.sha256
    assert len(_files()) == 2


def test_a_task_delivered_again_after_the_render_does_nothing(generate, chair_client, summary, revision):
    generate(chair_client, summary)
    document = CrpDocument.objects.get()

    services.crp_render(document_id=document.pk)

    document.refresh_from_db()
    assert document.is_succeeded
    assert document.attempts == 1
    assert len(_files()) == 1


def test_a_broken_template_fails_with_a_message_and_earlier_documents_stay(
    generate, chair_client, summary, revision, settings, tmp_path, caplog
):
    generate(chair_client, summary)
    earlier = CrpDocument.objects.get()
    earlier_file = earlier.file.name
    SummaryRevisionFactory(summary=summary, text=TEXT + "\n\nChanged.")
    broken = tmp_path / "templates" / "reports" / "pdf"
    broken.mkdir(parents=True)
    (broken / "summary.html").write_text("{% if %}", encoding="utf-8")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]]}
    ]

    with caplog.at_level(logging.ERROR, logger="reports.services"):
        response = generate(chair_client, summary)

    failed = CrpDocument.objects.exclude(pk=earlier.pk).get()
    assert failed.is_failed
    assert "The PDF could not be made" in failed.message
    assert failed.message in response.content.decode()
    assert failed.lease_until is None
    assert not failed.file
    earlier.refresh_from_db()
    assert earlier.is_succeeded
    assert earlier.file.name == earlier_file
    assert _files() == [earlier_file.removeprefix("crp/")]
    assert "could not be rendered" in caplog.text


def test_a_failed_render_may_be_asked_again(generate, chair_client, summary, revision, settings, tmp_path):
    broken = tmp_path / "reports" / "pdf"
    broken.mkdir(parents=True)
    (broken / "summary.html").write_text("{% if %}", encoding="utf-8")
    original = settings.TEMPLATES
    settings.TEMPLATES = [{**original[0], "DIRS": [tmp_path, *original[0]["DIRS"]]}]
    generate(chair_client, summary)
    settings.TEMPLATES = original

    generate(chair_client, summary)

    assert sorted(CrpDocument.objects.values_list("state", flat=True)) == ["failed", "succeeded"]


def _queued(summary, revision) -> CrpDocument:
    return CrpDocument.objects.create(summary=summary, revision=revision, symbol=summary.symbol)


def test_a_live_lease_keeps_another_worker_out(summary, revision):
    document = _queued(summary, revision)
    lease = datetime.timedelta(minutes=3)
    assert claim(document, to=State.RUNNING, lease_for=lease, next_states=services.CRP_NEXT_STATES)

    services.crp_render(document_id=document.pk)

    document.refresh_from_db()
    assert document.is_running
    assert not document.file


def test_a_redelivered_task_takes_over_an_expired_lease_and_finishes(summary, revision):
    document = _queued(summary, revision)
    # The first worker claimed it and died: its lease ran out.
    assert claim(
        document, to=State.RUNNING, lease_for=datetime.timedelta(0), next_states=services.CRP_NEXT_STATES
    )

    services.crp_render(document_id=document.pk)

    document.refresh_from_db()
    assert document.is_succeeded
    assert document.attempts == 1
    assert AuditEvent.objects.filter(
        object_id=str(document.pk), from_state="running", to_state="running", note__contains="taken over"
    ).exists()


def test_a_worker_that_lost_its_lease_cannot_finish_over_the_one_that_took_over(summary, revision):
    document = _queued(summary, revision)
    claim(document, to=State.RUNNING, lease_for=datetime.timedelta(0), next_states=services.CRP_NEXT_STATES)
    first_lease = document.lease_until
    second = CrpDocument.objects.get(pk=document.pk)
    assert claim(
        second,
        to=State.RUNNING,
        lease_for=datetime.timedelta(minutes=3),
        next_states=services.CRP_NEXT_STATES,
    )

    with pytest.raises(TransitionNotAllowed):
        transition(
            document,
            to=State.FAILED,
            by=None,
            next_states=services.CRP_NEXT_STATES,
            where={"lease_until": first_lease},
            changes={"message": "late"},
        )

    second.refresh_from_db()
    assert second.is_running
    assert second.message == ""


def test_the_periodic_job_requeues_expired_and_forgotten_documents_and_they_complete(summary, revision):
    from django.core.management import call_command

    died = _queued(summary, revision)
    claim(died, to=State.RUNNING, lease_for=datetime.timedelta(0), next_states=services.CRP_NEXT_STATES)
    other = SummaryRevisionFactory(summary=summary, text=TEXT + "\n\nAnother.")
    forgotten = _queued(summary, other)  # asked while the broker was down
    CrpDocument.objects.filter(pk=forgotten.pk).update(
        requested_at=timezone.now() - datetime.timedelta(hours=1)
    )

    call_command("run_due_tasks", stdout=io.StringIO())

    assert set(CrpDocument.objects.values_list("state", flat=True)) == {"succeeded"}
    assert AuditEvent.objects.filter(object_id=str(died.pk), note__contains="queued again").exists()


def _forget_connections(app) -> None:
    # Celery keeps a pool of connections to the broker it first reached (even eager tasks
    # take a producer from it): let go of it, so that the next task reaches the broker
    # configured now. Not closed: a closed pool would be handed out again.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.skipif(
    bool(settings.CELERY_BROKER_URL),
    reason="with a broker configured Celery keeps its connection; tests/dialogue_portal/test_redis_outage.py "
    "stops a real Redis under the portal in the services pass",
)
def test_a_broker_that_is_down_leaves_the_document_queued_and_the_page_answers(
    generate, chair_client, summary, revision, caplog
):
    from dialogue_portal.celery import app

    previous = app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    _forget_connections(app)
    try:
        with caplog.at_level(logging.WARNING, logger="reports.services"):
            response = generate(chair_client, summary)
    finally:
        app.conf.broker_url = previous
        app.conf.task_always_eager = True
        _forget_connections(app)

    assert response.status_code == 200
    assert CrpDocument.objects.get().is_queued
    assert "the periodic job will" in caplog.text
    assert "The PDF is being made" in response.content.decode()


def test_the_status_url_answers_the_state_and_the_row(chair_client, summary, revision):
    document = _queued(summary, revision)

    answer = chair_client.get(
        reverse("reports:summary_document_status", args=[summary.dialogue_id, document.pk])
    )

    assert answer.json()["state"] == "queued"
    assert answer.json()["done"] is False
    assert "data-status-url" in answer.json()["row"]
    services.crp_render(document_id=document.pk)
    answer = chair_client.get(
        reverse("reports:summary_document_status", args=[summary.dialogue_id, document.pk])
    )
    assert answer.json()["done"] is True
    assert "data-status-url" not in answer.json()["row"]


@pytest.mark.parametrize("who", ["anonymous", "focal point", "another dialogue's Chair", "signed-in user"])
def test_documents_of_a_summary_are_404_to_anyone_but_its_chairs_and_the_secretariat(who, summary, revision):
    from tests.factories import DialogueChairFactory

    document = _queued(summary, revision)
    services.crp_render(document_id=document.pk)
    client = Client()
    if who == "focal point":
        client.force_login(FocalPointFactory().user)
    elif who == "another dialogue's Chair":
        client.force_login(DialogueChairFactory(user=UserFactory()).user)
    elif who == "signed-in user":
        client.force_login(UserFactory())
    pk = summary.dialogue_id
    for url in (
        reverse("reports:summary_document_status", args=[pk, document.pk]),
        reverse("reports:summary_document_pdf", args=[pk, document.pk]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("reports:summary_generate", args=[pk])).status_code in (302, 404)
    assert CrpDocument.objects.count() == 1


def test_an_empty_summary_offers_no_generate_and_refuses_it(generate, chair_client, summary):
    response = chair_client.get(reverse("reports:summary", args=[summary.dialogue_id]))
    assert "Generate PDF" not in response.content.decode()

    response = generate(chair_client, summary)

    assert "The summary is empty" in response.content.decode()
    assert not CrpDocument.objects.exists()
    assert ChairSummary.objects.get().state == "draft"


def test_a_render_that_never_finishes_is_given_up_with_a_message(summary, revision):
    from django.core.management import call_command

    document = _queued(summary, revision)
    claim(document, to=State.RUNNING, lease_for=datetime.timedelta(0), next_states=services.CRP_NEXT_STATES)
    CrpDocument.objects.filter(pk=document.pk).update(attempts=services.CRP_MAX_ATTEMPTS)

    call_command("run_due_tasks", stdout=io.StringIO())

    document.refresh_from_db()
    assert document.is_failed
    assert "stopped three times" in document.message


class RemoteStorage(Storage):
    """Storage as S3-compatible storage (django-storages) is: objects by name, no local path
    (``Storage.path`` raises NotImplementedError)."""

    objects: dict[str, bytes] = {}

    def _save(self, name, content):
        self.objects[name] = content.read()
        return name

    def _open(self, name, mode="rb"):
        return ContentFile(self.objects[name], name=name)

    def exists(self, name):
        return name in self.objects

    def delete(self, name):
        self.objects.pop(name, None)


def test_a_storage_without_local_paths_gets_the_file_whole_under_its_hash(summary, revision, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{RemoteStorage.__module__}.{RemoteStorage.__qualname__}"},
    }
    document = _queued(summary, revision)

    services.crp_render(document_id=document.pk)

    document.refresh_from_db()
    assert document.is_succeeded
    assert document.file.name == f"crp/{document.sha256}.pdf"
    with document.file.open("rb") as file:
        assert hashlib.sha256(file.read()).hexdigest() == document.sha256


def test_on_a_local_disk_no_temporary_file_is_left_beside_the_pdf(summary, revision):
    document = _queued(summary, revision)

    services.crp_render(document_id=document.pk)

    document.refresh_from_db()
    assert _files() == [f"{document.sha256}.pdf"]
    assert default_storage.listdir("crp/tmp")[1] == []


class FlakyStorage(RemoteStorage):
    """Storage that is away for the first write, as a remote store may be for a moment."""

    failures = 1

    def _save(self, name, content):
        if FlakyStorage.failures:
            FlakyStorage.failures -= 1
            raise ConnectionError("the storage did not answer")
        return super()._save(name, content)


def test_a_storage_away_for_a_moment_sends_the_render_back_to_the_queue_for_the_retry(
    summary, revision, settings
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{FlakyStorage.__module__}.{FlakyStorage.__qualname__}"},
    }
    FlakyStorage.failures = 1
    document = _queued(summary, revision)

    with pytest.raises(ConnectionError):
        services.crp_render(document_id=document.pk)

    document.refresh_from_db()
    assert document.is_queued
    assert document.lease_until is None
    # The task's retry claims it at once and finishes.
    services.crp_render(document_id=document.pk)
    document.refresh_from_db()
    assert document.is_succeeded
    assert document.attempts == 2
