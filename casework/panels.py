"""What casework adds to other pages: role-home panels, and the enterprise file's tabs and timeline.

- `home_panels(request)`: leaders see measures awaiting the leadership's review, the legal team those awaiting
  the legal review, the handling units (and the office) those awaiting their own; the office sees green-channel
  days without an approval; a designated officer sees today's approvals still to give.
- `dossier_tabs(request, enterprise)`: the enterprise's cases (with their measures), green channels and
  activities, each a `Tab` rendered by templates/casework/_dossier_tab.html.
- `dossier_timeline(request, enterprise)`: dated entries for the file's timeline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import selectors
from casework.models import CoerciveMeasure, GreenChannel, MeasureReview
from liaison import access
from liaison.home import Panel

PANEL_LIMIT = 10


@dataclass
class Tab:
    id: str
    title: str
    template: str
    context: dict = field(default_factory=dict)
    count: int = 0


@dataclass
class TimelineEntry:
    at: dt.datetime
    kind: str
    title: str
    url: str = ""
    icon: str = "bi-circle"


# ---------------------------------------------------------------- home


def _pending(queryset, stage):
    rows = selectors.awaiting_stage(queryset, stage).select_related("case__enterprise").order_by("proposed_on", "pk")
    return rows.count(), list(rows[:PANEL_LIMIT])


def home_panels(request) -> list[Panel]:
    user = request.user
    panels = []
    measures = access.measures(user)
    role = access.role_of(user)
    queues = []
    if access.is_leader(user):
        queues.append((MeasureReview.Stage.LEADERSHIP, measures))
    if access.is_legal(user):
        queues.append((MeasureReview.Stage.LEGAL, measures))
    if access.is_office(user):
        queues.append((MeasureReview.Stage.UNIT, measures))
    elif role in (access.TEAM, access.OFFICER):
        queues.append((MeasureReview.Stage.UNIT, measures.filter(case__handling_unit_id=user.unit_id)))
    for stage, queryset in queues:
        total, rows = _pending(queryset, stage)
        if total:
            panels.append(
                Panel(
                    template="casework/panels/measures.html", order=20,
                    context={"stage": stage, "stage_label": MeasureReview.Stage(stage).label, "total": total, "rows": rows},
                )
            )
    today = timezone.localdate()
    if access.is_office(user):
        channels = list(selectors.open_channels(access.green_channels(user), today).select_related("enterprise", "officer"))
        missed = selectors.missed_days(channels, today)
        if missed:
            panels.append(
                Panel(
                    template="casework/panels/channels_missed.html", order=25,
                    context={"rows": [(c, missed[c.pk]) for c in channels if c.pk in missed]},
                )
            )
    mine = (
        GreenChannel.objects.filter(officer=user, started_on__lte=today)
        .exclude(ended_on__lt=today)
        .exclude(approvals__date=today)
        .select_related("enterprise")
    )
    if role in (access.TEAM, access.OFFICER):
        due = list(mine)
        if due:
            panels.append(Panel(template="casework/panels/channels_due.html", order=15, context={"rows": due}))
    return panels


# ---------------------------------------------------------------- the enterprise file


def dossier_tabs(request, enterprise) -> list[Tab]:
    user = request.user
    template = "casework/_dossier_tab.html"
    cases = list(
        access.cases(user).filter(enterprise=enterprise).select_related("handling_unit")
        .prefetch_related(Prefetch("measures", queryset=CoerciveMeasure.objects.order_by("-proposed_on", "-pk")))
        .order_by("-received_at")
    )
    channels = list(
        access.green_channels(user).filter(enterprise=enterprise).select_related("officer")
        .annotate(last_approval=Max("approvals__date"), n_approvals=Count("approvals")).order_by("-started_on")
    )
    activities = list(
        access.activities(user).filter(enterprises=enterprise).prefetch_related("units").order_by("-held_on", "-pk")
    )
    may_add_case = access.can(user, "casework.add_case")
    may_add_activity = access.can(user, "casework.add_activity")
    return [
        Tab("cases", _("Cases"), template, {"section": "cases", "enterprise": enterprise, "cases": cases, "may_add": may_add_case}, len(cases)),
        Tab(
            "green-channel", _("Green channel"), template,
            {"section": "channels", "enterprise": enterprise, "channels": channels, "may_add": access.can(user, "casework.manage_channel")},
            len(channels),
        ),
        Tab(
            "activities", _("Activities"), template,
            {"section": "activities", "enterprise": enterprise, "activities": activities, "may_add": may_add_activity},
            len(activities),
        ),
    ]


def dossier_timeline(request, enterprise):
    user = request.user
    for case in access.cases(user).filter(enterprise=enterprise).only(
        "pk", "year", "serial", "title", "received_at", "solved_at", "transferred_at", "transferred_to", "status"
    ):
        yield TimelineEntry(case.received_at, "case", _("Case received: %(title)s") % {"title": case.title}, case.get_absolute_url(), "bi-inbox")
        if case.solved_at:
            yield TimelineEntry(case.solved_at, "case", _("Case solved: %(title)s") % {"title": case.title}, case.get_absolute_url(), "bi-check2-circle")
        if case.transferred_at:
            yield TimelineEntry(
                case.transferred_at, "case", _("Case transferred to %(to)s") % {"to": case.transferred_to}, case.get_absolute_url(), "bi-send"
            )
    for measure in access.measures(user).filter(case__enterprise=enterprise):
        at = timezone.make_aware(dt.datetime.combine(measure.proposed_on, dt.time(9)))
        yield TimelineEntry(at, "measure", _("Coercive measure proposed: %(m)s") % {"m": measure}, measure.get_absolute_url(), "bi-shield-exclamation")
        if measure.executed_at:
            yield TimelineEntry(measure.executed_at, "measure", _("Coercive measure executed: %(m)s") % {"m": measure}, measure.get_absolute_url(), "bi-shield-lock")
        if measure.lifted_at:
            yield TimelineEntry(measure.lifted_at, "measure", _("Coercive measure lifted: %(m)s") % {"m": measure}, measure.get_absolute_url(), "bi-shield-check")
    for channel in access.green_channels(user).filter(enterprise=enterprise):
        at = timezone.make_aware(dt.datetime.combine(channel.started_on, dt.time(9)))
        yield TimelineEntry(at, "channel", _("Green channel opened: %(s)s") % {"s": channel.subject}, channel.get_absolute_url(), "bi-signpost-split")
    for activity in access.activities(user).filter(enterprises=enterprise):
        at = timezone.make_aware(dt.datetime.combine(activity.held_on, dt.time(9)))
        yield TimelineEntry(
            at, "activity", f"{activity.get_kind_display()}：{activity.title}", activity.get_absolute_url(), "bi-megaphone"
        )

