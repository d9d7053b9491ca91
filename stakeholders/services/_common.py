"""What the services share: who is e-mailed, and the links the e-mails carry."""

from typing import Any

from django.contrib.auth import get_user_model

from dialogue_portal.links import absolute_reverse
from dialogue_portal.roles import SECRETARIAT_GROUP

# --- Recipients -----------------------------------------------------------------------


def _secretariat_emails() -> list[str]:
    return list(
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name=SECRETARIAT_GROUP)
        .values_list("email", flat=True)
    )


def _url(name: str, *args: Any) -> str:
    return absolute_reverse(name, args=args)
