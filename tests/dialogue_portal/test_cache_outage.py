"""The cache (Redis) down: pages that do not need it keep working, sign-in says to come
back in a minute, /healthz says the cache is down; once it is back, sign-in works.

A redis-server of the test's own, on its own port, is the cache; the test stops and
starts it. The shared Redis of the machine (6379) is never touched. Runs on both CI
passes wherever redis-server is installed.
"""

import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from dialogue_portal import env
from dialogue_portal.cache import cache_is_reachable
from tests.factories import FocalPointFactory, WrittenCommentFactory

PORT = 6395
UNAVAILABLE = "The sign-in service is briefly unavailable; try again in a minute."


class OwnRedis:
    """A redis-server on PORT, without persistence, started and stopped by the test."""

    def __init__(self):
        self.process = None

    def start(self):
        if self._answers():
            pytest.fail(f"port {PORT} is taken: the test needs a redis-server of its own there")
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(PORT), "--save", "", "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self.process.poll() is None:
            if self._answers():
                return
            time.sleep(0.05)
        self.stop()
        pytest.fail(f"redis-server did not start on port {PORT}")

    @staticmethod
    def _answers() -> bool:
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=0.2).close()
        except OSError:
            return False
        return True

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def own_redis(settings, monkeypatch):
    """The default cache on a redis-server of the test's own, configured as CACHE_URL is."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = OwnRedis()
    server.start()
    monkeypatch.setenv("OUTAGE_TEST_CACHE_URL", f"redis://127.0.0.1:{PORT}/0")
    # Django resets django.core.cache.caches when CACHES changes.
    settings.CACHES = {"default": env.read_cache("OUTAGE_TEST_CACHE_URL")}
    # Also ends the pause a previous test's outage left (see dialogue_portal.cache).
    assert cache_is_reachable()
    yield server
    server.stop()


def _page(response) -> str:
    return response.content.decode()


def _login(client, user, password):
    return client.post(reverse("account_login"), {"login": user.email, "password": password})


def test_cache_down_public_pages_still_answer(client, db, own_redis):
    comment = WrittenCommentFactory(state="published", title="Data on illicit firearms flows")
    dialogue = comment.dialogue
    own_redis.stop()

    for url in (reverse("home"), reverse("dialogue_detail", args=[dialogue.pk]), reverse("submissions:list")):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "Data on illicit firearms flows" in _page(client.get(reverse("submissions:list")))


def test_cache_down_signed_in_user_keeps_working(client, db, own_redis):
    focal_point = FocalPointFactory(organisation__name="Red de Víctimas")
    client.force_login(focal_point.user)
    own_redis.stop()

    # Sessions live in the database: the focal point is still signed in.
    response = client.get(reverse("stakeholders:mine"))
    assert response.status_code == 200
    assert "Red de Víctimas" in _page(response)


@pytest.mark.parametrize("url_name", ["account_login", "account_signup", "account_reset_password"])
def test_cache_down_sign_in_pages_answer_503_asking_to_retry(client, db, own_redis, url_name):
    own_redis.stop()

    for response in (client.get(reverse(url_name)), client.post(reverse(url_name), {"login": "a@b.example"})):
        assert response.status_code == 503
        assert response["Retry-After"] == "60"
        page = _page(response)
        assert UNAVAILABLE in page
        # In the portal's layout, with its navigation.
        assert 'class="site-header"' in page


def test_cache_down_password_is_never_tried(client, user, password, own_redis):
    own_redis.stop()

    response = _login(client, user, password)
    assert response.status_code == 503
    assert "_auth_user_id" not in client.session


def test_cache_down_healthz_names_the_cache(client, db, own_redis):
    assert client.get("/healthz").json()["cache"] == "ok"
    own_redis.stop()

    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "ok"
    assert body["cache"] == "unreachable"


def test_cache_back_sign_in_works_again(client, user, password, own_redis):
    own_redis.stop()
    assert _login(client, user, password).status_code == 503
    own_redis.start()

    assert client.get("/healthz").json()["cache"] == "ok"
    response = _login(client, user, password)
    assert response.status_code == 302
    assert response["Location"] == reverse("landing")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_cache_back_rate_limits_count_again(client, user, own_redis):
    own_redis.stop()
    assert _login(client, user, "wrong-password").status_code == 503
    own_redis.start()

    for _ in range(5):
        _login(client, user, "wrong-password")
    assert "Too many failed login attempts" in _page(_login(client, user, "wrong-password"))


def test_cache_down_every_call_is_a_miss(db, own_redis):
    cache.set("fragment", "cached html", 60)
    assert cache.get("fragment") == "cached html"
    own_redis.stop()

    assert cache.get("fragment") is None
    assert cache.get("fragment", "default") == "default"
    assert cache.get_many(["fragment", "other"]) == {}
    assert cache.has_key("fragment") is False
    assert cache.set("fragment", "new html", 60) is False
    assert cache.add("new", "value", 60) is False
    assert cache.touch("fragment", 60) is False
    assert cache.delete("fragment") is False
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    cache.delete_many(["a", "b"])
    assert cache.get_or_set("computed", lambda: "fresh", 60) == "fresh"
    with pytest.raises(ValueError, match="Key not found"):
        cache.incr("counter")
    with pytest.raises(ValueError, match="Key not found"):
        cache.decr("counter")
    assert cache.clear() is False


def test_cache_down_many_calls_cost_little(db, own_redis):
    # After the first failure the cache answers misses without trying Redis for a while:
    # a page with many cached fragments must not wait once per fragment.
    own_redis.stop()
    started = time.monotonic()
    for number in range(200):
        cache.get(f"fragment-{number}")
    assert time.monotonic() - started < 1


def test_cache_down_sign_up_creates_no_account(client, db, own_redis, password):
    own_redis.stop()
    client.post(
        reverse("account_signup"),
        {"email": "amina@ngo.example.org", "password1": password, "password2": password},
    )
    assert not get_user_model().objects.filter(email="amina@ngo.example.org").exists()


def test_cache_back_deletion_tried_at_once(db, own_redis):
    # Reads and stores skip Redis for a few seconds after a failure; a deletion never
    # does, or content meant to leave the cache could stay in a Redis that is back.
    own_redis.stop()
    assert cache.get("fragment") is None  # the failure: reads pause
    own_redis.start()
    server = redis.Redis(port=PORT)
    server.set(cache.make_key("fragment"), b"stale")

    cache.delete("fragment")
    assert server.exists(cache.make_key("fragment")) == 0
    server.close()
