"""Ledger deadlines in working days: default time limits, the light thresholds and the supervision-note rule.

Working days come from `liaison.workdays` (the office's CalendarDay table, then the official calendar, then
Monday–Friday for a year nobody has announced yet). Nothing here fails on a date in an uncovered year.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from liaison import workdays

# Default time limit (整改时限) per category, in working days counted from acceptance (签收).
DEFAULT_LIMITS = {
    "HAZARD": 10,
    "DISPUTE": 15,
    "CRIME_LEAD": 20,
    "SERVICE": 5,
    "OPINION": 10,
    "OTHER": 15,
}
MAX_LIMIT = 120
YELLOW_WORKDAYS = 3  # yellow: the deadline falls within the next 3 working days
SUPERVISION_NOTE_WORKDAYS = 5  # a supervised item needs a progress note at least every 5 working days

LIGHTS = (
    ("green", _("Green: on time")),
    ("yellow", _("Yellow: due within 3 working days")),
    ("red", _("Red: overdue")),
)


def default_limit(category: str) -> int:
    return DEFAULT_LIMITS.get(category, DEFAULT_LIMITS["OTHER"])


def deadline_from(accepted_on: dt.date, limit_days: int) -> dt.date:
    """The deadline `limit_days` working days after the day of acceptance (which itself does not count)."""
    return workdays.add_workdays(accepted_on, limit_days)


def yellow_threshold(today: dt.date) -> dt.date:
    """A deadline on or before this date (and not before today) shows yellow."""
    return workdays.add_workdays(today, YELLOW_WORKDAYS)


def workday_back(end: dt.date, n: int) -> dt.date:
    """The n-th working day counting back from `end` (`end` itself counts when it is a working day)."""
    if n <= 0:
        raise ValueError("n must be positive")
    window_start = end - dt.timedelta(days=n * 3 + 21)
    # One query for the office's overrides of the whole window, as liaison.workdays does going forward.
    overrides = workdays._overrides(window_start, end)
    day, left = end, n
    while True:
        if day < window_start:
            overrides.update(workdays._overrides(day - dt.timedelta(days=60), day))
            window_start = day - dt.timedelta(days=60)
        if workdays._is_workday(day, overrides):
            left -= 1
            if left == 0:
                return day
        day -= dt.timedelta(days=1)


def subtract_workdays(end: dt.date, days: int) -> dt.date:
    """The latest date `days` working days before `end`: `workdays_between(result, end) == days`."""
    if days <= 0:
        return end
    return workday_back(end, days) - dt.timedelta(days=1)


def supervision_note_threshold(today: dt.date) -> dt.date:
    """A supervised item whose latest note (or supervision start) is before this date misses its note.

    The note is missing once more than 5 working days have passed since it: the clock date must be on or after
    the 6th working day counting back from today.
    """
    return workday_back(today, SUPERVISION_NOTE_WORKDAYS + 1)


def light_for(*, status: str, deadline: dt.date | None, today: dt.date, yellow_until: dt.date | None = None) -> str:
    """green / yellow / red for an open item with a deadline; "" when there is no deadline or the item is settled.

    An item whose rectification is reported stays on its deadline until it is verified and closed (销号).
    """
    from visits.models import Issue

    if deadline is None or status not in Issue.OPEN_STATES:
        return ""
    if deadline < today:
        return "red"
    if yellow_until is None:
        yellow_until = yellow_threshold(today)
    return "yellow" if deadline <= yellow_until else "green"


def uncovered_years(*dates: dt.date | None) -> list[int]:
    """Years among `dates` counted Monday–Friday because no calendar covers them (the office is warned)."""
    years = {d.year for d in dates if d is not None}
    return workdays.uncovered_years(*years) if years else []
