"""The plan's timetable (时间表): one bar per task between its start and its deadline, drawn with HTML/CSS.

Positions are percentages of the plan's span so that the same rows draw on a phone and on paper.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone


@dataclass
class Bar:
    task: object
    left: float
    width: float
    state: str  # done | overdue | open


@dataclass
class Tick:
    date: dt.date
    left: float
    label: str


@dataclass
class Timetable:
    start: dt.date
    end: dt.date
    bars: list[Bar]
    ticks: list[Tick]
    today_left: float | None


def _month_starts(start: dt.date, end: dt.date):
    day = dt.date(start.year, start.month, 1)
    while day <= end:
        yield day
        day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def build(tasks, today: dt.date | None = None) -> Timetable | None:
    """The timetable of `tasks` (already fetched); None when there is nothing to draw."""
    tasks = list(tasks)
    if not tasks:
        return None
    today = today or timezone.localdate()
    start = min(t.starts_on for t in tasks)
    end = max(t.deadline for t in tasks)
    # Today on the chart when it is near; at least two weeks drawn so that a one-day task stays visible.
    end = max(end, start + dt.timedelta(days=13))
    days = (end - start).days + 1

    def left(day: dt.date) -> float:
        return round(100 * (day - start).days / days, 2)

    bars = []
    for task in tasks:
        state = "done" if task.done_at else ("overdue" if task.deadline < today else "open")
        width = round(100 * ((task.deadline - task.starts_on).days + 1) / days, 2)
        bars.append(Bar(task=task, left=left(task.starts_on), width=max(width, 0.8), state=state))
    months = list(_month_starts(start, end))
    step = 1 if len(months) <= 12 else (len(months) + 11) // 12
    ticks = [Tick(date=m, left=max(left(m), 0), label=f"{m:%Y-%m}") for m in months[::step]]
    today_left = left(today) if start <= today <= end else None
    return Timetable(start=start, end=end, bars=bars, ticks=ticks, today_left=today_left)
