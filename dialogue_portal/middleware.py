from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from sessions.permissions import user_is_chair

from .roles import is_secretariat


class RequireSecondFactorMiddleware:
    """Sends secretariat users and Chairs without a TOTP authenticator to set one up.

    allauth asks for the second factor at login once a user has one; this closes the
    gap before that, while ``DJANGO_REQUIRE_MFA`` is on. The account pages themselves
    (where the authenticator is set up, and logout) stay reachable.
    """

    EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.REQUIRE_MFA
            and request.user.is_authenticated
            and not request.path.startswith(self.EXEMPT_PREFIXES)
            and (is_secretariat(request.user) or user_is_chair(request.user))
            and not is_mfa_enabled(request.user, ["totp"])
        ):
            return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
        return self.get_response(request)
