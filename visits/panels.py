"""Panels this app adds to the role home (see liaison.home).

Officer: visits due first (one tap to log one), then their own ledger items by light.
Team: the items of the stations the team answers for, and those assigned to the team.
Office and leaders: what waits for them, the red list, supervised items, the ledger counted status × unit
(every number a link to the filtered list) and visit coverage.
Every panel costs a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts.models import Unit
from enterprises.models import Assignment, Enterprise
from liaison import access, citywide
from liaison.home import Panel, ShortList, short_lists
from visits import deadlines
from visits.models import Issue, IssueRequest, Visit, running_q

LIST_LIMIT = 15
LIGHT_ORDER = {"red": 0, "yellow": 1, "": 2, "green": 3}


def issue_list_url(**params) -> str:
    query = urlencode([(k, v) for k, values in params.items() for v in (values if isinstance(values, list) else [values])])
    return f"{reverse('visits:issue_list')}?{query}" if query else reverse("visits:issue_list")


def home_panels(request) -> list[Panel]:
    user = request.user
    role = access.role_of(user)
    today = timezone.localdate()
    if role == access.OFFICER:
        return [officer_visits_panel(user, today), own_items_panel(user, today)]
    if role == access.TEAM:
        return [own_items_panel(user, today), team_panel(user, today)]
    if role in (access.LEADER, access.COORDINATOR):
        # The whole city's ledger and visits: kept until the records change (liaison.citywide).
        return citywide.kept("ledger-panels", (user.pk, today), lambda: city_panels(user, today))
    return []


def city_panels(user, today: dt.date) -> list[Panel]:
    ledger = LedgerCounts.of(user, today)
    lists = overdue_and_supervised(user, today)
    return [
        waiting_panel(user, today, ledger),
        red_list_panel(lists["red"]),
        supervised_panel(lists["supervised"]),
        ledger_matrix_panel(user, today, ledger),
        coverage_panel(user, today),
    ]


# ---------------------------------------------------------------- officers and teams


def officer_visits_panel(user, today: dt.date) -> Panel:
    """The officer's enterprises whose visit is due or overdue (never visited first), one tap to log a visit."""
    mine = (
        access.enterprises(user)
        .filter(status=Enterprise.Status.ACTIVE)
        .filter(Exists(Assignment.objects.filter(enterprise=OuterRef("pk"), officer=user, ended_on__isnull=True)))
        .only("pk", "name", "is_key", "last_visit_at", "visit_every_days")
    )
    due = [e for e in mine if e.is_due_for_visit]
    due.sort(key=lambda e: (e.last_visit_at is not None, e.next_visit_due or today, e.name))
    rows = [
        {"enterprise": e, "due": e.next_visit_due, "days_overdue": (today - e.next_visit_due).days if e.next_visit_due else None}
        for e in due
    ]
    return Panel(template="visits/panels/visits_due.html", order=5, context={"rows": rows})


def own_items_panel(user, today: dt.date) -> Panel:
    """Items the user works: owned, or waiting at their unit without an owner; red first."""
    mine = (
        access.issues(user)
        .open()
        .filter(Q(owner=user) | Q(owner__isnull=True, responsible_unit_id=user.unit_id))
        .with_light(today)
        .select_related("enterprise")
        .order_by("deadline", "year", "serial")
    )
    items = sorted(mine[:200], key=lambda i: (LIGHT_ORDER.get(i.light_code, 2), i.deadline or dt.date.max))
    counts = {"red": 0, "yellow": 0, "green": 0, "": 0}
    for item in items:
        counts[item.light_code] = counts.get(item.light_code, 0) + 1
    return Panel(
        template="visits/panels/own_items.html",
        order=10,
        context={
            "items": items[:LIST_LIMIT],
            "more": max(0, len(items) - LIST_LIMIT),
            "counts": counts,
            "list_url": issue_list_url(owner=user.pk, status="open"),
        },
    )


def team_panel(user, today: dt.date) -> Panel:
    """Open items of the stations the team answers for, counted by light, each number a link."""
    stations = Unit.objects.filter(pk__in=access.station_ids(user)).order_by("name")
    scoped = access.issues(user).open()
    yellow = deadlines.yellow_threshold(today)
    counts = {
        row["enterprise__station"]: row
        for row in scoped.values("enterprise__station")
        .annotate(
            open=Count("pk"),
            red=Count("pk", filter=running_q() & Q(deadline__lt=today)),
            yellow=Count("pk", filter=running_q() & Q(deadline__gte=today, deadline__lte=yellow)),
            supervised=Count("pk", filter=~Q(supervision="")),
        )
        .order_by()
    }
    rows = []
    for station in stations:
        c = counts.get(station.pk, {})
        rows.append({
            "station": station,
            "open": c.get("open", 0),
            "red": c.get("red", 0),
            "yellow": c.get("yellow", 0),
            "supervised": c.get("supervised", 0),
            "open_url": issue_list_url(station=station.pk, status="open"),
            "red_url": issue_list_url(station=station.pk, light="red"),
            "yellow_url": issue_list_url(station=station.pk, light="yellow"),
            "supervised_url": issue_list_url(station=station.pk, supervision="any", status="open"),
        })
    return Panel(template="visits/panels/team.html", order=15, context={"rows": rows})


