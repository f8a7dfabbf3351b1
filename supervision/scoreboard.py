"""The unit scoreboard (考核): per police station and team, for a period, from the ledger and the visits.

Every figure is computed in SQL from the rows the viewer may see (liaison.access), with a fixed number of
queries whatever the number of units or records; the working-day figures read the calendar once and count in
Python. `COLUMNS` carries each column's formula as shown on the page, and `records()` returns the rows behind
any figure, so that a figure and the list behind it always agree.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, DateField, Exists, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Font

from accounts.models import StationLiaison, Unit
from enterprises.models import Assignment, Enterprise
from liaison import access, citywide
from supervision.figures import Period, WorkdayCounter, light_q
from supervision.models import Notice
from visits.models import Issue, IssueUpdate, Visit

SUPERVISION_NOTE_EVERY = 5  # working days between two progress notes on a supervised ledger item
SATISFIED = (Issue.Satisfaction.SATISFIED, Issue.Satisfaction.BASICALLY)
REACHED = (*SATISFIED, Issue.Satisfaction.DISSATISFIED)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    formula: str
    records: str  # which list of records() is behind it


COLUMNS = [
    Column(
        "enterprises", _("Enterprises in charge"),
        _("Active enterprises the unit answers for: for a station, those in its jurisdiction; for a team, those in the "
          "stations it answers for and those assigned to the team."),
        "enterprises",
    ),
    Column(
        "coverage", _("Visit coverage"),
        _("Enterprises in charge visited at least once in the period with an officer of the unit recording or present "
          "÷ enterprises in charge."),
        "enterprises",
    ),
    Column(
        "visits_per_enterprise", _("Visits per enterprise"),
        _("Visits in the period to enterprises in charge with an officer of the unit recording or present ÷ enterprises in charge."),
        "visits",
    ),
    Column(
        "on_time", _("Closed on time"),
        _("Ledger items of the unit verified and closed in the period on or before their deadline (an approved "
          "extension counts) ÷ ledger items of the unit closed in the period."),
        "closed",
    ),
    Column(
        "overdue", _("Overdue now"),
        _("Open ledger items of the unit past their deadline today (red), whatever the period."),
        "overdue",
    ),
    Column(
        "mean_days", _("Mean working days to close"),
        _("Over the ledger items of the unit closed in the period: working days from acceptance to closure, averaged."),
        "closed",
    ),
    Column(
        "satisfaction", _("Satisfaction"),
        _("Items closed in the period whose enterprise was satisfied or basically satisfied ÷ items closed in the period "
          "whose enterprise was reached on the call-back (satisfied, basically satisfied or dissatisfied)."),
        "satisfaction",
    ),
    Column(
        "not_reached", _("Not reached"),
        _("Items closed in the period whose enterprise could not be reached on the call-back: counted apart, "
          "outside the satisfaction rate."),
        "not_reached",
    ),
    Column(
        "notes_on_time", _("Supervision notes on time"),
        _("A supervised ledger item of the unit owes a progress note every %(n)d working days from the start of its "
          "supervision. Due dates in the period (up to today and until the item is closed) with a note since the "
          "previous due date ÷ due dates in the period.") % {"n": SUPERVISION_NOTE_EVERY},
        "supervision",
    ),
    Column(
        "notices", _("Notices"),
        _("Commendations (+) and criticisms (−) of the unit or its officers dated in the period."),
        "notices",
    ),
]
COLUMN_KEYS = {c.key for c in COLUMNS}
RECORD_KINDS = {c.records for c in COLUMNS}


def ratio(numerator: int, denominator: int, scale: int = 100) -> float | None:
    if not denominator:
        return None
    return round(numerator * scale / denominator, 1)


@dataclass
class Row:
    unit: Unit
    enterprises: int = 0
    covered: int = 0
    visits: int = 0
    closed: int = 0
    closed_on_time: int = 0
    overdue: int = 0
    workdays_to_close: int = 0  # summed over the items closed in the period with a known acceptance
    closed_with_workdays: int = 0
    rated: int = 0
    satisfied: int = 0
    not_reached: int = 0
    notes_due: int = 0
    notes_met: int = 0
    commendations: int = 0
    criticisms: int = 0

    @property
    def coverage(self):
        return ratio(self.covered, self.enterprises)

    @property
    def visits_per_enterprise(self):
        return round(self.visits / self.enterprises, 2) if self.enterprises else None

    @property
    def on_time(self):
        return ratio(self.closed_on_time, self.closed)

    @property
    def mean_days(self):
        if not self.closed_with_workdays:
            return None
        return round(self.workdays_to_close / self.closed_with_workdays, 1)

    @property
    def satisfaction(self):
        return ratio(self.satisfied, self.rated)

    @property
    def notes_on_time(self):
        return ratio(self.notes_met, self.notes_due)

    @property
    def notices(self):
        return self.commendations - self.criticisms


# ---------------------------------------------------------------- who answers for what


def in_charge_of(unit: Unit) -> Q:
    """Q on Enterprise: in the charge of `unit`: in its jurisdiction, in a station it answers for, or assigned to it."""
    return (
        Q(station_id=unit.pk)
        | Q(station_id__in=StationLiaison.objects.filter(team_id=unit.pk).values("station_id"))
        | Exists(
            Assignment.objects.filter(kind=Assignment.Kind.TEAM, team_id=unit.pk, enterprise_id=OuterRef("pk"), ended_on__isnull=True)
        )
    )


def took_part_of(unit: Unit) -> Q:
    """Q on Visit: an officer of `unit` recorded it or was present."""
    present = Visit.officers.through.objects.filter(visit_id=OuterRef("pk"), user__unit_id=unit.pk)
    return Q(author__unit_id=unit.pk) | Exists(present)


def _in_charge_of_column(unit: str, enterprise: str) -> Q:
    """in_charge_of's rule with the unit read from column `unit` of each row and the enterprise at path `enterprise`."""
    return (
        Q(**{f"{enterprise}__station_id": F(unit)})
        | Exists(StationLiaison.objects.filter(team_id=OuterRef(unit), station_id=OuterRef(f"{enterprise}__station_id")))
        | Exists(
            Assignment.objects.filter(
                kind=Assignment.Kind.TEAM, team_id=OuterRef(unit), enterprise_id=OuterRef(f"{enterprise}_id"), ended_on__isnull=True
            )
        )
    )


