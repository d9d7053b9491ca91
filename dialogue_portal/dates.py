"""Dates as each language writes them.

The portal names Django's formats (``DATE_FORMAT``, ``DATETIME_FORMAT`` …), never a format
of its own such as "j F Y": English takes the portal's (dialogue_portal/formats/en: "6 May
2022, 15:00"), and the other five languages Django's, which put the day, the month and
its case where each language puts them ("6 мая 2022 г.", "2022年5月6日"). The few dates
that add a weekday or a time zone are built here from those formats.
"""

import datetime

from django.utils.formats import date_format


def with_zone(value: datetime.datetime) -> str:
    """The date and time, then the time zone: "8 April 2022, 23:59 CEST"."""
    return f"{date_format(value, 'DATETIME_FORMAT')} {date_format(value, 'T')}"


def with_weekday(value: datetime.date | datetime.datetime) -> str:
    """The weekday, then the date: "Friday 6 May 2022"."""
    return f"{date_format(value, 'l')} {date_format(value, 'DATE_FORMAT')}"


def with_weekday_and_time(value: datetime.datetime) -> str:
    """The weekday, then the date and time: "Friday 6 May 2022, 10:00"."""
    return f"{date_format(value, 'l')} {date_format(value, 'DATETIME_FORMAT')}"
