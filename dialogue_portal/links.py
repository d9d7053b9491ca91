"""Absolute addresses of the portal's pages, for e-mails, feeds, calendars and documents."""

from django.conf import settings
from django.urls import reverse


def absolute_url(path: str) -> str:
    """``path`` (starting with a slash) at the portal's public address, ``DJANGO_SITE_URL``."""
    return settings.SITE_URL + path


def absolute_reverse(viewname: str, *, args=None, kwargs=None) -> str:
    """``reverse`` at the portal's public address: what a reader outside a request follows."""
    return absolute_url(reverse(viewname, args=args, kwargs=kwargs))