def SubqueryCount(queryset: QuerySet) -> Subquery:  # noqa: N802 (reads as the expression it builds)
    """The number of rows of a (correlated) queryset, as a scalar subquery: SELECT COUNT(pk) … without GROUP BY."""
    return Subquery(
        queryset.order_by().annotate(row_count=Func(F("pk"), function="COUNT", output_field=IntegerField())).values("row_count")[:1],
        output_field=IntegerField(),
    )


def _enterprises(user) -> QuerySet:
    return access.enterprises(user).filter(status=Enterprise.Status.ACTIVE)


# ---------------------------------------------------------------- the figures


def figures(user, period: Period, unit: Unit | None = None) -> list[Row]:
    """compute() for the units `user` may assess (or one of them), kept until the records change (liaison.citywide)."""
    today = timezone.localdate()
    units = access.assessed_units(user)
    if unit is not None:
        units = units.filter(pk=unit.pk)
    key = (user.pk, unit.pk if unit else "all", period.since, period.until, today)
    return citywide.kept("scoreboard", key, lambda: compute(user, period, units=units, today=today))


def compute(user, period: Period, units: QuerySet | None = None, today: dt.date | None = None) -> list[Row]:
    today = today or timezone.localdate()
    units = access.assessed_units(user) if units is None else units
    issues = access.issues(user)

    rows = {unit.pk: Row(unit=unit) for unit in units.order_by("kind", "name")}
    if not rows:
        return []
    unit_ids = list(rows)
    for unit_id, (n_enterprises, covered, n_visits) in charge_figures(user, period, unit_ids).items():
        rows[unit_id].enterprises, rows[unit_id].covered, rows[unit_id].visits = n_enterprises, covered, n_visits

    closed = Q(status=Issue.Status.CLOSED) & period.instants("closed_at")
    per_unit = (
        issues.filter(responsible_unit_id__in=unit_ids)
        .order_by()
        .values("responsible_unit_id")
        .annotate(
            closed=Count("pk", filter=closed),
            on_time=Count("pk", filter=closed & Q(deadline__isnull=False, closed_at__date__lte=F("deadline"))),
            overdue=Count("pk", filter=light_q("red", today)),
            rated=Count("pk", filter=closed & Q(satisfaction__in=REACHED)),
            satisfied=Count("pk", filter=closed & Q(satisfaction__in=SATISFIED)),
            not_reached=Count("pk", filter=closed & Q(satisfaction=Issue.Satisfaction.NOT_REACHED)),
        )
    )
    for figures in per_unit:
        row = rows[figures["responsible_unit_id"]]
        row.closed, row.closed_on_time, row.overdue = figures["closed"], figures["on_time"], figures["overdue"]
        row.rated, row.satisfied, row.not_reached = figures["rated"], figures["satisfied"], figures["not_reached"]

    for unit_id, (total, counted) in workdays_to_close(issues.filter(responsible_unit_id__in=unit_ids), period).items():
        rows[unit_id].workdays_to_close, rows[unit_id].closed_with_workdays = total, counted

    for unit_id, items in supervision_notes(issues.filter(responsible_unit_id__in=unit_ids), period, today).items():
        rows[unit_id].notes_due = sum(due for _issue, due, _met in items)
        rows[unit_id].notes_met = sum(met for _issue, _due, met in items)

    notices = (
        access.notices(user)
        .filter(unit_id__in=unit_ids, issued_on__range=(period.since, period.until))
        .order_by()
        .values("unit_id")
        .annotate(
            commendations=Count("pk", filter=Q(kind=Notice.Kind.COMMENDATION)),
            criticisms=Count("pk", filter=Q(kind=Notice.Kind.CRITICISM)),
        )
    )
    for figures in notices:
        rows[figures["unit_id"]].commendations = figures["commendations"]
        rows[figures["unit_id"]].criticisms = figures["criticisms"]
    return list(rows.values())


