"""The programme's figures for a period and a scope, each counted from the records behind it.

The seed reports: 走访企业 N 家、消除隐患 N 处、化解矛盾纠纷 N 起、破获影响企业生产经营秩序案件 N 起、刑事拘留 N 人；
查处扰乱企业办公秩序案件 N 起、行政拘留 N 人；破获破坏环境类案件 N 起、食品类案件 N 起 …

Counting rules (also in docs/casework.md):
- a visit counts on the day it took place; an enterprise counts once however often it was visited;
- a hazard or dispute counts when its ledger item was verified and closed, plus those an activity removed or resolved;
- a case counts in the period in which it was solved (破案, or 查处 for an administrative case), and its
  detentions count with it;
- an activity counts on the day it was held.
Every figure is narrowed to what the user may see (liaison.access), then to the chosen station or unit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from casework.models import Activity, Case, ChannelApproval, CoerciveMeasure
from enterprises.models import Enterprise
from liaison import access
from visits.models import Issue, Visit


@dataclass
class Scope:
    start: dt.date
    end: dt.date
    station: Unit | None = None
    unit: Unit | None = None

    @property
    def since(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    @property
    def until(self) -> dt.datetime:
        """Exclusive end: midnight after the last day (Asia/Shanghai)."""
        return timezone.make_aware(dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min))


class Part(NamedTuple):
    key: str
    label: str
    value: int


@dataclass
class Figure:
    key: str
    label: str
    value: int
    parts: list[Part] = field(default_factory=list)
    records: str = ""  # the drill-down key, when the figure has records to list

    def part(self, key: str) -> int:
        return next(p.value for p in self.parts if p.key == key)


# ---------------------------------------------------------------- the record sets, narrowed


def visits(user, scope: Scope) -> QuerySet:
    qs = access.visits(user).filter(visited_at__gte=scope.since, visited_at__lt=scope.until)
    if scope.station:
        qs = qs.filter(enterprise__station=scope.station)
    if scope.unit:
        present = Visit.officers.through.objects.filter(visit_id=OuterRef("pk"), user__unit=scope.unit)
        qs = qs.filter(Q(author__unit=scope.unit) | Q(Exists(present)))
    return qs


def closed_issues(user, scope: Scope, category: str | None = None) -> QuerySet:
    qs = access.issues(user).filter(status=Issue.Status.CLOSED, closed_at__gte=scope.since, closed_at__lt=scope.until)
    if category is not None:
        qs = qs.filter(category=category)
    if scope.station:
        qs = qs.filter(enterprise__station=scope.station)
    if scope.unit:
        qs = qs.filter(responsible_unit=scope.unit)
    return qs


def cases(user, scope: Scope) -> QuerySet:
    qs = access.cases(user)
    if scope.station:
        qs = qs.filter(enterprise__station=scope.station)
    if scope.unit:
        qs = qs.filter(handling_unit=scope.unit)
    return qs


def solved_cases(user, scope: Scope) -> QuerySet:
    return cases(user, scope).filter(solved_at__gte=scope.since, solved_at__lt=scope.until)


def activities(user, scope: Scope) -> QuerySet:
    qs = access.activities(user).filter(held_on__gte=scope.start, held_on__lte=scope.end)
    if scope.station:
        by_unit = Activity.units.through.objects.filter(activity_id=OuterRef("pk"), unit=scope.station)
        by_enterprise = Activity.enterprises.through.objects.filter(activity_id=OuterRef("pk"), enterprise__station=scope.station)
        qs = qs.filter(Q(Exists(by_unit)) | Q(Exists(by_enterprise)))
    if scope.unit:
        qs = qs.filter(Exists(Activity.units.through.objects.filter(activity_id=OuterRef("pk"), unit=scope.unit)))
    return qs


CASE_GROUPS = {
    "business": Q(case_type__in=Case.BUSINESS_TYPES),
    "office_order": Q(case_type=Case.Type.OFFICE_ORDER),
    "environmental": Q(case_type=Case.Type.ENVIRONMENTAL),
    "food": Q(case_type=Case.Type.FOOD),
    "other": Q(case_type=Case.Type.OTHER),
}
CASE_GROUP_LABELS = {
    "business": _("Cases solved that disturbed business"),
    "office_order": _("Office-order cases dealt with"),
    "environmental": _("Environmental cases solved"),
    "food": _("Food cases solved"),
    "other": _("Other cases solved"),
}


# ---------------------------------------------------------------- the figures


def compute(user, scope: Scope) -> dict:
    """All figures: a fixed number of queries, whatever the number of records."""
    visited = visits(user, scope).aggregate(enterprises=Count("enterprise", distinct=True), visits=Count("pk"))
    ledger = closed_issues(user, scope).aggregate(
        hazards=Count("pk", filter=Q(category=Issue.Category.HAZARD)),
        disputes=Count("pk", filter=Q(category=Issue.Category.DISPUTE)),
    )
    hazards_ledger, disputes_ledger = ledger["hazards"], ledger["disputes"]

    case_aggregates = {}
    for key, condition in CASE_GROUPS.items():
        case_aggregates[f"{key}_n"] = Count("pk", filter=condition)
        case_aggregates[f"{key}_criminal"] = Sum("criminal_detentions", filter=condition, default=0)
        case_aggregates[f"{key}_administrative"] = Sum("administrative_detentions", filter=condition, default=0)
    solved = solved_cases(user, scope).aggregate(
        total=Count("pk"),
        criminal=Sum("criminal_detentions", default=0),
        administrative=Sum("administrative_detentions", default=0),
        **case_aggregates,
    )
    case_flow = cases(user, scope).aggregate(
        received=Count("pk", filter=Q(received_at__gte=scope.since, received_at__lt=scope.until)),
        filed=Count("pk", filter=Q(filed_at__gte=scope.since, filed_at__lt=scope.until)),
        transferred=Count("pk", filter=Q(transferred_at__gte=scope.since, transferred_at__lt=scope.until)),
    )
    measures = CoerciveMeasure.objects.filter(case__in=cases(user, scope).values("pk")).aggregate(
        proposed=Count("pk", filter=Q(proposed_on__gte=scope.start, proposed_on__lte=scope.end)),
        executed=Count("pk", filter=Q(executed_at__gte=scope.since, executed_at__lt=scope.until)),
    )
    acts = activities(user, scope)
    K = Activity.Kind
    activity = acts.aggregate(
        publicity=Count("pk", filter=Q(kind=K.PUBLICITY)),
        campaigns=Count("pk", filter=Q(kind=K.CAMPAIGN)),
        services=Count("pk", filter=Q(kind=K.SERVICE)),
        escorts=Count("pk", filter=Q(kind=K.ESCORT)),
        audience=Sum("audience", default=0),
        hazards_found=Sum("hazards_found", default=0),
        hazards_removed=Sum("hazards_removed", default=0),
        disputes_resolved=Sum("disputes_resolved", default=0),
        people_served=Sum("people_served", default=0),
        documents=Sum("documents", default=0),
        patrols=Sum("patrols", default=0),
        cameras=Sum("cameras_installed", default=0),
    )
    reached = (
        Activity.enterprises.through.objects.filter(activity__in=acts.filter(kind=K.PUBLICITY).values("pk"))
        .values("enterprise_id").distinct().count()
    )
    channel_approvals = ChannelApproval.objects.filter(
        channel__in=access.green_channels(user).values("pk"), date__gte=scope.start, date__lte=scope.end
    )
    if scope.station:
        channel_approvals = channel_approvals.filter(channel__enterprise__station=scope.station)
    if scope.unit:
        channel_approvals = channel_approvals.filter(approver__unit=scope.unit)
    approvals = channel_approvals.count()

    detained = ("criminal_detentions", _("criminal detentions")), ("administrative_detentions", _("administrative detentions"))
    figures = [
        Figure("visited", _("Enterprises visited"), visited["enterprises"], [Part("visits", _("visits"), visited["visits"])], "visited"),
        Figure(
            "hazards", _("Hazards removed"), hazards_ledger + activity["hazards_removed"],
            [
                Part("ledger", _("ledger items closed"), hazards_ledger),
                Part("campaigns", _("removed in campaigns"), activity["hazards_removed"]),
            ],
            "hazards",
        ),
        Figure(
            "disputes", _("Disputes resolved"), disputes_ledger + activity["disputes_resolved"],
            [
                Part("ledger", _("ledger items closed"), disputes_ledger),
                Part("campaigns", _("resolved in campaigns"), activity["disputes_resolved"]),
            ],
            "disputes",
        ),
    ]
    for key in ("business", "office_order", "environmental", "food"):
        parts = [Part(name, label, solved[f"{key}_{name.split('_')[0]}"]) for name, label in detained]
        figures.append(Figure(key, CASE_GROUP_LABELS[key], solved[f"{key}_n"], parts, key))
    figures += [
        Figure("criminal", _("Criminal detentions"), solved["criminal"], [Part("cases_solved", _("cases solved"), solved["total"])], "detentions"),
        Figure("administrative", _("Administrative detentions"), solved["administrative"], [], "detentions"),
    ]
    more = [
        Figure("received", _("Cases received"), case_flow["received"], [], "received"),
        Figure("filed", _("Cases filed"), case_flow["filed"], [], "filed"),
        Figure("transferred", _("Cases transferred"), case_flow["transferred"], [], "transferred"),
        Figure("measures_proposed", _("Coercive measures proposed"), measures["proposed"], [], "measures"),
        Figure("measures_executed", _("Coercive measures executed"), measures["executed"], [], "measures"),
        Figure(
            "publicity", _("Publicity events"), activity["publicity"],
            [Part("audience", _("audience"), activity["audience"]), Part("enterprises_reached", _("enterprises reached"), reached)],
            "publicity",
        ),
        Figure(
            "campaigns", _("Rectification campaigns"), activity["campaigns"],
            [Part("hazards_found", _("hazards found"), activity["hazards_found"])], "campaigns",
        ),
        Figure(
            "services", _("Service activities"), activity["services"],
            [
                Part("people_served", _("people served"), activity["people_served"]),
                Part("documents", _("documents handled"), activity["documents"]),
            ],
            "services",
        ),
        Figure(
            "escorts", _("Escort actions"), activity["escorts"],
            [Part("patrols", _("patrols"), activity["patrols"]), Part("cameras", _("cameras installed"), activity["cameras"])],
            "escorts",
        ),
        Figure("approvals", _("Green-channel approvals"), approvals, [], ""),
    ]
    return {
        "figures": figures,
        "more": more,
        "case_groups": [
            {
                "key": key, "label": CASE_GROUP_LABELS[key], "n": solved[f"{key}_n"],
                "criminal": solved[f"{key}_criminal"], "administrative": solved[f"{key}_administrative"],
            }
            for key in CASE_GROUPS
        ],
        "solved": solved,
        "activity": activity,
        "reached": reached,
    }


# ---------------------------------------------------------------- the records behind a figure

RECORD_KEYS = (
    "visited", "hazards", "disputes", "business", "office_order", "environmental", "food", "detentions",
    "received", "filed", "transferred", "measures", "publicity", "campaigns", "services", "escorts",
)


def records(user, scope: Scope, key: str) -> dict:
    """{"kind": ..., "rows": queryset, ...} listing exactly the records a figure counts."""
    if key == "visited":
        rows = (
            Enterprise.objects.filter(pk__in=visits(user, scope).values("enterprise_id"))
            .select_related("station")
            .annotate(visits_in_period=Count("visits", filter=Q(visits__in=visits(user, scope).values("pk"))))
            .order_by("station__name", "name")
        )
        return {"kind": "enterprises", "rows": rows}
    if key in ("hazards", "disputes"):
        category = Issue.Category.HAZARD if key == "hazards" else Issue.Category.DISPUTE
        issues = closed_issues(user, scope, category).select_related("enterprise", "responsible_unit").order_by("closed_at")
        field_name = "hazards_removed" if key == "hazards" else "disputes_resolved"
        acts = activities(user, scope).filter(**{f"{field_name}__gt": 0}).order_by("held_on")
        return {"kind": "issues", "rows": issues, "activities": acts, "activity_field": field_name}
    if key in CASE_GROUPS:
        rows = solved_cases(user, scope).filter(CASE_GROUPS[key])
    elif key == "detentions":
        rows = solved_cases(user, scope).filter(Q(criminal_detentions__gt=0) | Q(administrative_detentions__gt=0))
    elif key in ("received", "filed", "transferred"):
        rows = cases(user, scope).filter(**{f"{key}_at__gte": scope.since, f"{key}_at__lt": scope.until})
    elif key == "measures":
        rows = (
            CoerciveMeasure.objects.filter(case__in=cases(user, scope).values("pk"))
            .filter(
                Q(proposed_on__gte=scope.start, proposed_on__lte=scope.end)
                | Q(executed_at__gte=scope.since, executed_at__lt=scope.until)
            )
            .select_related("case__enterprise")
            .order_by("proposed_on")
        )
        return {"kind": "measures", "rows": rows}
    elif key in ("publicity", "campaigns", "services", "escorts"):
        kind = {"publicity": "PUBLICITY", "campaigns": "CAMPAIGN", "services": "SERVICE", "escorts": "ESCORT"}[key]
        rows = activities(user, scope).filter(kind=kind).annotate(n_enterprises=Count("enterprises", distinct=True)).order_by("held_on")
        return {"kind": "activities", "rows": rows}
    else:
        return {}
    return {"kind": "cases", "rows": rows.select_related("enterprise", "handling_unit").order_by("received_at")}


def default_scope(today: dt.date | None = None) -> Scope:
    today = today or timezone.localdate()
    return Scope(start=today.replace(month=1, day=1), end=today)
