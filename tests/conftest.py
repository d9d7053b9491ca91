import os

import pytest
from django.core.cache import cache
from django.utils import translation

from tests.factories import PASSWORD, SecretariatFactory, UserFactory

# Playwright's sync API runs an event loop in the test's thread; Django would then
# refuse its synchronous ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fast_and_clean(settings, tmp_path):
    # allauth's rate-limit counters live in the cache: each test starts with none.
    cache.clear()
    # A test that chose another language through a page leaves it active in this thread.
    translation.activate(settings.LANGUAGE_CODE)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Uploads and generated files of a test land in its own folder, never in the tree.
    settings.MEDIA_ROOT = tmp_path / "media"
    # The queued e-mail is delivered to Django's test outbox (pytest-django points
    # EMAIL_BACKEND there already, which Django's own mail then reaches directly).
    settings.POST_OFFICE = {
        **settings.POST_OFFICE,
        "BACKENDS": {"default": "django.core.mail.backends.locmem.EmailBackend"},
    }
    yield
    cache.clear()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def secretariat(db):
    return SecretariatFactory()


@pytest.fixture
def secretariat_client(client, secretariat):
    client.force_login(secretariat)
    return client


# --- Real services --------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _tasks_in_process(request):
    """Tasks (the e-mails above all) run in the test's process on both CI passes, so the
    outbox shows them; only tests with the ``celery_worker`` fixture send them through
    the broker, to a real worker. Without a worker they would wait in the queue unseen."""
    if "celery_worker" in request.fixturenames:
        yield
        return
    from dialogue_portal.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker, in a thread, consuming the configured broker's queues.

    Only with CELERY_BROKER_URL set: the embedded default has no broker and runs every
    task eagerly. celery.contrib.pytest's own fixtures would bring an in-memory broker
    and a test app; this one uses the portal's app exactly as configured.
    """
    from django.conf import settings

    if not settings.CELERY_BROKER_URL:
        pytest.skip("no CELERY_BROKER_URL: tasks run eagerly on the embedded default")
    from celery.contrib.testing.worker import start_worker

    from dialogue_portal.celery import app

    app.loader.import_default_modules()
    with start_worker(
        app,
        pool="threads",
        concurrency=2,
        perform_ping_check=False,
        queues=[settings.CELERY_TASK_DEFAULT_QUEUE, "pdf"],
        shutdown_timeout=30,
    ) as worker:
        yield worker


# --- Browser --------------------------------------------------------------------------

BROWSER_REQUIRED = os.environ.get("REQUIRE_BROWSER") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under REQUIRE_BROWSER=1 a skipped browser test is a failure, not a skip."""
    outcome = yield
    report = outcome.get_result()
    if BROWSER_REQUIRED and report.skipped and item.get_closest_marker("browser"):
        report.outcome = "failed"
        report.longrepr = f"browser test skipped under REQUIRE_BROWSER=1: {report.longrepr}"