def charge_figures(user, period: Period, unit_ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """{unit id: (enterprises in charge, of which visited, visits)} for the period, as `records()` lists them.

    Grouped over the visits once rather than once per unit: a unit takes part in a visit as its recorder's unit
    or as the unit of an officer present. The recorders' side is one grouped query; the officers-present side
    counts only what the recorder's unit did not already count (the same visit, or another visit to the same
    enterprise), so that the two sides add up without counting anything twice.
    """
    enterprises = _enterprises(user)
    visits = access.visits(user).filter(period.instants("visited_at"), enterprise__status=Enterprise.Status.ACTIVE)

    def visible(enterprise: str) -> Q | None:
        # Only enterprises the user may see count as visited (the visits may include one the user recorded in an
        # enterprise since moved out of their scope).
        return None if access.sees_everything(user) else Q(**{f"{enterprise}__in": enterprises.values("pk")})

    # Enterprises in charge: a station's own, the stations a team answers for, and the enterprises assigned to a
    # team outside those stations.
    links = StationLiaison.objects.filter(team_id__in=unit_ids).exclude(team_id=F("station_id"))
    assigned_apart = (
        Assignment.objects.filter(
            kind=Assignment.Kind.TEAM, ended_on__isnull=True, team_id__in=unit_ids, enterprise__in=enterprises.values("pk")
        )
        .exclude(enterprise__station_id=F("team_id"))
        .exclude(Exists(StationLiaison.objects.filter(team_id=OuterRef("team_id"), station_id=OuterRef("enterprise__station_id"))))
    )
    # Visits: those recorded by an officer of the unit, then those where one was present and none of the unit
    # recorded it (nor, for coverage, another visit to the same enterprise).
    recorded = visits.filter(author__unit_id__in=unit_ids).filter(_in_charge_of_column("author__unit_id", "enterprise"))
    present = (
        Visit.officers.through.objects.filter(visit__in=visits.values("pk"), user__unit_id__in=unit_ids)
        .exclude(visit__author__unit_id=F("user__unit_id"))
        .filter(_in_charge_of_column("user__unit_id", "visit__enterprise"))
    )
    recorded_by_unit = Exists(visits.filter(author__unit_id=OuterRef("user__unit_id"), enterprise_id=OuterRef("visit__enterprise_id")))
    first_seen = ~recorded_by_unit if visible("visit__enterprise") is None else ~recorded_by_unit & visible("visit__enterprise")

    def part(number: int, queryset: QuerySet, *columns) -> QuerySet:
        """Rows of (part, unit or station, …): the five parts below are read in one query (UNION ALL)."""
        return queryset.order_by().annotate(_part=Value(number), _zero=Value(0)).values_list("_part", *columns)

    parts = [
        part(0, enterprises, "station_id").annotate(n=Count("pk"), _none=Value(0)),
        part(1, links, "team_id", "station_id", "_zero"),
        part(2, assigned_apart, "team_id").annotate(n=Count("enterprise_id", distinct=True), _none=Value(0)),
        part(3, recorded, "author__unit_id").annotate(
            n=Count("pk"), covered=Count("enterprise_id", distinct=True, filter=visible("enterprise"))
        ),
        part(4, present, "user__unit_id").annotate(
            n=Count("visit_id", distinct=True), covered=Count("visit__enterprise_id", distinct=True, filter=first_seen)
        ),
    ]
    per_station, stations_of, assigned, took_part = {}, defaultdict(set), {}, defaultdict(lambda: [0, 0])
    for part, key, a, b in parts[0].union(*parts[1:], all=True):
        if part == 0:
            per_station[key] = a
        elif part == 1:
            stations_of[key].add(a)
        elif part == 2:
            assigned[key] = a
        else:
            took_part[key][0] += a
            took_part[key][1] += b
    return {
        unit_id: (
            per_station.get(unit_id, 0) + sum(per_station.get(s, 0) for s in stations_of[unit_id]) + assigned.get(unit_id, 0),
            took_part[unit_id][1],
            took_part[unit_id][0],
        )
        for unit_id in unit_ids
    }


def closed_in(issues: QuerySet, period: Period) -> QuerySet:
    return issues.filter(status=Issue.Status.CLOSED).filter(period.instants("closed_at"))


def days_to_close(issues: QuerySet, period: Period) -> dict[int, list[tuple[int, int]]]:
    """{unit id: [(issue id, working days from acceptance to closure)]} for items closed in the period."""
    pairs = list(
        closed_in(issues, period)
        .filter(accepted_at__isnull=False)
        .order_by()
        .values_list("pk", "responsible_unit_id", "accepted_at", "closed_at")
    )
    if not pairs:
        return {}
    dates = [(pk, unit, timezone.localdate(a), timezone.localdate(c)) for pk, unit, a, c in pairs]
    counter = WorkdayCounter(min(min(a, c) for _p, _u, a, c in dates), max(max(a, c) for _p, _u, a, c in dates))
    out = defaultdict(list)
    for pk, unit, accepted, closed in dates:
        out[unit].append((pk, max(0, counter.between(accepted, closed))))
    return out


def workdays_to_close(issues: QuerySet, period: Period) -> dict[int, tuple[int, int]]:
    """{unit id: (working days from acceptance to closure summed over its items closed in the period, items)}.

    The working days between two dates are the difference of a running count of working days (WorkdayCounter),
    so their sum over many items needs only how many items were accepted and how many closed on each day: one
    grouped query, however many items were closed. An item closed on an earlier day than it was accepted counts
    0 days, as in days_to_close(); such items (normally none) are listed apart to correct the sum.
    """
    closed = closed_in(issues, period).filter(accepted_at__isnull=False).order_by()
    no_day = Value(None, output_field=DateField())
    accepted_day, closed_day = TruncDate("accepted_at"), TruncDate("closed_at")

    def grouped(side: int, accepted, closed_on, queryset=closed):
        return (
            queryset.annotate(side=Value(side), accepted_on=accepted, closed_on=closed_on)
            .values("responsible_unit_id", "side", "accepted_on", "closed_on")
            .annotate(n=Count("pk"))
            .values_list("responsible_unit_id", "side", "accepted_on", "closed_on", "n")
        )

    backwards = closed.alias(a=accepted_day, c=closed_day).filter(c__lt=F("a"))
    counts = list(
        grouped(0, accepted_day, no_day).union(grouped(1, no_day, closed_day), grouped(2, accepted_day, closed_day, backwards), all=True)
    )
    days = [d for _u, _s, a, c, _n in counts for d in (a, c) if d is not None]
    if not days:
        return {}
    counter = WorkdayCounter(min(days), max(days))
    first = min(days)
    total, counted = defaultdict(int), defaultdict(int)
    for unit_id, side, accepted, closed_on, n in counts:
        if side == 0:
            total[unit_id] -= n * counter.between(first, accepted)
            counted[unit_id] += n
        elif side == 1:
            total[unit_id] += n * counter.between(first, closed_on)
        else:
            total[unit_id] += n * counter.between(closed_on, accepted)
    return {unit_id: (total[unit_id], counted[unit_id]) for unit_id in counted}


def supervision_notes(issues: QuerySet, period: Period, today: dt.date) -> dict[int, list[tuple[Issue, int, int]]]:
    """{unit id: [(item, notes due in the period, of which met)]} for the supervised items of the units."""
    last_day = min(period.until, today)
    items = list(
        issues.exclude(supervision="")
        .filter(supervised_since__isnull=False, supervised_since__lt=period.end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=period.start))
        .select_related("enterprise", "responsible_unit")
        .order_by("supervised_since")
    )
    if not items or last_day < period.since:
        return {}
    notes = defaultdict(list)
    for issue_id, at in (
        IssueUpdate.objects.filter(issue__in=[i.pk for i in items], is_supervision_note=True).order_by("at").values_list("issue_id", "at")
    ):
        notes[issue_id].append(timezone.localdate(at))
    first = min(timezone.localdate(i.supervised_since) for i in items)
    counter = WorkdayCounter(first, last_day + dt.timedelta(days=SUPERVISION_NOTE_EVERY * 3 + 14))
    out = defaultdict(list)
    for item in items:
        start = timezone.localdate(item.supervised_since)
        end = last_day
        if item.closed_at is not None:
            end = min(end, timezone.localdate(item.closed_at))
        elif item.status not in Issue.OPEN_STATES:
            # Transferred or cannot be handled: nothing is owed after the record last changed.
            end = min(end, timezone.localdate(item.updated_at))
        due = met = 0
        window_start = start
        due_date = counter.add(start, SUPERVISION_NOTE_EVERY)
        while due_date <= end:
            if due_date >= period.since:
                due += 1
                if any(window_start <= day <= due_date for day in notes[item.pk]):
                    met += 1
            window_start = due_date + dt.timedelta(days=1)
            due_date = counter.add(due_date, SUPERVISION_NOTE_EVERY)
        if due:
            out[item.responsible_unit_id].append((item, due, met))
    return out


