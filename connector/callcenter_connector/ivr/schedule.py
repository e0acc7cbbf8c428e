"""Is a calendar open now? Odoo sends each calendar as its sorted open intervals.

Odoo has already applied working hours, public holidays and special days, so
the connector only searches the intervals (epoch seconds, UTC, sorted and
non-overlapping) for `now`, in O(log n). The intervals reach `until` (60 days
ahead); past it the answer is unknown and the calendar counts as closed, so
that a connector cut off from Odoo for months never routes on stale hours
(the runtime logs it: see `past_horizon`).
"""

import bisect


def is_open(calendar, now):
    """True when `now` lies in one of `calendar`'s open intervals [start, end)."""
    if not calendar or past_horizon(calendar, now):
        return False
    intervals = calendar.get("intervals") or ()
    index = bisect.bisect_right(intervals, now, key=_start) - 1
    return index >= 0 and now < float(intervals[index][1])


def past_horizon(calendar, now):
    """Whether `now` is beyond the last day Odoo computed the calendar for."""
    until = calendar.get("until")
    return until is not None and now >= float(until)


def _start(interval):
    return float(interval[0])
