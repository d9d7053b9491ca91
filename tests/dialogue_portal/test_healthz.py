import os

import pytest


def test_healthz_reports_database_ok(client, db, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert ("broker" in body) == bool(settings.CELERY_BROKER_URL)


def test_healthz_reports_unreachable_broker(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "broker": "unreachable"}


@pytest.mark.skipif(
    not os.environ.get("CELERY_BROKER_URL"), reason="the services pass checks the real broker"
)
def test_healthz_reaches_real_broker(client, db, settings):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert client.get("/healthz").json()["broker"] == "ok"
