import os

import pytest


def test_healthz_reports_database_ok(client, db, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert ("broker" in body) == bool(settings.CELERY_BROKER_URL)
    # A local-memory cache cannot be down; Redis can.
    assert ("cache" in body) == settings.CACHES["default"]["BACKEND"].endswith("RedisCache")


def test_healthz_reports_unreachable_broker(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "ok"
    assert body["broker"] == "unreachable"
    # Only the broker is named as down.
    assert [part for part, state in body.items() if state == "unreachable"] == ["broker"]


def test_healthz_reports_unreachable_cache(client, db, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "dialogue_portal.cache.TolerantRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["cache"] == "unreachable"
    assert body["database"] == "ok"
    assert [part for part, state in body.items() if state == "unreachable"] == ["cache"]


@pytest.mark.skipif(
    not os.environ.get("CELERY_BROKER_URL"), reason="the services pass checks the real broker"
)
def test_healthz_reaches_real_broker(client, db, settings):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert client.get("/healthz").json()["broker"] == "ok"


@pytest.mark.skipif(not os.environ.get("CACHE_URL"), reason="the services pass checks the real cache")
def test_healthz_reaches_real_cache(client, db):
    assert client.get("/healthz").json()["cache"] == "ok"
