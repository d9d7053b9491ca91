import os

import pytest
from django.conf import settings

from dialogue_portal.celery import app, ping

needs_broker = pytest.mark.skipif(
    not os.environ.get("CELERY_BROKER_URL"), reason="the services pass runs this with a real broker"
)


def test_celery_runs_eagerly_only_without_a_broker():
    # As configured from the settings (the test fixtures may switch the app itself).
    assert settings.CELERY_TASK_ALWAYS_EAGER is (settings.CELERY_BROKER_URL is None)
    result = ping.delay()  # run in this process: the result is there at once
    assert (result.successful(), result.result) == (True, "pong")


@needs_broker
@pytest.mark.django_db(transaction=True)
def test_celery_ping_travels_through_redis_to_worker(celery_worker):
    assert app.conf.broker_url.startswith("redis://")
    assert app.conf.task_always_eager is False
    result = ping.delay()
    assert result.get(timeout=30) == "pong"
    assert result.status == "SUCCESS"
