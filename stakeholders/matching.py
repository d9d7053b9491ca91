"""How two registrations are recognised as one organisation.

Names match after folding case, accents, punctuation and spaces; websites match on
their registered domain, except on shared hosts (social media, blog platforms), where
many organisations live side by side and the domain says nothing about who owns it.
"""

import ipaddress
import re
import unicodedata
from functools import cache
from urllib.parse import urlsplit

from django.conf import settings


def fold_name(name: str) -> str:
    """ "Fundación  Ñandú" → "fundacion nandu"."""
    decomposed = unicodedata.normalize("NFKD", name)
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = re.sub(r"[\W_]+", " ", without_marks.casefold())
    return " ".join(words.split())


@cache
def _suffix_list():
    from publicsuffixlist import PublicSuffixList

    # The ICANN section only: a blog at ngo.blogspot.com then has the domain
    # blogspot.com, which is a shared host and never matches.
    return PublicSuffixList(only_icann=True)


def registered_domain(url: str) -> str:
    """ "https://www.example.org/about" → "example.org"; "" for none or a shared host."""
    if not url:
        return ""
    host = (urlsplit(url if "://" in url else f"//{url}").hostname or "").rstrip(".").lower()
    if not host:
        return ""
    try:
        # "fundación.example" and its encoded form "xn--fundacin-…" are one domain.
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return ""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        domain = _suffix_list().privatesuffix(host) or host
    else:
        domain = host
    return "" if domain in settings.SHARED_WEB_HOSTS else domain