# ---------------------------------------------------------------- the records behind a figure


def records(user, unit: Unit, kind: str, period: Period, today: dt.date | None = None):
    """The rows behind one unit's figures of kind `kind` (see Column.records), for the records page."""
    today = today or timezone.localdate()
    issues = access.issues(user).filter(responsible_unit=unit)
    if kind == "enterprises":
        took_part = access.visits(user).filter(period.instants("visited_at")).filter(took_part_of(unit))
        return (
            _enterprises(user)
            .filter(in_charge_of(unit))
            .select_related("station")
            .annotate(
                period_visits=SubqueryCount(took_part.filter(enterprise_id=OuterRef("pk"))),
            )
            .order_by("period_visits", "name")
        )
    if kind == "visits":
        in_charge = Enterprise.objects.filter(in_charge_of(unit), pk=OuterRef("enterprise_id"), status=Enterprise.Status.ACTIVE)
        return (
            access.visits(user)
            .filter(period.instants("visited_at"))
            .filter(took_part_of(unit))
            .filter(Exists(in_charge))
            .select_related("enterprise", "author")
            .order_by("-visited_at")
        )
    if kind == "closed":
        days = dict(days_to_close(issues, period).get(unit.pk, []))
        rows = list(closed_in(issues, period).select_related("enterprise", "owner").order_by("closed_at"))
        for issue in rows:
            issue.workdays_to_close = days.get(issue.pk)
            issue.closed_on_time = issue.deadline is not None and timezone.localdate(issue.closed_at) <= issue.deadline
        return rows
    if kind == "overdue":
        return issues.filter(light_q("red", today)).select_related("enterprise", "owner").order_by("deadline")
    if kind == "satisfaction":
        return closed_in(issues, period).filter(satisfaction__in=REACHED).select_related("enterprise", "owner").order_by("closed_at")
    if kind == "not_reached":
        return (
            closed_in(issues, period)
            .filter(satisfaction=Issue.Satisfaction.NOT_REACHED)
            .select_related("enterprise", "owner")
            .order_by("closed_at")
        )
    if kind == "supervision":
        rows = []
        for item, due, met in supervision_notes(issues, period, today).get(unit.pk, []):
            item.notes_due, item.notes_met = due, met
            rows.append(item)
        return rows
    if kind == "notices":
        return (
            access.notices(user)
            .filter(unit=unit, issued_on__range=(period.since, period.until))
            .select_related("officer", "issuer")
            .order_by("-issued_on")
        )
    raise ValueError(kind)


