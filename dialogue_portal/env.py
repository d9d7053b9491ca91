"""Strict reading of the environment.

django-environ parses URLs and lists well but forgives too much: ``env.bool`` reads
"maybe" as False and an unknown URL scheme slips through. A deployment with a typo
should stop at start-up naming the variable, not run with a silently different
configuration, so every read here validates before it returns.
"""

import os
import re
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}

DATABASE_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql", "psql"}
CACHE_SCHEMES = {"redis", "rediss", "locmemcache", "dummycache"}
BROKER_SCHEMES = {"redis", "rediss"}
EMAIL_SCHEMES = {
    "smtp",
    "smtps",
    "smtp+tls",
    "smtp+ssl",
    "consolemail",
    "filemail",
    "memorymail",
    "dummymail",
}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def _redacted(value: str) -> str:
    """The value without a password, so the start-up error never prints one to the logs."""
    return re.sub(r"(://[^:/@\s]*:)[^@/\s]+@", r"\1***@", value)


def _refuse(name: str, value: str, expected: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{name}={_redacted(value)!r} is not valid: expected {expected}.")


def read_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise _refuse(name, value, "one of 1, 0, true, false, yes, no, on, off")


def read_str(name: str, default: str | None = None) -> str | None:
    value = _raw(name)
    return default if value is None else value


def read_count(name: str, default: int) -> int:
    """A whole number, zero or more, written in plain digits."""
    value = _raw(name)
    if value is None:
        return default
    # int() alone would take "+1", " 1_0" or "١" (Arabic-Indic one): digits only.
    if not re.fullmatch(r"[0-9]+", value):
        raise _refuse(name, value, "a whole number, 0 or more")
    return int(value)


def read_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise _refuse(name, value, "a comma-separated list without empty items")
    return items


def _split(name: str, value: str) -> SplitResult:
    # urlsplit raises ValueError on a malformed IPv6 host at once, and on a malformed
    # port only when asked: ask now, so that either stops start-up naming the variable
    # instead of failing later as a connection error.
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018
    except ValueError as exc:
        raise _refuse(name, value, f"a well-formed URL ({exc})") from exc
    return parts


def _scheme(name: str, value: str, allowed: set[str]) -> str:
    scheme = _split(name, value).scheme.lower()
    if scheme not in allowed:
        raise _refuse(name, value, "a URL whose scheme is one of " + ", ".join(sorted(allowed)))
    return scheme


def read_site_url(name: str, default: str) -> str:
    value = _raw(name) or default
    parts = _split(name, value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise _refuse(name, value, "an http:// or https:// address such as https://dialogues.example.org")
    return value.rstrip("/")


def read_database(name: str, default: str) -> dict:
    value = _raw(name) or default
    _scheme(name, value, DATABASE_SCHEMES)
    try:
        config = environ.Env.db_url_config(value)
    except Exception as exc:  # django-environ raises several types for a malformed URL
        raise _refuse(name, value, f"a database URL ({exc})") from exc
    if config["ENGINE"] == "django.db.backends.postgresql" and not config.get("NAME"):
        raise _refuse(name, value, "a PostgreSQL URL naming the database")
    # Each web worker keeps its connection for a minute (``?conn_max_age=`` in the URL sets
    # another): opening one per request cost a PostgreSQL backend's start and a cold
    # catalog cache on every page, more than the public list itself takes once cached.
    config.setdefault("CONN_MAX_AGE", 60)
    config["CONN_HEALTH_CHECKS"] = True
    return config


def read_cache(name: str) -> dict:
    value = _raw(name)
    if value is None:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    # Django's Redis cache takes several servers separated by "," or ";".
    scheme, *_others = [_scheme(name, server, CACHE_SCHEMES) for server in re.split("[;,]", value)]
    if scheme.startswith("redis"):
        # Django's own Redis backend, made to answer a miss while Redis is down
        # (dialogue_portal.cache). Short socket timeouts: an unreachable host must cost a
        # page a second, not the kernel's minutes. Options in the URL's query win.
        return {
            "BACKEND": "dialogue_portal.cache.TolerantRedisCache",
            "LOCATION": value,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    return environ.Env.cache_url_config(value)


def read_broker(name: str) -> str | None:
    value = _raw(name)
    if value is not None:
        # Celery takes fail-over brokers separated by ";".
        for broker in value.split(";"):
            _scheme(name, broker, BROKER_SCHEMES)
    return value


def read_email(name: str) -> dict:
    value = _raw(name) or "consolemail://"
    _scheme(name, value, EMAIL_SCHEMES)
    try:
        return environ.Env.email_url_config(value)
    except Exception as exc:  # as for databases: several types for a malformed URL
        raise _refuse(name, value, f"an e-mail URL ({exc})") from exc


def read_path(name: str, default: Path | None) -> Path | None:
    value = _raw(name)
    if value is None:
        return default
    path = Path(value)
    if not path.is_absolute():
        raise _refuse(name, value, "an absolute path")
    return path
