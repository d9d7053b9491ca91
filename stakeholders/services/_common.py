"""What the services share: who is e-mailed, and the links the e-mails carry."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from dialogue_portal.roles import SECRETARIAT_GROUP

from ..models import Organisation

# --- Recipients -----------------------------------------------------------------------


def _focal_point_emails(organisation: Organisation) -> list[str]:
    return list(organisation.focal_points.values_list("user__email", flat=True))


def _secretariat_emails() -> list[str]:
    return list(
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name=SECRETARIAT_GROUP)
        .values_list("email", flat=True)
    )


def _url(name: str, *args: Any) -> str:
    return settings.SITE_URL + reverse(name, args=args)
