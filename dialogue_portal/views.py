from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe
from django.views.i18n import set_language as django_set_language

from . import dashboard, history
from .accounts import account_language_set
from .cache import TolerantRedisCache, cache_is_reachable
from .celery import app as celery_app
from .roles import is_secretariat, secretariat_required

AUDIT_EVENTS_ON_DASHBOARD = 10


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:  # any failure to reach the broker means "not ok", whatever raised it
        return False


def _cache_is_shared() -> bool:
    # A local-memory cache lives in the process: there is nothing to be down.
    return isinstance(caches["default"], TolerantRedisCache)


@never_cache
@require_GET
def healthz(request):
    """For the containers' healthchecks and the operators: each part, and which is down.

    The database always; the cache when it is Redis (without it sign-in answers 503);
    the broker when one is configured (without it tasks wait).
    """
    checks = {"database": "ok" if _database_ok() else "unreachable"}
    if _cache_is_shared():
        checks["cache"] = "ok" if cache_is_reachable() else "unreachable"
    if settings.CELERY_BROKER_URL:
        checks["broker"] = "ok" if _broker_ok() else "unreachable"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


def set_language(request):
    """Django's language switch; for a signed-in user the choice is also stored on the
    account, so that the portal's e-mails to them are written in it too."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        account_language_set(user=request.user, language=language)
    return response


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links: send them to the static one
    (its hashed name in production, looked up when asked, not when the URLs load)."""
    return HttpResponsePermanentRedirect(static("favicon.ico"))


@login_required
@require_safe
def landing(request):
    """Where sign-in leads (``LOGIN_REDIRECT_URL``): the secretariat to its dashboard, others to
    the first page an app registered for them (a Chair to their dialogues, a focal point
    to their organisations), anyone else to the home page."""
    if is_secretariat(request.user):
        return redirect("staff_dashboard")
    return redirect(dashboard.landing_viewname(request.user) or "home")


@secretariat_required
@require_safe
def staff_dashboard(request):
    """The secretariat's dashboard: what waits, by count, each linking to its queue; the
    panels the apps registered (the next dialogues); the last audit events."""
    today = timezone.localdate()
    return render(
        request,
        "staff/dashboard.html",
        {
            "waiting": dashboard.waiting(today=today),
            "panels": dashboard.panels(dashboard.SECRETARIAT, today=today),
            "audit_events": history.latest(limit=AUDIT_EVENTS_ON_DASHBOARD),
        },
    )
