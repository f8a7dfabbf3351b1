"""Shared pieces of the scoreboard and the dashboards: the period, the ledger's lights, links to lists.

Light of an open ledger item (as the ledger shows it): red = past its deadline; yellow = due within
3 working days; green = every other open item with a deadline. An item not yet accepted has no deadline
and no light (the ledger's own definition, visits.models.running_q).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.forms import LiaisonForm

# The calendar's own lookups, so that many date pairs cost one read of the office's calendar table.
from liaison.workdays import _is_workday, _overrides, add_workdays
from visits.models import Issue

YELLOW_WORKDAYS = 3
LIGHTS = ("green", "yellow", "red")


# ---------------------------------------------------------------- period


@dataclass(frozen=True)
class Period:
    since: dt.date
    until: dt.date

    @property
    def start(self) -> dt.datetime:
        """The first instant of `since`, Asia/Shanghai."""
        return timezone.make_aware(dt.datetime.combine(self.since, dt.time.min))

    @property
    def end(self) -> dt.datetime:
        """The first instant after `until`, Asia/Shanghai (exclusive)."""
        return timezone.make_aware(dt.datetime.combine(self.until + dt.timedelta(days=1), dt.time.min))

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1

    def query(self) -> dict[str, str]:
        return {"since": self.since.isoformat(), "until": self.until.isoformat()}

    def instants(self, field: str) -> Q:
        """`field` (a datetime) falls within the period, local time."""
        return Q(**{f"{field}__gte": self.start, f"{field}__lt": self.end})


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def presets(today: dt.date) -> list[tuple[str, Period]]:
    first = today.replace(day=1)
    last_month_end = first - dt.timedelta(days=1)
    return [
        (str(_("This month")), Period(first, today)),
        (str(_("Last month")), Period(last_month_end.replace(day=1), last_month_end)),
        (str(_("This quarter")), Period(_quarter_start(today), today)),
        (str(_("Last 90 days")), Period(today - dt.timedelta(days=89), today)),
        (str(_("This year")), Period(dt.date(today.year, 1, 1), today)),
    ]


class PeriodForm(LiaisonForm):
    since = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    until = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    MAX_DAYS = 3 * 366

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until:
            if since > until:
                self.add_error("until", _("The end of the period is before its start."))
            elif (until - since).days >= self.MAX_DAYS:
                self.add_error("since", _("Choose a period of at most three years."))
        return cleaned


def period_from(request, default: Period | None = None) -> tuple[Period, PeriodForm]:
    """The period asked for in the query string (a bad one falls back to the default, with the form's errors)."""
    today = timezone.localdate()
    default = default or Period(dt.date(today.year, 1, 1), today)
    if "since" in request.GET or "until" in request.GET:
        form = PeriodForm(request.GET, user=request.user)
        if form.is_valid():
            return Period(form.cleaned_data["since"], form.cleaned_data["until"]), form
        return default, form
    return default, PeriodForm(initial=default.query(), user=request.user)


# ---------------------------------------------------------------- the ledger's lights


def yellow_limit(today: dt.date) -> dt.date:
    return add_workdays(today, YELLOW_WORKDAYS)


def open_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": Issue.OPEN_STATES})


def light_q(light: str, today: dt.date, prefix: str = "") -> Q:
    """Rows of Issue (or of a model reaching it through `prefix`, e.g. "issue__") with that light."""
    deadline = f"{prefix}deadline"
    red = Q(**{f"{deadline}__lt": today})
    yellow = Q(**{f"{deadline}__gte": today, f"{deadline}__lte": yellow_limit(today)})
    if light == "red":
        return open_q(prefix) & red
    if light == "yellow":
        return open_q(prefix) & yellow
    if light == "green":
        return open_q(prefix) & Q(**{f"{deadline}__isnull": False}) & ~red & ~yellow
    raise ValueError(light)


def light_of(issue: Issue, today: dt.date | None = None) -> str | None:
    if issue is None or issue.status not in Issue.OPEN_STATES:
        return None
    today = today or timezone.localdate()
    if issue.deadline is None:
        return None
    if issue.deadline < today:
        return "red"
    if issue.deadline <= yellow_limit(today):
        return "yellow"
    return "green"


# ---------------------------------------------------------------- working days in bulk


class WorkdayCounter:
    """Working days between many pairs of dates with one read of the office's calendar table."""

    def __init__(self, start: dt.date, end: dt.date):
        self.start, self.end = start, end
        overrides = _overrides(start, end)
        self._before = {}
        count = 0
        day = start
        while day <= end:
            self._before[day] = count  # working days strictly after `start` up to and including `day`
            day += dt.timedelta(days=1)
            if day <= end and _is_workday(day, overrides):
                count += 1
        self._overrides = overrides

    def between(self, a: dt.date, b: dt.date) -> int:
        """Working days after `a` up to and including `b` (as liaison.workdays.workdays_between)."""
        if b < a:
            return -self.between(b, a)
        if a in self._before and b in self._before:
            return self._before[b] - self._before[a]
        from liaison.workdays import workdays_between

        return workdays_between(a, b)

    def add(self, a: dt.date, days: int) -> dt.date:
        day, left = a, days
        while left > 0:
            day += dt.timedelta(days=1)
            if day in self._before:
                if _is_workday(day, self._overrides):
                    left -= 1
            else:
                return add_workdays(a, days)
        return day


# ---------------------------------------------------------------- links to the lists behind a figure


def list_url(name: str, **params) -> str | None:
    """The URL of a list filtered by `params`, or None while that list does not exist (another app's page)."""
    try:
        url = reverse(name)
    except NoReverseMatch:
        return None
    query = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{url}?{urlencode(query)}" if query else url


@dataclass
class Figure:
    """A number on a page and the list it counts (None while that list does not exist yet)."""

    value: int
    url: str | None = None

    def __str__(self):
        return str(self.value)
