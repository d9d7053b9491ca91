"""Start-up configuration: every knob is read strictly, and the embedded default works.

Each case starts a fresh ``manage.py`` process: settings are read once, at import, so a
bad value can only be seen by a process that starts with it.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PORTAL_VARIABLES = ("DATABASE_URL", "CACHE_URL", "CELERY_BROKER_URL", "EMAIL_URL", "MEDIA_ROOT")


def clean_environ(**values: str) -> dict[str, str]:
    """The current environment without any of the portal's knobs, plus ``values``."""
    environ = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("DJANGO_") and name not in PORTAL_VARIABLES
    }
    environ.update(values)
    return environ


def manage(*args: str, **values: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=clean_environ(**values),
        capture_output=True,
        text=True,
        timeout=60,
    )


PRINT_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "database": {
        key: settings.DATABASES["default"].get(key)
        for key in ("ENGINE", "NAME", "HOST", "PORT", "USER")
    },
    "cache": settings.CACHES["default"]["BACKEND"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "email": settings.POST_OFFICE["BACKENDS"]["default"],
    "queue": settings.EMAIL_BACKEND,
    "debug": settings.DEBUG,
    "media_root": str(settings.MEDIA_ROOT),
    "trusted_proxies": settings.ALLAUTH_TRUSTED_PROXY_COUNT,
    "session_engine": settings.SESSION_ENGINE,
    "cache_options": settings.CACHES["default"].get("OPTIONS", {}),
}))
"""


def settings_in_fresh_process(**values: str) -> dict:
    result = manage("shell", "--no-imports", "-c", PRINT_SETTINGS, **values)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DJANGO_DEBUG", "maybe"),
        ("DATABASE_URL", "foo://x"),
        ("DATABASE_URL", "postgres://postgres@127.0.0.1:5432"),
        ("DATABASE_URL", "postgres://postgres@127.0.0.1:notaport/dialogue_portal"),
        ("CACHE_URL", "memcache://127.0.0.1:11211"),
        ("CACHE_URL", "redis://127.0.0.1:notaport/0"),
        ("CACHE_URL", "redis://[::1:6379/0"),
        ("CACHE_URL", "redis://127.0.0.1:6379/0,redis://127.0.0.2:notaport/0"),
        ("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0;amqp://127.0.0.2//"),
        ("CELERY_BROKER_URL", "amqp://guest@127.0.0.1//"),
        ("EMAIL_URL", "bogus://x"),
        ("EMAIL_URL", "smtp://user:secret@mail.example.org:notaport"),
        ("DJANGO_SITE_URL", "not-a-url"),
        ("DJANGO_SITE_URL", "https://dialogues.example.org:notaport"),
        ("DJANGO_REQUIRE_MFA", "perhaps"),
        ("DJANGO_DEMO_ACCOUNTS", "2"),
        ("DJANGO_ALLOWED_HOSTS", "dialogues.example.org,,localhost"),
        ("MEDIA_ROOT", "media"),
        ("DJANGO_TRUSTED_PROXY_COUNT", "-1"),
        ("DJANGO_TRUSTED_PROXY_COUNT", "one"),
        ("DJANGO_TRUSTED_PROXY_COUNT", "1.5"),
        ("DJANGO_TRUSTED_PROXY_COUNT", "+1"),
    ],
)
def test_startup_bad_value_refused_naming_variable(name, value):
    result = manage("check", **{name: value})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr


def test_startup_debug_off_without_secret_key_refused():
    result = manage("check", DJANGO_DEBUG="0")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_startup_nothing_set_runs_embedded_default():
    configured = settings_in_fresh_process()

    assert configured["database"]["ENGINE"] == "django.db.backends.sqlite3"
    assert configured["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert configured["eager"] is True
    assert configured["broker"] is None
    assert configured["email"] == "django.core.mail.backends.console.EmailBackend"
    assert configured["queue"] == "post_office.EmailBackend"
    assert configured["debug"] is True
    # X-Forwarded-For is anyone's to write: without the setting it is never read.
    assert configured["trusted_proxies"] == 0


def test_startup_nothing_set_passes_check():
    result = manage("check")

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_startup_postgres_url_parsed_to_postgresql_engine():
    configured = settings_in_fresh_process(
        DATABASE_URL="postgres://portal:secret@db.example.org:6543/dialogues"
    )

    assert configured["database"]["ENGINE"] == "django.db.backends.postgresql"
    assert configured["database"]["NAME"] == "dialogues"
    assert configured["database"]["HOST"] == "db.example.org"
    assert int(configured["database"]["PORT"]) == 6543
    assert configured["database"]["USER"] == "portal"


def test_startup_services_urls_select_shared_cache_and_real_workers():
    configured = settings_in_fresh_process(
        CACHE_URL="redis://127.0.0.1:6379/1", CELERY_BROKER_URL="redis://127.0.0.1:6379/0"
    )

    # Django's Redis cache, answering misses while Redis is down.
    assert configured["cache"] == "dialogue_portal.cache.TolerantRedisCache"
    assert configured["cache_options"] == {"socket_connect_timeout": 1, "socket_timeout": 2}
    assert configured["broker"] == "redis://127.0.0.1:6379/0"
    assert configured["eager"] is False
    # Sessions never in the cache: signed-in users keep working while it is down.
    assert configured["session_engine"] == "django.contrib.sessions.backends.db"


def test_startup_trusted_proxy_count_passed_to_allauth():
    assert settings_in_fresh_process(DJANGO_TRUSTED_PROXY_COUNT="1")["trusted_proxies"] == 1
    assert settings_in_fresh_process(DJANGO_TRUSTED_PROXY_COUNT="2")["trusted_proxies"] == 2


def test_startup_several_redis_servers_accepted():
    configured = settings_in_fresh_process(
        CACHE_URL="redis://127.0.0.1:6379/1,redis://127.0.0.2:6379/1",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0;redis://127.0.0.2:6379/0",
    )

    assert configured["cache"] == "dialogue_portal.cache.TolerantRedisCache"
    assert configured["broker"] == "redis://127.0.0.1:6379/0;redis://127.0.0.2:6379/0"


def test_startup_production_values_pass_deploy_check():
    result = manage(
        "check",
        "--deploy",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="dialogues.example.org",
        DJANGO_SITE_URL="https://dialogues.example.org",
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_languages_are_the_six_un_languages():
    codes = {code for code, _name in settings.LANGUAGES}

    assert {"ar", "zh-hans", "en", "fr", "ru", "es"} <= codes


def test_startup_bad_url_error_never_prints_the_password():
    result = manage("check", DATABASE_URL="postgres://portal:s3cret-pass@db:notaport/portal")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr
    assert "s3cret-pass" not in result.stderr
