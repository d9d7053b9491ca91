from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse

from .cache import cache_is_reachable
from .roles import needs_second_factor

# Every allauth page whose rate limits (or, for the second factor, its record of used
# codes) live in the cache. Without the cache allauth would answer 429 "too many
# requests" to everyone, or let a limit silently lapse.
SIGN_IN_URL_NAMES = frozenset(
    {
        "account_login",
        "account_signup",
        "account_confirm_login_code",
        "account_reauthenticate",
        "account_request_reauthentication_code",
        "account_confirm_reauthentication_code",
        "account_reset_password",
        "account_reset_password_from_key",
        "account_change_password",
        "account_set_password",
        "account_email",
        "mfa_authenticate",
        "mfa_reauthenticate",
        "mfa_activate_totp",
    }
)
RETRY_AFTER_SECONDS = 60


class SignInNeedsCacheMiddleware:
    """Sign-in, sign-up and the other rate-limited account pages answer 503 while the
    cache is unreachable, with a page asking to try again in a minute.

    The rest of the portal goes on without the cache (``dialogue_portal.cache``); these
    pages cannot, as their limits against password guessing are counted there.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.url_name not in SIGN_IN_URL_NAMES or cache_is_reachable():
            return None
        response = render(request, "sign_in_unavailable.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


class RequireSecondFactorMiddleware:
    """Sends staff (the secretariat among them) and Chairs without a TOTP authenticator to set one up.

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
            # Secretariat users are staff; so is anyone else the admin lets in, whose
            # permissions may be as wide, in or out of the Secretariat group; and the
            # dialogues' Chairs (registered by ``sessions``).
            and needs_second_factor(request.user)
            and not is_mfa_enabled(request.user, ["totp"])
        ):
            return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
        return self.get_response(request)
