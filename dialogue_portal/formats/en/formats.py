# The portal's way of writing dates in English, the admin's included: "6 May 2022",
# "6 May 2022, 15:00" (24-hour times, as UN documents write them), never Django's
# American "May 6, 2022, 3 p.m.". The other five languages keep Django's own formats.
DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
