from django.db import IntegrityError, transaction
from django.db.models import F

from .models import Lock


def hold(name: str) -> None:
    """Hold the lock ``name`` until the current transaction ends.

    Must run inside ``transaction.atomic``. The UPDATE is what takes the lock: a row lock
    on PostgreSQL, the database's write lock on SQLite; a second caller waits there.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("locks.hold() needs a transaction")
    if Lock.objects.filter(name=name).update(taken=F("taken") + 1):
        return
    try:
        with transaction.atomic():
            Lock.objects.create(name=name, taken=1)
    except IntegrityError:  # created by another caller meanwhile: wait on it like them
        Lock.objects.filter(name=name).update(taken=F("taken") + 1)
