"""The shared cache, which a Redis outage turns into a cache that always misses.

Pages cache what they can rebuild (fragments, filter options), so a cache that cannot
be reached must cost time, never an error: every operation of ``TolerantRedisCache``
that fails to reach Redis logs a warning and answers as if the key were missing. What
cannot work without the cache (the sign-in rate limits) asks ``cache_is_reachable``
first and refuses the request itself (``dialogue_portal.middleware``).

After a failure, reads and stores do not try Redis again for ``RETRY_AFTER`` seconds:
an unreachable host would otherwise cost every cache call of a page its connect
timeout. A successful ping (the sign-in pages, /healthz) ends that pause at once.
Deletions always try: a skipped store only costs a miss later, but a skipped deletion
could leave stale content in a Redis that answers again. (A deletion while Redis is
really down is lost all the same: content whose staleness matters is best keyed by
the version of what it shows, such as its last change.)
"""

import logging
import time
from functools import wraps

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
RETRY_AFTER = 5.0  # seconds

# When each Redis location may be tried again, shared by the threads of a process
# (Django gives each thread its own cache object).
_paused_until: dict[tuple[str, ...], float] = {}


class _Unreachable(Exception):
    """Raised inside the backend while Redis is paused; never leaves it."""


def _tolerant(miss, *, during_pause: bool = False):
    """Run the operation; if Redis cannot be reached, log it and return ``miss(*args)``.

    While paused, the operation is not tried unless ``during_pause``.
    """

    def decorate(method):
        @wraps(method)
        def wrapped(self, *args, **kwargs):
            try:
                if not during_pause and self._paused():
                    raise _Unreachable
                return method(self, *args, **kwargs)
            except _Unreachable:
                return miss(*args, **kwargs)
            except UNREACHABLE as exc:
                self._pause(exc)
                return miss(*args, **kwargs)

        return wrapped

    return decorate


def _key_not_found(*args, **kwargs):
    # What incr() and decr() raise for a missing key, on every backend.
    raise ValueError("Key not found (the cache is unreachable).")


class TolerantRedisCache(RedisCache):
    """Django's Redis cache; while Redis is unreachable, every call is a miss.

    get → the default, get_many → {}, has_key → False, set/add/touch/delete → False,
    set_many → every key (not stored), incr/decr → ValueError as for a missing key,
    clear → False. Errors other than an unreachable server (a bad value, a full
    Redis) still raise: those are bugs or configuration to fix, not an outage.
    """

    def _location(self) -> tuple[str, ...]:
        return tuple(self._servers)

    def _paused(self) -> bool:
        until = _paused_until.get(self._location())
        return until is not None and time.monotonic() < until

    def _pause(self, exc: BaseException) -> None:
        already = self._paused()
        _paused_until[self._location()] = time.monotonic() + RETRY_AFTER
        if not already:
            logger.warning(
                "The cache (Redis) is unreachable; answering misses for %ss before trying again: %s",
                RETRY_AFTER,
                exc,
            )

    def ping(self) -> bool:
        """Whether Redis answers now, whatever the pause; a success ends the pause."""
        try:
            self._cache.get_client(write=True).ping()
        except UNREACHABLE as exc:
            self._pause(exc)
            return False
        _paused_until.pop(self._location(), None)
        return True

    @_tolerant(lambda key, default=None, version=None: default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @_tolerant(lambda keys, version=None: {})
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @_tolerant(lambda key, version=None: False)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    @_tolerant(lambda *args, **kwargs: False)
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # Django's set() returns None; say False when nothing was stored.
        super().set(key, value, timeout, version)
        return True

    @_tolerant(lambda *args, **kwargs: False)
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().add(key, value, timeout, version)

    @_tolerant(lambda *args, **kwargs: False)
    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, timeout, version)

    @_tolerant(lambda key, version=None: False, during_pause=True)
    def delete(self, key, version=None):
        return super().delete(key, version)

    @_tolerant(lambda data, *args, **kwargs: list(data))
    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set_many(data, timeout, version)

    @_tolerant(lambda *args, **kwargs: None, during_pause=True)
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version)

    @_tolerant(_key_not_found, during_pause=True)
    def incr(self, key, delta=1, version=None):
        return super().incr(key, delta, version)

    @_tolerant(lambda: False, during_pause=True)
    def clear(self):
        return super().clear()


def cache_is_reachable(alias: str = "default") -> bool:
    """Whether the cache can be used now. Only a Redis cache can be out of reach."""
    backend = caches[alias]
    ping = getattr(backend, "ping", None)
    return ping() if ping is not None else True
