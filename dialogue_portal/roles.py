"""Who is the secretariat.

The secretariat are staff users in the "Secretariat" group. The group is kept in step
with the portal's models after every migrate: it may manage everything of the portal's
own apps, read (never write) the audit log, and the few account permissions below.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q
from django.http import Http404

SECRETARIAT_GROUP = "Secretariat"
PORTAL_APP_LABELS = (
    "dialogue_portal",
    "stakeholders",
    "dialogue_sessions",
    "submissions",
    "reports",
)
READ_ONLY_MODELS = {("dialogue_portal", "auditevent")}
# Beyond the portal's apps: read users and e-mail addresses (to give a Chair their
# drafting account), and remove a lost authenticator so its owner can set up a new one.
# Never change users: that would let a secretariat user raise their own privileges.
EXTRA_PERMISSIONS = [
    ("auth", "view_user"),
    ("account", "view_emailaddress"),
    ("mfa", "view_authenticator"),
    ("mfa", "delete_authenticator"),
]


def is_secretariat(user: AbstractBaseUser | AnonymousUser) -> bool:
    """A staff user in the Secretariat group (or a superuser): staff alone is not enough."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    # Kept on the user object: the middleware and the page may both ask in one request.
    if not hasattr(user, "_is_secretariat"):
        user._is_secretariat = user.groups.filter(name=SECRETARIAT_GROUP).exists()
    return user._is_secretariat


def secretariat_emails() -> list[str]:
    """The addresses the portal writes to when the secretariat acts next."""
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name=SECRETARIAT_GROUP)
        .values_list("email", flat=True)
    )


def can_reach_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether the Django admin lets the user in (active staff), or the user is a superuser.

    Any such account can change what others see, whatever its groups: it needs a
    second factor as the secretariat does.
    """
    return bool(user.is_authenticated and user.is_active and (user.is_staff or user.is_superuser))


# Roles that need a second factor as staff do, told by the apps that know them (the
# dialogue's Chairs by ``sessions``): this package imports no app.
_second_factor_roles: list[Callable[[AbstractBaseUser | AnonymousUser], bool]] = []


def register_second_factor_role(check: Callable[[AbstractBaseUser | AnonymousUser], bool]) -> None:
    """An app's predicate for users who must sign in with a second factor (AppConfig.ready)."""
    if check not in _second_factor_roles:
        _second_factor_roles.append(check)


def needs_second_factor(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Staff (the secretariat among them), superusers, and every role an app registered."""
    return can_reach_admin(user) or any(check(user) for check in _second_factor_roles)


def secretariat_permissions():
    from django.contrib.auth.models import Permission

    permissions = Permission.objects.filter(content_type__app_label__in=PORTAL_APP_LABELS)
    for app_label, model in READ_ONLY_MODELS:
        permissions = permissions.exclude(
            content_type__app_label=app_label,
            content_type__model=model,
            codename__regex=r"^(add|change|delete)_",
        )
    extra = Q()
    for app_label, codename in EXTRA_PERMISSIONS:
        extra |= Q(content_type__app_label=app_label, codename=codename)
    return permissions | Permission.objects.filter(extra)


def sync_secretariat_group(**kwargs) -> None:
    from django.contrib.auth.models import Group

    group, _ = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
    group.permissions.set(secretariat_permissions())


def secretariat_required(view):
    """Staff pages: the login page for visitors, 404 for signed-in users who are not staff."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_secretariat(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped
