"""Helpers of the state-change tests: which moves a page offers, which the service allows.

The two are computed independently: the page's buttons and links as a visitor sees them,
and each service tried in a transaction that is rolled back whatever happens, so that
comparing them tests that a page never offers what the service would refuse, nor hides
what it would allow.
"""

from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import transaction


class _RollBack(Exception):
    pass


def service_allows(call: Callable[[], object]) -> bool:
    """Whether the service call goes through; whatever it did is rolled back."""
    try:
        with transaction.atomic():
            call()
            raise _RollBack
    except _RollBack:
        return True
    except ValidationError:
        return False


def allowed_moves(calls: dict[str, Callable[[], object]]) -> set[str]:
    return {slug for slug, call in calls.items() if service_allows(call)}


def offered_on_page(page: str, urls: dict[str, str]) -> set[str]:
    """The moves whose URL the page posts a form to, or links to (a confirmation page)."""
    return {slug for slug, url in urls.items() if f'action="{url}"' in page or f'href="{url}"' in page}


def urls_for(slugs: Iterable[str], url: Callable[[str], str]) -> dict[str, str]:
    return {slug: url(slug) for slug in slugs}
