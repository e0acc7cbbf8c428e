# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Periods of the reports: which local days they cover, and their bounds in UTC.

Pure functions on dates and time zone names, without Odoo, shared by the
dashboard, the export wizard, the scheduled reports and the report builder, so
that "yesterday", "last week" or "this month" are the same days everywhere.
Dates are local (in the reader's time zone); datetimes are naive UTC, as Odoo
stores them, unless a name says local.
"""

from datetime import datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta

GRANULARITY_ORDER = ("interval", "hour", "day", "week", "month")
"""The units of time of the reports, finest first."""
CHART_MAX_POINTS = 96
"""Categories of a chart: past that, the chart groups by the next coarser unit."""


def local_now(tz, now=None):
    """The naive local datetime in the time zone `tz` at the naive UTC datetime
    `now` (by default, now)."""
    now = pytz.utc.localize(now) if now else datetime.now(pytz.utc)
    return now.astimezone(pytz.timezone(tz)).replace(tzinfo=None)


def local_today(tz, now=None):
    """Today's date in the time zone `tz`, at the UTC datetime `now`."""
    return local_now(tz, now).date()


def week_first_day(day, week_start=1):
    """The first day of the week of `day`, weeks starting on the ISO weekday
    `week_start` (1 = Monday ... 7 = Sunday)."""
    return day - timedelta(days=(day.isoweekday() - week_start) % 7)


def month_days(day):
    """The first and the last day of the month of `day`."""
    first = day.replace(day=1)
    return first, first + relativedelta(months=1, days=-1)


def report_period(choice, today, week_start=1):
    """The local dates (first, last), both included, of the period `choice` seen
    from the local date `today`: today, yesterday, this_week, last_week (weeks
    starting on the ISO weekday `week_start`, Monday by default), last_7_days
    (today included), this_month or last_month (calendar months)."""
    if choice == "today":
        return today, today
    if choice == "yesterday":
        day = today - timedelta(days=1)
        return day, day
    if choice in ("this_week", "last_week"):
        first = week_first_day(today, week_start)
        if choice == "last_week":
            first -= timedelta(days=7)
        return first, first + timedelta(days=6)
    if choice == "last_7_days":
        return today - timedelta(days=6), today
    if choice == "this_month":
        return month_days(today)
    if choice == "last_month":
        return month_days(today.replace(day=1) - timedelta(days=1))
    raise ValueError(f"Unknown period {choice!r}")


def next_run_date(frequency, today):
    """The first local date after `today` on which a report of `frequency` (daily,
    weekly or monthly) is due: tomorrow, next Monday, or the first of next month."""
    if frequency == "daily":
        return today + timedelta(days=1)
    if frequency == "weekly":
        return week_first_day(today) + timedelta(days=7)
    return today.replace(day=1) + relativedelta(months=1)


def utc_midnight(day, tz):
    """Midnight at the start of the local date `day` in the time zone `tz`, as a
    naive UTC datetime."""
    zone = pytz.timezone(tz)
    return zone.localize(datetime.combine(day, time.min)).astimezone(pytz.utc).replace(
        tzinfo=None)


def utc_bounds(date_from, date_to, tz):
    """The naive UTC datetimes [start, stop) of the local days date_from..date_to."""
    return utc_midnight(date_from, tz), utc_midnight(date_to + timedelta(days=1), tz)


def period_slices(date_from, date_to, granularity, week_start=1):
    """Local date ranges [start, stop) covering date_from..date_to, each made of
    whole groups of `granularity` (weeks starting on ISO weekday `week_start`, as
    `_read_group` groups them), small enough to be read at once: a day of 15-minute
    intervals or hours, a month of days or months, a week of weeks."""
    stop = date_to + timedelta(days=1)
    start = date_from
    while start < stop:
        if granularity in ("interval", "hour"):
            end = start + timedelta(days=1)
        elif granularity == "week":
            end = week_first_day(start, week_start) + timedelta(days=7)
        else:
            end = start.replace(day=1) + relativedelta(months=1)
        yield start, min(end, stop)
        start = end


def chart_granularity(granularity, date_from, date_to, finest="interval"):
    """The finest unit, not finer than `granularity` nor `finest`, that gives a chart
    at most CHART_MAX_POINTS categories over the period."""
    days = (date_to - date_from).days + 1
    months = (date_to.year - date_from.year) * 12 + date_to.month - date_from.month + 1
    points = {"interval": days * 96, "hour": days * 24, "day": days,
              "week": days // 7 + 2, "month": months}
    first = max(GRANULARITY_ORDER.index(granularity), GRANULARITY_ORDER.index(finest))
    for unit in GRANULARITY_ORDER[first:]:
        if points[unit] <= CHART_MAX_POINTS:
            return unit
    return "month"


def period_groupby(fname, granularity):
    """`_read_group` specs of the period: 15-minute intervals are an hour and the
    minute of the fact's interval, a datetime having no finer unit than the hour."""
    if granularity == "interval":
        return [f"{fname}:hour", f"{fname}:minute_number"]
    return [f"{fname}:{granularity}"]


def period_value(granularity, values):
    """The start of a group's period from its `period_groupby` values: a datetime
    for intervals and hours, a date for days, weeks and months."""
    if granularity == "interval":
        hour, minute = values
        return hour + timedelta(minutes=int(minute or 0)) if hour else None
    value = values[0]
    if granularity in ("day", "week", "month") and isinstance(value, datetime):
        return value.date()
    return value or None