# ---------------------------------------------------------------- the office and leaders


@dataclass
class LedgerCounts:
    """The ledger counted once for the office's and leaders' panels: by responsible unit and status, with the
    flags the "waiting for you" panel needs and the open deadlines' years (for the calendar warning)."""

    cells: dict[tuple[int | None, str], int]
    red: dict[int | None, int]
    unit_names: dict[int, tuple[str, str]]
    flags: dict[str, int]
    open_deadline_years: set[int]

    FLAGS = ("followup", "no_callback", "note_due", "extension", "unable")

    @classmethod
    def of(cls, user, today: dt.date) -> LedgerCounts:
        pending = IssueRequest.objects.filter(status=IssueRequest.Status.PENDING)
        rows = (
            access.issues(user)
            .with_note_due(today)
            .values("responsible_unit", "responsible_unit__name", "responsible_unit__kind", "status",
                    deadline_year=ExtractYear("deadline"))
            .annotate(
                n=Count("pk"),
                red=Count("pk", filter=running_q() & Q(deadline__lt=today)),
                followup=Count("pk", filter=Q(needs_followup=True)),
                no_callback=Count("pk", filter=Q(status=Issue.Status.CLOSED, satisfaction="")),
                note_due=Count("pk", filter=Q(note_due=True)),
                # At most one pending request of a kind per item (a unique constraint): items count requests.
                # An uncorrelated IN is read once (a hashed subplan), not probed once per item of the ledger.
                extension=Count("pk", filter=Q(pk__in=pending.filter(kind=IssueRequest.Kind.EXTENSION).values("issue_id"))),
                unable=Count("pk", filter=Q(pk__in=pending.filter(kind=IssueRequest.Kind.UNABLE).values("issue_id"))),
            )
            .order_by()
        )
        counts = cls(cells={}, red={}, unit_names={}, flags=dict.fromkeys(cls.FLAGS, 0), open_deadline_years=set())
        for row in rows:
            unit = row["responsible_unit"]
            key = (unit, row["status"])
            counts.cells[key] = counts.cells.get(key, 0) + row["n"]
            counts.red[unit] = counts.red.get(unit, 0) + row["red"]
            if unit is not None:
                counts.unit_names[unit] = (row["responsible_unit__kind"], row["responsible_unit__name"])
            for flag in cls.FLAGS:
                counts.flags[flag] += row[flag]
            if row["status"] in Issue.OPEN_STATES and row["deadline_year"] is not None:
                counts.open_deadline_years.add(row["deadline_year"])
        return counts

    def in_status(self, *statuses) -> int:
        return sum(n for (_unit, status), n in self.cells.items() if status in statuses)


def waiting_panel(user, today: dt.date, ledger: LedgerCounts) -> Panel:
    """What waits for the office (assign, verify, decide, call back) or for a leader (verify, supervise)."""
    c = ledger.flags
    office = access.is_office(user)
    entries = []
    if office:
        entries.append((ledger.in_status(Issue.Status.REGISTERED, Issue.Status.RETURNED), "assign",
                        issue_list_url(status=[Issue.Status.REGISTERED, Issue.Status.RETURNED])))
    entries.append((ledger.in_status(Issue.Status.RESOLVED), "verify", issue_list_url(status=Issue.Status.RESOLVED)))
    if office:
        entries += [
            (c["extension"], "extension", issue_list_url(attention="extension")),
            (c["unable"], "unable", issue_list_url(attention="unable")),
            (c["followup"], "followup", issue_list_url(attention="followup")),
            (c["no_callback"], "callback", issue_list_url(status=Issue.Status.CLOSED)),
        ]
    entries.append((c["note_due"], "note_due", issue_list_url(attention="note_due")))
    uncovered = []
    if office:
        # The office's ledger is the whole ledger: its open deadlines are every open deadline.
        uncovered = deadlines.uncovered_years(
            today, deadlines.deadline_from(today, 20), *(dt.date(year, 1, 1) for year in ledger.open_deadline_years)
        )
    return Panel(
        template="visits/panels/waiting.html",
        order=5,
        context={"entries": [{"count": n, "kind": k, "url": u} for n, k, u in entries], "uncovered_years": uncovered},
    )


