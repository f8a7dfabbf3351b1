"""Panels this app adds to the role home (see liaison.home).

Officer: visits due first (one tap to log one), then their own ledger items by light.
Team: the items of the stations the team answers for, and those assigned to the team.
Office and leaders: what waits for them, the red list, supervised items, the ledger counted status × unit
(every number a link to the filtered list) and visit coverage.
Every panel costs a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts.models import Unit
from enterprises.models import Assignment, Enterprise
from liaison import access
from liaison.home import Panel
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
        return [
            waiting_panel(user, today),
            red_list_panel(user, today),
            supervised_panel(user, today),
            ledger_matrix_panel(user, today),
            coverage_panel(user, today),
        ]
    return []


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


def waiting_panel(user, today: dt.date) -> Panel:
    """What waits for the office (assign, verify, decide, call back) or for a leader (verify, supervise)."""
    issues = access.issues(user)
    pending = IssueRequest.objects.filter(status=IssueRequest.Status.PENDING, issue__in=issues.values("pk"))
    c = issues.aggregate(
        to_assign=Count("pk", filter=Q(status__in=[Issue.Status.REGISTERED, Issue.Status.RETURNED])),
        to_verify=Count("pk", filter=Q(status=Issue.Status.RESOLVED)),
        followup=Count("pk", filter=Q(needs_followup=True)),
        no_callback=Count("pk", filter=Q(status=Issue.Status.CLOSED, satisfaction="")),
    )
    requests = dict(pending.values_list("kind").annotate(n=Count("pk")).order_by())
    office = access.is_office(user)
    entries = []
    if office:
        entries.append((c["to_assign"], "assign", issue_list_url(status=[Issue.Status.REGISTERED, Issue.Status.RETURNED])))
    entries.append((c["to_verify"], "verify", issue_list_url(status=Issue.Status.RESOLVED)))
    if office:
        entries += [
            (requests.get(IssueRequest.Kind.EXTENSION, 0), "extension", issue_list_url(attention="extension")),
            (requests.get(IssueRequest.Kind.UNABLE, 0), "unable", issue_list_url(attention="unable")),
            (c["followup"], "followup", issue_list_url(attention="followup")),
            (c["no_callback"], "callback", issue_list_url(status=Issue.Status.CLOSED)),
        ]
    note_due = issues.note_due(today).count()
    entries.append((note_due, "note_due", issue_list_url(attention="note_due")))
    uncovered = []
    if office:
        years = Issue.objects.open().filter(deadline__isnull=False).dates("deadline", "year")
        uncovered = deadlines.uncovered_years(today, deadlines.deadline_from(today, 20), *years)
    return Panel(
        template="visits/panels/waiting.html",
        order=5,
        context={"entries": [{"count": n, "kind": k, "url": u} for n, k, u in entries], "uncovered_years": uncovered},
    )


def red_list_panel(user, today: dt.date) -> Panel:
    red = (
        access.issues(user).light("red", today)
        .select_related("enterprise", "responsible_unit", "owner")
        .order_by("deadline", "year", "serial")
    )
    items = list(red[: LIST_LIMIT + 1])
    return Panel(
        template="visits/panels/red_list.html",
        order=20,
        context={"items": items[:LIST_LIMIT], "more": len(items) > LIST_LIMIT, "total_url": issue_list_url(light="red"),
                 "total": red.count() if len(items) > LIST_LIMIT else len(items)},
    )


def supervised_panel(user, today: dt.date) -> Panel:
    supervised = (
        access.issues(user).open().exclude(supervision="")
        .with_light(today).with_note_due(today)
        .select_related("enterprise", "responsible_unit", "owner")
        .order_by("-note_due", "deadline", "year", "serial")
    )
    items = list(supervised[: LIST_LIMIT + 1])
    return Panel(
        template="visits/panels/supervised.html",
        order=25,
        context={"items": items[:LIST_LIMIT], "more": len(items) > LIST_LIMIT,
                 "total_url": issue_list_url(supervision="any", status="open")},
    )


MATRIX_STATUSES = list(Issue.Status)


def ledger_matrix_panel(user, today: dt.date) -> Panel:
    """The ledger counted status × responsible unit; every number links to the list filtered the same way."""
    issues = access.issues(user)
    cells = {}
    for row in issues.values("responsible_unit", "status").annotate(n=Count("pk")).order_by():
        cells[(row["responsible_unit"], row["status"])] = row["n"]
    red = dict(issues.light("red", today).values_list("responsible_unit").annotate(n=Count("pk")).order_by())
    unit_ids = {unit for unit, _status in cells}
    units = {u.pk: u for u in Unit.objects.filter(pk__in=[u for u in unit_ids if u is not None])}
    ordered = sorted(units.values(), key=lambda u: (u.kind, u.name))
    keys = [(u.pk, u.name) for u in ordered]
    if None in unit_ids:
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
