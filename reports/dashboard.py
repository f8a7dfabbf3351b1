"""The leaders' and teams' dashboard: every figure from the viewer's scope, aggregated in SQL.

The number of queries is fixed: it does not grow with the units, the enterprises or the records. Every count
comes with the URL of the list that shows exactly the rows it counts (None while that list does not exist).
Period-bound figures: visits and coverage (visit time) and ledger items by status and category (registration
time). Lights, supervised items, referrals and the last meeting's decisions are as of today.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, DateTimeField, Exists, OuterRef, Q, Value, Window
from django.db.models.functions import TruncMonth, TruncWeek
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from liaison import access, citywide
from supervision.figures import LIGHTS, Figure, Period, light_q, list_url, open_q
from supervision.models import MeetingAction, Referral
from visits.models import Issue, Visit

WEEKLY_UP_TO_DAYS = 92
LIST_LIMIT = 10


def coverage_url(period: Period, **params) -> str:
    return list_url("reports:coverage", **period.query(), **params)


def issue_url(**params) -> str | None:
    return list_url("visits:issue_list", **params)


@dataclass
class Bucket:
    since: dt.date
    until: dt.date
    visits: Figure
    visited: Figure
    coverage: float | None


@dataclass
class Dashboard:
    period: Period
    today: dt.date
    active: Figure = None
    visited: Figure = None
    not_visited: Figure = None
    visits: Figure = None
    coverage: float | None = None
    granularity: str = "week"
    buckets: list[Bucket] = field(default_factory=list)
    stations: list[dict] = field(default_factory=list)
    statuses: list[tuple[str, str]] = field(default_factory=list)
    categories: list[tuple[str, str]] = field(default_factory=list)
    by_status: list[dict] = field(default_factory=list)
    category_totals: list[Figure] = field(default_factory=list)
    registered: Figure = None
    lights: list[dict] = field(default_factory=list)
    light_totals: dict = field(default_factory=dict)
    awaiting_instruction: Figure = None
    awaiting_instruction_list: list = field(default_factory=list)
    awaiting_report: Figure = None
    replies_overdue: Figure = None
    supervised: list[dict] = field(default_factory=list)
    supervised_list: list = field(default_factory=list)
    last_meeting: object = None
    last_meeting_actions: list = field(default_factory=list)
    action_figures: dict = field(default_factory=dict)

    def chart_data(self) -> dict:
        return {
            "coverage": {
                "labels": [b.since.isoformat() for b in self.buckets],
                "visits": [b.visits.value for b in self.buckets],
                "coverage": [b.coverage for b in self.buckets],
                "label_visits": _("Visits"),
                "label_coverage": _("Coverage %"),
            },
            "status": {
                "labels": [label for _value, label in self.statuses],
                "datasets": [
                    {"label": label, "data": [row["cells"][i].value for row in self.by_status]}
                    for i, (_value, label) in enumerate(self.categories)
                ],
            },
            "lights": {
                "labels": [row["name"] for row in self.lights],
                "datasets": [
                    {"label": label, "light": light, "data": [row[light].value for row in self.lights]}
                    for light, label in light_labels()
                ],
            },
        }


def light_labels():
    return [("green", _("On track")), ("yellow", _("Due within 3 working days")), ("red", _("Overdue"))]


def buckets_of(period: Period) -> tuple[str, list[tuple[dt.date, dt.date]]]:
    """Weeks (Monday first) for a period of up to 92 days, months beyond; clipped to the period."""
    weekly = period.days <= WEEKLY_UP_TO_DAYS
    out = []
    start = period.since
    while start <= period.until:
        if weekly:
            end = start + dt.timedelta(days=6 - start.weekday())
        else:
            next_month = (start.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
            end = next_month - dt.timedelta(days=1)
        end = min(end, period.until)
        out.append((start, end))
        start = end + dt.timedelta(days=1)
    return ("week" if weekly else "month"), out


def figures(user, period: Period) -> Dashboard:
    """compute(), kept until the records change (liaison.citywide)."""
    today = timezone.localdate()
    return citywide.kept("dashboard", (user.pk, period.since, period.until, today), lambda: compute(user, period, today=today))


def compute(user, period: Period, today: dt.date | None = None) -> Dashboard:
    today = today or timezone.localdate()
    board = Dashboard(period=period, today=today)
    enterprises = access.enterprises(user).filter(status=Enterprise.Status.ACTIVE)
    visits = access.visits(user).filter(period.instants("visited_at"))
    issues = access.issues(user)
    _stations(board, enterprises, period)
    _coverage(board, visits, active=sum(row["total"].value for row in board.stations))
    _status_category(board, issues, period)
    _lights(board, issues, today)
    _referrals(board, user, today)
    _supervised(board, issues, today)
    _last_meeting(board, user, today)
    return board


def _coverage(board: Dashboard, visits, active: int) -> None:
    """Visits and enterprises visited per week or month of the period and over all of it, in one query."""
    period = board.period
    board.active = Figure(active, coverage_url(period))
    board.granularity, spans = buckets_of(period)
    trunc = TruncWeek if board.granularity == "week" else TruncMonth
    counted = {
        "visits": Count("pk"),
        "visited": Count("enterprise", distinct=True, filter=Q(enterprise__status=Enterprise.Status.ACTIVE)),
    }

    def grouped(bucket):
        return visits.annotate(bucket=bucket).order_by().values("bucket").annotate(**counted).values_list("bucket", "visits", "visited")

    # The period as a whole is the row without a bucket (a visit always falls in one): enterprises visited in
    # several weeks count once there.
    per_bucket, totals = {}, {"visits": 0, "visited": 0}
    for bucket, n_visits, visited in grouped(trunc("visited_at")).union(grouped(Value(None, output_field=DateTimeField())), all=True):
        if bucket is None:
            totals = {"visits": n_visits, "visited": visited}
        else:
            day = timezone.localtime(bucket).date() if isinstance(bucket, dt.datetime) else bucket
            per_bucket[day] = {"visits": n_visits, "visited": visited}
    for since, until in spans:
        key = since - dt.timedelta(days=since.weekday()) if board.granularity == "week" else since.replace(day=1)
        row = per_bucket.get(key, {"visits": 0, "visited": 0})
        sub = Period(since, until)
        board.buckets.append(
            Bucket(
                since=since, until=until,
                visits=Figure(row["visits"], list_url("visits:visit_list", **sub.query())),
                visited=Figure(row["visited"], coverage_url(sub, visited="yes")),
                coverage=round(row["visited"] * 100 / active, 1) if active else None,
            )
        )
    board.visits = Figure(totals["visits"], list_url("visits:visit_list", **period.query()))
    board.visited = Figure(totals["visited"], coverage_url(period, visited="yes"))
    board.not_visited = Figure(active - totals["visited"], coverage_url(period, visited="no"))
    board.coverage = round(totals["visited"] * 100 / active, 1) if active else None


def _stations(board: Dashboard, enterprises, period: Period) -> None:
    visited = Exists(Visit.objects.filter(period.instants("visited_at"), enterprise_id=OuterRef("pk")))
    rows = (
        enterprises.order_by()
        .values("station_id", "station__name")
        .annotate(total=Count("pk"), visited=Count("pk", filter=Q(visited)))
        .order_by("station__name")
    )
    for row in rows:
        station = row["station_id"]
        board.stations.append({
            "pk": station,
            "name": row["station__name"],
            "total": Figure(row["total"], coverage_url(period, station=station)),
            "visited": Figure(row["visited"], coverage_url(period, station=station, visited="yes")),
            "not_visited": Figure(row["total"] - row["visited"], coverage_url(period, station=station, visited="no")),
            "coverage": round(row["visited"] * 100 / row["total"], 1) if row["total"] else None,
        })


def _status_category(board: Dashboard, issues, period: Period) -> None:
    counts = defaultdict(int)
    for row in issues.filter(period.instants("created_at")).order_by().values("status", "category").annotate(n=Count("pk")):
        counts[(row["status"], row["category"])] = row["n"]
    board.statuses = list(Issue.Status.choices)
    board.categories = list(Issue.Category.choices)
    q = period.query()
    for status, label in board.statuses:
        cells = [Figure(counts[(status, c)], issue_url(status=status, category=c, **q)) for c, _l in board.categories]
        board.by_status.append({
            "status": status, "label": label, "cells": cells,
            "total": Figure(sum(c.value for c in cells), issue_url(status=status, **q)),
        })
    board.category_totals = [
        Figure(sum(counts[(s, c)] for s, _l in board.statuses), issue_url(category=c, **q)) for c, _l in board.categories
    ]
    board.registered = Figure(sum(counts.values()), issue_url(**q))


def _lights(board: Dashboard, issues, today: dt.date) -> None:
    rows = (
        issues.filter(open_q())
        .order_by()
        .values("responsible_unit_id", "responsible_unit__name")
        .annotate(**{light: Count("pk", filter=light_q(light, today)) for light in LIGHTS})
        .order_by("responsible_unit__name")
    )
    totals = dict.fromkeys(LIGHTS, 0)
    for row in rows:
        unit = row["responsible_unit_id"]
        entry = {"pk": unit, "name": row["responsible_unit__name"] or _("No unit yet")}
        for light in LIGHTS:
            totals[light] += row[light]
            entry[light] = Figure(row[light], issue_url(responsible_unit=unit, light=light) if unit else None)
        board.lights.append(entry)
    board.light_totals = {light: Figure(n, issue_url(light=light)) for light, n in totals.items()}


def _referrals(board: Dashboard, user, today: dt.date) -> None:
    referrals = access.referrals(user)
    figures = referrals.order_by().aggregate(
        reported=Count("pk", filter=Q(status=Referral.Status.REPORTED)),
        submitted=Count("pk", filter=Q(status=Referral.Status.SUBMITTED)),
        overdue=Count("pk", filter=Q(status=Referral.Status.ASSIGNED, reply_deadline__lt=today)),
    )
    board_url = reverse("supervision:referral_list")
    board.awaiting_instruction = Figure(figures["reported"], f"{board_url}?status={Referral.Status.REPORTED}&view=table")
    board.awaiting_report = Figure(figures["submitted"], f"{board_url}?status={Referral.Status.SUBMITTED}&view=table")
    board.replies_overdue = Figure(figures["overdue"], f"{board_url}?overdue=yes&view=table")
    board.awaiting_instruction_list = list(
        referrals.filter(status=Referral.Status.REPORTED).select_related("enterprise", "raised_by_unit").order_by("reported_at")[:LIST_LIMIT]
    )


def _supervised(board: Dashboard, issues, today: dt.date) -> None:
    supervised = issues.exclude(supervision="")
    rows = {
        row["supervision"]: row
        for row in supervised.order_by().values("supervision").annotate(
            total=Count("pk"), **{light: Count("pk", filter=light_q(light, today)) for light in LIGHTS}
        )
    }
    for level, label in Issue.Supervision.choices:
        if not level:
            continue
        row = rows.get(level, {"total": 0, **dict.fromkeys(LIGHTS, 0)})
        entry = {"level": level, "label": label, "total": Figure(row["total"], issue_url(supervision=level))}
        for light in LIGHTS:
            entry[light] = Figure(row[light], issue_url(supervision=level, light=light))
        board.supervised.append(entry)
    board.supervised_list = list(
        supervised.filter(open_q()).select_related("enterprise", "responsible_unit").order_by("deadline")[:LIST_LIMIT]
    )


def _last_meeting(board: Dashboard, user, today: dt.date) -> None:
    meeting = access.meetings(user).filter(held_at__lte=timezone.now()).select_related("chair").order_by("-held_at").first()
    board.last_meeting = meeting
    if meeting is None:
        return
    # The first 20 decisions and the counts over all of them, in one query (window counts).
    counts = {
        "total": Count("pk"),
        "open": Count("pk", filter=Q(status=MeetingAction.Status.OPEN)),
        "overdue": Count("pk", filter=Q(status=MeetingAction.Status.OPEN, deadline__lt=today)),
        "done": Count("pk", filter=Q(status=MeetingAction.Status.DONE)),
    }
    actions = list(
        access.meeting_actions(user).filter(meeting=meeting).select_related("owner_unit", "owner")
        .annotate(**{f"_{name}": Window(count) for name, count in counts.items()})
        .order_by("position")[:20]
    )
    figures = {name: getattr(actions[0], f"_{name}") if actions else 0 for name in counts}
    url = reverse("supervision:meetingaction_list") + f"?meeting={meeting.pk}"
    board.action_figures = {
        "total": Figure(figures["total"], url),
        "open": Figure(figures["open"], f"{url}&status=OPEN"),
        "overdue": Figure(figures["overdue"], f"{url}&overdue=yes"),
        "done": Figure(figures["done"], f"{url}&status=DONE"),
    }
    board.last_meeting_actions = actions
