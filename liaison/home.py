"""The role home: what each kind of user needs first when they open Liaison.

The core shows the officer's enterprises (never-visited and overdue first) or, for everyone else, coverage.
Each app adds its own panels through `<app>/panels.py: home_panels(request) -> list[Panel]`.
"""

import datetime as dt
from dataclasses import dataclass, field
from functools import reduce
from importlib import import_module
from operator import or_

from django.db.models import BooleanField, Case, Count, Exists, FilteredRelation, OuterRef, Q, Value, When, Window
from django.db.models.functions import RowNumber
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from enterprises.models import Assignment, Enterprise
from liaison import access, citywide

PANEL_APPS = ("visits", "enterprises", "supervision", "casework", "reports")


@dataclass
class Panel:
    template: str
    order: int = 50
    context: dict = field(default_factory=dict)


def app_panels(request) -> list[Panel]:
    panels = []
    for app in PANEL_APPS:
        try:
            module = import_module(f"{app}.panels")
        except ModuleNotFoundError:
            continue
        panels.extend(module.home_panels(request))
    return sorted(panels, key=lambda p: p.order)


@dataclass
class ShortList:
    rows: list
    total: int


def short_lists(queryset, limit: int, **lists: tuple[Q, list]) -> dict[str, ShortList]:
    """The first `limit` rows and the number of all rows of each named list (a condition and an ordering) drawn
    from one queryset, in one query whatever the number of lists and rows.

    Window functions number each list's rows in its own order and count them; a row may belong to several lists.
    """
    annotations = {}
    for name, (condition, ordering) in lists.items():
        member = Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())
        annotations[f"_{name}_place"] = Case(When(condition, then=Window(RowNumber(), partition_by=[member], order_by=ordering)))
        annotations[f"_{name}_total"] = Window(Count("pk", filter=condition))
    rows = list(
        queryset.filter(reduce(or_, (condition for condition, _ordering in lists.values())))
        .annotate(**annotations)
        .filter(reduce(or_, (Q(**{f"_{name}_place__lte": limit}) for name in lists)))
        .order_by()
    )
    out = {}
    for name in lists:
        place = f"_{name}_place"
        shown = sorted((row for row in rows if (getattr(row, place) or limit + 1) <= limit), key=lambda row: getattr(row, place))
        out[name] = ShortList(rows=shown, total=getattr(rows[0], f"_{name}_total") if rows else 0)
    return out


def coverage(enterprises, today) -> tuple[dict, list[dict]]:
    """Coverage of the given enterprises, per police station and in total, in one pass over them.

    The current community officer is joined (at most one row per enterprise, by a unique constraint) rather
    than looked up per enterprise: at city scale that is one scan instead of 50,000 index probes.
    "Visited in the last 30 days" counts whole days (today and the 29 before), so the figure holds all day.
    """
    since = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=29), dt.time.min))
    hazardous = Q(has_explosives=True) | Q(has_hazardous_chemicals=True) | Q(has_fuel=True) | Q(has_fireworks=True)
    current = FilteredRelation(
        "assignments", condition=Q(assignments__kind=Assignment.Kind.OFFICER, assignments__ended_on__isnull=True)
    )
    rows = list(
        enterprises.alias(current_officer=current)
        .values("station__pk", "station__name")
        .annotate(
            total=Count("pk"),
            assigned=Count("current_officer__pk"),
            key=Count("pk", filter=Q(is_key=True)),
            hazardous=Count("pk", filter=hazardous),
            visited_30=Count("pk", filter=Q(last_visit_at__gte=since)),
        )
        .order_by("station__name")
    )
    totals = {key: sum(row[key] for row in rows) for key in ("total", "assigned", "key", "hazardous", "visited_30")}
    totals["unassigned"] = totals["total"] - totals["assigned"]
    return totals, rows


@require_safe
def home(request):
    user = request.user
    if access.is_auditor(user):
        return redirect("accounts:audit_log")
    if not access.is_programme_user(user):
        if user.is_staff:
            return redirect("admin:index")
        return render(request, "home_no_role.html", status=403)
    today = timezone.localdate()
    context = {"today": today}
    scoped = access.enterprises(user).filter(status=Enterprise.Status.ACTIVE)
    if access.role_of(user) == access.OFFICER:
        mine = scoped.filter(
            Exists(Assignment.objects.filter(enterprise=OuterRef("pk"), officer=user, ended_on__isnull=True))
        ).select_related("station")
        # Never-visited first, then the longest overdue.
        context["my_enterprises"] = sorted(mine, key=lambda e: (e.last_visit_at is not None, e.next_visit_due or today))
    else:
        context["coverage"], context["by_station"] = citywide.kept("coverage", (user.pk, today), lambda: coverage(scoped, today))
    context["panels"] = app_panels(request)
    return render(request, "home.html", context)
