"""Working days on the Chinese official calendar.

Order of authority for a date: the office's own CalendarDay table, then the chinesecalendar package (which
knows only the years the State Council has announced), then plain Monday–Friday. A deadline in a year that
nobody has announced yet never fails; `uncovered_years` lets the UI warn the office.

Inside `calendar_read_once()` (every request, through liaison.middleware.ReadOnceMiddleware) the
office's table is read once and answers every question of that request; elsewhere each call reads it afresh.
"""

from __future__ import annotations

import datetime as dt
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache

import chinese_calendar

from liaison.memo import held


@dataclass
class _CalendarRead:
    days: dict[dt.date, bool] | None = None


# The office edits its table in the admin, so it is never kept beyond one request (another worker may have
# changed it since): a page that asks a dozen deadline questions reads it once instead of a dozen times.
_request_calendar: ContextVar[_CalendarRead | None] = ContextVar("request_calendar", default=None)


def calendar_read_once():
    """Within this block (a request: see liaison.middleware) the office's calendar is read at most once."""
    return held(_request_calendar, _CalendarRead())


def forget_calendar_read(**kwargs) -> None:
    """After a change to the office's table, the rest of the request reads it again (connected in liaison.apps)."""
    read = _request_calendar.get()
    if read is not None:
        read.days = None


@lru_cache(maxsize=4096)
def _package_is_workday(day: dt.date) -> bool | None:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    from liaison.models import CalendarDay

    read = _request_calendar.get()
    if read is None:
        return dict(CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "is_workday"))
    if read.days is None:
        # The table holds only the exceptions (holidays and make-up workdays, a few dozen a year): all of it
        # costs less than a second query.
        read.days = dict(CalendarDay.objects.values_list("date", "is_workday"))
    return {day: is_workday for day, is_workday in read.days.items() if start <= day <= end}


def _is_workday(day: dt.date, overrides: dict[dt.date, bool]) -> bool:
    if day in overrides:
        return overrides[day]
    known = _package_is_workday(day)
    if known is not None:
        return known
    return day.weekday() < 5


def is_workday(day: dt.date) -> bool:
    return _is_workday(day, _overrides(day, day))


def add_workdays(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (start itself does not count)."""
    if days <= 0:
        return start
    # A generous window: even the Spring Festival week does not need more than 3× the span.
    window_end = start + dt.timedelta(days=days * 3 + 21)
    overrides = _overrides(start, window_end)
    day, left = start, days
    while left:
        day += dt.timedelta(days=1)
        if day > window_end:
            overrides.update(_overrides(day, day + dt.timedelta(days=60)))
            window_end = day + dt.timedelta(days=60)
        if _is_workday(day, overrides):
            left -= 1
    return day


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end`; negative when `end` is before `start`."""
    if end == start:
        return 0
    sign = 1
    if end < start:
        start, end, sign = end, start, -1
    overrides = _overrides(start, end)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if _is_workday(day, overrides):
            count += 1
    return sign * count


def first_unannounced_year(year: int) -> int:
    """The first year from `year` on that the chinesecalendar package does not know (State Council not yet announced).

    Earlier years never need the office's warning, so a page only looks for deadlines from that year on.
    """
    while _package_is_workday(dt.date(year, 6, 1)) is not None:
        year += 1
    return year


def uncovered_years(*years: int) -> list[int]:
    """Years that neither the package nor the office's table covers: Monday–Friday is assumed there."""
    unknown = [year for year in sorted(set(years)) if _package_is_workday(dt.date(year, 6, 1)) is None]
    if not unknown:
        return []
    # One read of the office's days over all those years, however many there are.
    office_years = {day.year for day in _overrides(dt.date(unknown[0], 1, 1), dt.date(unknown[-1], 12, 31))}
    return [year for year in unknown if year not in office_years]
