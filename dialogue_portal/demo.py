"""What every app's demo data shares: the upsert that keeps loading idempotent, and the
demo's accounts, loaded only with DJANGO_DEMO_ACCOUNTS=1, never in production."""

from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models

from .roles import SECRETARIAT_GROUP, sync_secretariat_group

DEMO_PASSWORD = "dialogue-demo-2026"  # noqa: S105 (a demo login, printed by `make run`)

# role, id, e-mail, first name, last name, staff
ACCOUNTS = [
    ("secretariat", 1, "secretariat@example.org", "Sam", "Secretariat", True),
    ("chair", 2, "chair@example.org", "Carmen", "Chair", False),
    ("focal point", 3, "focal.point@example.org", "Farid", "Focal", False),
]

SECRETARIAT_ID, CHAIR_ID, FOCAL_POINT_ID = 1, 2, 3


def upsert(model: type[models.Model], pk: int, **fields: Any) -> models.Model:
    """Create or update the row with this fixed id, and write nothing when it already
    holds these values: so a second load leaves even ``auto_now`` columns alone."""
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        return model._default_manager.create(pk=pk, **fields)
    changed = [name for name, value in fields.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, fields[name])
    if changed:
        obj.save()
    return obj


def load_accounts() -> list[tuple[str, str, str]]:
    User = get_user_model()
    sync_secretariat_group()
    secretariat = Group.objects.get(name=SECRETARIAT_GROUP)
    logins = []
    for role, pk, email, first, last, staff in ACCOUNTS:
        user = upsert(
            User,
            pk,
            username=email.split("@")[0],
            email=email,
            first_name=first,
            last_name=last,
            is_staff=staff,
            is_active=True,
        )
        # Set only when it differs: a new salt each run would change the table.
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if staff:
            user.groups.add(secretariat)
        upsert(EmailAddress, pk, user=user, email=email, verified=True, primary=True)
        logins.append((role, email, DEMO_PASSWORD))
    return logins