def overdue_and_supervised(user, today: dt.date) -> dict[str, ShortList]:
    """The red list and the supervised items, their first rows and totals in one query."""
    issues = access.issues(user).with_light(today).with_note_due(today).select_related("enterprise", "responsible_unit", "owner")
    return short_lists(
        issues,
        LIST_LIMIT,
        red=(running_q() & Q(deadline__lt=today), ["deadline", "year", "serial"]),
        supervised=(Q(status__in=Issue.OPEN_STATES) & ~Q(supervision=""), [F("note_due").desc(), "deadline", "year", "serial"]),
    )


def red_list_panel(red: ShortList) -> Panel:
    return Panel(
        template="visits/panels/red_list.html",
        order=20,
        context={"items": red.rows, "more": red.total > LIST_LIMIT, "total_url": issue_list_url(light="red"),
                 "total": red.total},
    )


def supervised_panel(supervised: ShortList) -> Panel:
    return Panel(
        template="visits/panels/supervised.html",
        order=25,
        context={"items": supervised.rows, "more": supervised.total > LIST_LIMIT,
                 "total_url": issue_list_url(supervision="any", status="open")},
    )


MATRIX_STATUSES = list(Issue.Status)


def ledger_matrix_panel(user, today: dt.date, ledger: LedgerCounts) -> Panel:
    """The ledger counted status × responsible unit; every number links to the list filtered the same way."""
    cells, red = ledger.cells, ledger.red
    keys = [(pk, name) for pk, (_kind, name) in sorted(ledger.unit_names.items(), key=lambda item: item[1])]
    if any(unit is None for unit, _status in cells):
        keys.append((None, None))
    rows = []
    for pk, name in keys:
        unit_param = pk if pk is not None else "null"
        rows.append({
            "name": name,
            "cells": [
                {"n": cells.get((pk, s.value), 0), "url": issue_list_url(responsible_unit=unit_param, status=s.value)}
                for s in MATRIX_STATUSES
            ],
            "red": red.get(pk, 0),
            "red_url": issue_list_url(responsible_unit=unit_param, light="red"),
            "total": sum(cells.get((pk, s.value), 0) for s in MATRIX_STATUSES),
            "total_url": issue_list_url(responsible_unit=unit_param),
        })
    totals = [
        {"n": sum(cells.get((pk, s.value), 0) for pk, _n in keys), "url": issue_list_url(status=s.value)}
        for s in MATRIX_STATUSES
    ]
    return Panel(
        template="visits/panels/ledger_matrix.html",
        order=60,
        context={
            "statuses": MATRIX_STATUSES, "rows": rows, "totals": totals,
            "red_total": sum(red.values()), "red_url": issue_list_url(light="red"),
            "grand_total": sum(cells.values()), "all_url": issue_list_url(),
        },
    )


def coverage_panel(user, today: dt.date) -> Panel:
    """Enterprises visited on site this month and this year, against those with a community officer."""
    month_start = today.replace(day=1)
    year_start = today.replace(month=1, day=1)
    tz = timezone.get_current_timezone()
    since_month = dt.datetime.combine(month_start, dt.time.min, tzinfo=tz)
    since_year = dt.datetime.combine(year_start, dt.time.min, tzinfo=tz)
    assigned = Assignment.objects.filter(enterprise=OuterRef("pk"), kind=Assignment.Kind.OFFICER, ended_on__isnull=True)
    on_site = Visit.objects.filter(enterprise=OuterRef("pk"), channel=Visit.Channel.ON_SITE)
    scoped = access.enterprises(user).filter(status=Enterprise.Status.ACTIVE)
    rows = (
        scoped.values("station__pk", "station__name")
        .annotate(
            assigned=Count("pk", filter=Q(Exists(assigned))),
            month=Count("pk", filter=Q(Exists(on_site.filter(visited_at__gte=since_month)))),
            year=Count("pk", filter=Q(Exists(on_site.filter(visited_at__gte=since_year)))),
        )
        .order_by("station__name")
    )
    visits_url = reverse("visits:visit_list")
    table = []
    for row in rows:
        station = row["station__pk"]
        table.append({
            **row,
            "month_pct": round(100 * row["month"] / row["assigned"]) if row["assigned"] else None,
            "month_url": f"{visits_url}?{urlencode({'station': station, 'since': month_start.isoformat(), 'channel': 'ON_SITE'})}",
            "year_url": f"{visits_url}?{urlencode({'station': station, 'since': year_start.isoformat(), 'channel': 'ON_SITE'})}",
        })
    total = {
        "assigned": sum(r["assigned"] for r in table),
        "month": sum(r["month"] for r in table),
        "year": sum(r["year"] for r in table),
    }
    return Panel(
        template="visits/panels/coverage.html",
        order=70,
        context={"rows": table, "total": total, "month_start": month_start, "year_start": year_start},
    )
