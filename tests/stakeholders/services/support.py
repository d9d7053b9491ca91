"""What the tests of services share (moved from test_services.py)."""

import datetime
import threading

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection

from dialogue_portal.models import AuditEvent
from stakeholders.models import Accreditation, Category, EcosocStatus
from tests.factories import FocalPointFactory, OrganisationFactory

State = Accreditation.State


# CirculationListFactory's dates: circulated on 10 January 2030, objections until 10 February.
DEADLINE = datetime.date(2030, 2, 10)


AFTER_DEADLINE = DEADLINE + datetime.timedelta(days=1)


on_postgresql = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="row locks and concurrent transactions need PostgreSQL",
)


def details(**overrides):
    """What a focal point fills in to register an organisation."""
    fields = {
        "name": "Fundación Ñandú",
        "acronym": "FN",
        "category": Category.NGO,
        "country": "AR",
        "ecosoc_status": EcosocStatus.NONE,
        "website": "https://www.nandu.example.org/",
        "postal_address": "Calle Falsa 123, Buenos Aires",
        "description": "Support to victims of trafficking in persons.",
    }
    fields.update(overrides)
    return fields


def organisation_with_focal_points(count=2, **fields):
    organisation = OrganisationFactory(**fields)
    for _ in range(count):
        FocalPointFactory(organisation=organisation)
    return organisation


def focal_point_emails(organisation):
    return sorted(organisation.focal_points.values_list("user__email", flat=True))


def audit_rows(obj):
    return list(AuditEvent.objects.for_object(obj).values_list("from_state", "to_state", "actor_id", "note"))


def run_at_once(*functions):
    """Run each function in its own thread, all released at one barrier; re-raise any crash."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)
    crashes = []

    def run(index, function):
        try:
            connection.ensure_connection()  # connect first, so that both start together
            barrier.wait(timeout=10)
            results[index] = function()
        except Exception as error:  # handed back to the test's thread
            results[index] = error
            if not isinstance(error, ValidationError):
                crashes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    if crashes:
        raise crashes[0]
    return results
