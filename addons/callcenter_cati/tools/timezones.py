# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The respondent's time zone, which decides when a case may be called.

Calling windows are in the respondent's local time, so a national sample that
spans several time zones (the US, Russia, Brazil, Australia) must know each
number's zone; phonenumbers maps country and area code to the candidate zones.
A number with several candidates (a mobile range used country-wide) gets the
campaign's zone when it is one of them, else the first candidate.
"""

import functools
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import phonenumbers
from phonenumbers import timezone as number_timezones


@functools.lru_cache(maxsize=None)
def known_zones():
    return frozenset(available_timezones())


def is_zone(name):
    return bool(name) and name in known_zones()


def zone_for_number(e164, default_zone):
    """IANA zone name for an E.164 number, `default_zone` when unknown."""
    if not e164 or not e164.startswith("+"):
        return default_zone
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return default_zone
    return pick_zone(number_timezones.time_zones_for_number(parsed), default_zone)


def pick_zone(zones, default_zone):
    """Of the zones phonenumbers gives a number, `default_zone` when it is one of
    them or none is known, else the first."""
    candidates = [zone for zone in zones
                  if zone != number_timezones.UNKNOWN_TIMEZONE and is_zone(zone)]
    if not candidates or default_zone in candidates:
        return default_zone
    return candidates[0]


def local_time(zone, utc_now):
    """`utc_now` (naive UTC, as Odoo stores datetimes) in `zone`."""
    try:
        info = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        info = timezone.utc
    return utc_now.replace(tzinfo=timezone.utc).astimezone(info)


def to_utc(local_naive, zone):
    """A wall-clock time in `zone` as naive UTC."""
    try:
        info = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        info = timezone.utc
    return local_naive.replace(tzinfo=info).astimezone(timezone.utc).replace(tzinfo=None)


def window_open(windows, zone, utc_now):
    """True when the respondent's local time falls in one of `windows`,
    given as (weekday 0=Monday, hour_from, hour_to) in hours."""
    local = local_time(zone, utc_now)
    hour = local.hour + local.minute / 60.0 + local.second / 3600.0
    weekday = local.weekday()
    return any(day == weekday and start <= hour < end for day, start, end in windows)


def utc_now():
    return datetime.now(timezone.utc).replace(tzinfo=None)
