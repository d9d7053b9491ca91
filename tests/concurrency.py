"""Two (or more) users acting at the same moment, each on their own database connection.

Race tests run on PostgreSQL only: SQLite has one writer at a time, so nothing there
races. Each contender reads what it will act on first (as a page does when the form is
posted), then all wait at one barrier and act together.
"""

import threading
import time
from collections.abc import Callable, Sequence

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection

on_postgresql = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="row locks and concurrent transactions need PostgreSQL",
)


def stagger(round_: int, *, steps: int = 6) -> tuple[float, float]:
    """Delays for two contenders in a round: none, then up to 5 ms for one or the other in
    turn, so that over the rounds each gets ahead and each order of the two happens."""
    delay = (round_ // 2 % steps) / 1000
    return (delay, 0.0) if round_ % 2 else (0.0, delay)


def run_at_once(*contenders: Callable[[], Callable[[], object]], delays: Sequence[float] = ()) -> list:
    """Call each contender in its own thread to read, then run what it returns, all
    released at one barrier (each after its delay in ``delays``, if any). Returns each
    one's result, or the ValidationError it was refused with; any other error fails the test."""
    barrier = threading.Barrier(len(contenders))
    results: list = [None] * len(contenders)
    crashes: list = []

    def run(index: int, contender: Callable) -> None:
        try:
            act = contender()
            barrier.wait(timeout=10)
            if index < len(delays) and delays[index]:
                time.sleep(delays[index])
            results[index] = act()
        except ValidationError as refusal:
            results[index] = refusal
        except Exception as error:  # handed back to the test's thread
            crashes.append(error)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(contenders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    if crashes:
        raise crashes[0]
    return results


def refused(result: object) -> bool:
    return isinstance(result, ValidationError)
