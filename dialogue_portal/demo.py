"""The demo: every app's demo data loaded in order, the upsert that keeps loading
idempotent, and the demo's accounts, loaded only with DJANGO_DEMO_ACCOUNTS=1."""

from collections.abc import Callable
from typing import Any

from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, models, transaction

from .roles import SECRETARIAT_GROUP, sync_secretariat_group

# Each app that has demo data keeps it in its own ``demo.py`` and registers its loaders
# in ``AppConfig.ready()`` (this package imports no app). They run by their order, as
# later ones refer to rows of earlier ones: the calendar (10), the organisations (20),
# who took part, which needs both (30), the comments (40).
_loaders: list[tuple[int, Callable[[], Any]]] = []


def register(loader: Callable[[], Any], *, order: int) -> None:
    if all(existing is not loader for _order, existing in _loaders):
        _loaders.append((order, loader))
        _loaders.sort(key=lambda entry: entry[0])


def loaders() -> list[Callable[[], Any]]:
    return [loader for _order, loader in _loaders]


DEMO_PASSWORD = "dialogue-demo-2026"  # noqa: S105 (a demo login, printed by `make run`)

# role, id, e-mail, first name, last name, staff
ACCOUNTS = [
    ("secretariat", 1, "secretariat@example.org", "Sam", "Secretariat", True),
    ("chair", 2, "chair@example.org", "Carmen", "Chair", False),
    ("focal point", 3, "focal.point@example.org", "Farid", "Focal", False),
    ("chair 2022", 4, "chair.2022@example.org", "Alejandro", "Celorio Alcántara", False),
]

# CHAIR_ID chairs the upcoming dialogue; FIRST_CHAIR_ID chaired the 2022 one and wrote its summary.
SECRETARIAT_ID, CHAIR_ID, FOCAL_POINT_ID, FIRST_CHAIR_ID = 1, 2, 3, 4


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


@transaction.atomic
def load(*, accounts: bool = False) -> list[tuple[str, str, str]]:
    """Load every app's demo data (and the demo accounts when asked); return the logins."""
    logins = load_accounts() if accounts else []
    for loader in loaders():
        loader()
    _reset_sequences()
    return logins


def _reset_sequences() -> None:
    """Rows inserted with explicit ids leave PostgreSQL's sequences behind; move them on."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(sql)