# ---------------------------------------------------------------- the Excel export


def workbook(rows: list[Row], period: Period):
    """The figures (with what they are computed from) and a sheet of the formulas, as an open .xlsx file."""
    book = Workbook()
    sheet = book.active
    sheet.title = str(_("Scoreboard"))[:31]
    sheet.append([gettext("Period"), f"{period.since.isoformat()} – {period.until.isoformat()}"])
    parts = [
        (_("Visited"), "covered"), (_("Visits"), "visits"), (_("Closed"), "closed"), (_("Closed by the deadline"), "closed_on_time"),
        (_("Reached"), "rated"), (_("Satisfied"), "satisfied"), (_("Notes due"), "notes_due"), (_("Notes on time"), "notes_met"),
        (_("Commendations"), "commendations"), (_("Criticisms"), "criticisms"),
    ]
    sheet.append([gettext("Unit"), gettext("Kind"), *(str(c.label) for c in COLUMNS), *(str(label) for label, _key in parts)])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in sorted(rows, key=lambda r: (r.unit.kind, r.unit.name)):
        sheet.append([
            row.unit.name, str(row.unit.get_kind_display()), *(getattr(row, c.key) for c in COLUMNS),
            *(getattr(row, key) for _label, key in parts),
        ])
    formulas = book.create_sheet(str(_("Formulas"))[:31])
    formulas.append([gettext("Column"), gettext("How it is computed")])
    for column in COLUMNS:
        formulas.append([str(column.label), str(column.formula)])
    handle = tempfile.TemporaryFile()
    book.save(handle)
    handle.seek(0)
    return handle
