"""The account: the language the portal writes to it in; the sign-in lockout, and how
the secretariat ends it early.

allauth counts failed sign-ins in the cache (``ACCOUNT_RATE_LIMITS["login_failed"]`` in
settings): per client address, and per account, keyed on what was typed as the login.
Anyone who knows an address can use up its five tries, so the secretariat can clear an
account's count at once instead of telling its owner to wait for the window to pass.
"""

import logging
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core import ratelimit
from django.conf import settings
from django.utils import translation

from .mail import subject_prefix
from .models import Profile

logger = logging.getLogger(__name__)


def _site_hosts(request) -> set[str]:
    """The hosts a sign-in may have named: allauth keys the account's count on the host
    of the sign-in request (``django.contrib.sites`` is not installed)."""
    hosts = {request.get_host(), urlsplit(settings.SITE_URL).netloc}
    hosts.update(host for host in settings.ALLOWED_HOSTS if not host.startswith((".", "*")))
    return hosts


def sign_in_lockout_clear(*, user, request) -> None:
    """Forget the failed sign-ins and second-factor codes counted against ``user``.

    Side effects: deletes the per-account counters of allauth's ``login_failed`` limit
    for each of the user's e-mail addresses, and of the second-factor form (allauth's
    clear also forgets the failures counted against the clearing user's own client
    address); logs who cleared it.
    """
    addresses = {user.email.lower()} if user.email else set()
    addresses.update(
        address.lower() for address in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    )
    # The keys as allauth builds them: DefaultAccountAdapter._get_login_attempts_cache_key
    # ("<host>:<login>") for the password, allauth.mfa's check_rate_limit for the codes.
    keys = {f"{host}:{address}" for host in _site_hosts(request) for address in addresses}
    keys.add(f"mfa-auth-user-{user.pk}")
    for key in keys:
        ratelimit.clear(request, action="login_failed", key=key)
    logger.info("Sign-in lockout of user %s cleared by user %s.", user.pk, request.user.pk)


def offered_language(code: str | None) -> str:
    """``code`` as one of ``LANGUAGES`` ("zh-hans" for "zh-Hans", "fr" for "fr-ca"), or
    the portal's default when the portal does not offer it."""
    try:
        return translation.get_supported_language_variant(code or "")
    except LookupError:
        return settings.LANGUAGE_CODE


def account_language_set(*, user, language: str) -> None:
    """Store ``language`` as the one the portal's e-mails to ``user`` are written in.

    Side effects: creates or updates the user's ``Profile``. Not a lifecycle: the last
    choice wins.
    """
    Profile.objects.update_or_create(user=user, defaults={"language": offered_language(language)})


class PortalAccountAdapter(DefaultAccountAdapter):
    """allauth's messages (address confirmation, password reset) start their subject as the
    portal's own do, with the portal's name in the reader's language."""

    def format_email_subject(self, subject: str) -> str:
        return f"{subject_prefix()}{subject}"
