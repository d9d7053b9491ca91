"""What the services share: the links the e-mails carry, and when an act recorded after the
fact happened. (Who is e-mailed: dialogue_portal.roles.secretariat_emails.)"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from dialogue_portal.links import absolute_reverse

# --- Links ----------------------------------------------------------------------------


def _url(name: str, *args: Any) -> str:
    return absolute_reverse(name, args=args)


# --- What the secretariat records after the fact ----------------------------------------


def past_moment(value: datetime.date | datetime.datetime | None, *, field: str) -> datetime.datetime | None:
    """When an act the secretariat records (a request received by e-mail, a decision taken
    earlier) really happened; None when that is now.

    A date stands for that day at noon, Vienna time, which reads as the same date in every
    time zone the portal's readers are in; today's date is now, so that what is recorded on
    the day it happens is recorded as it happens. Refused, next to ``field``, when it is in
    the future: only what has happened can be recorded.
    """
    if value is None:
        return None
    now = timezone.now()
    if isinstance(value, datetime.datetime):
        moment = value
    elif value == timezone.localdate(now):
        return None
    else:
        moment = timezone.make_aware(datetime.datetime.combine(value, datetime.time(12)))
    if moment > now:
        raise ValidationError(
            {field: [_("This date is in the future: only what has happened can be recorded.")]}
        )
    return moment


def is_before_today(moment: datetime.datetime | None) -> bool:
    """Whether ``moment`` is on an earlier day: what happened then was told, if at all, at the
    time, and nobody is e-mailed about it now."""
    return moment is not None and timezone.localdate(moment) < timezone.localdate()
