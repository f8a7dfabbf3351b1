"""What casework adds to other pages: role-home panels, and the enterprise file's tabs and timeline.

- `home_panels(request)`: leaders see measures awaiting the leadership's review, the legal team those awaiting
  the legal review, the handling units (and the office) those awaiting their own; the office sees green-channel
  days without an approval; a designated officer sees today's approvals still to give.
- `dossier_tabs(request, enterprise)`: the enterprise's cases (with their measures), green channels and
  activities, each a `liaison.dossier.Tab` rendered by templates/casework/_dossier_tab.html.
- `dossier_timeline(request, enterprise)`: `liaison.dossier.TimelineEntry`s for the file's timeline.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, IntegerField, Max, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import selectors
from casework.models import CoerciveMeasure, GreenChannel, MeasureReview
from enterprises.models import Enterprise
from liaison import access
from liaison.dossier import Tab, TimelineEntry
from liaison.home import Panel, short_lists

PANEL_LIMIT = 10


# ---------------------------------------------------------------- home


def home_panels(request) -> list[Panel]:
    user = request.user
    panels = []
    role = access.role_of(user)
    queues = {}
    if access.is_leader(user):
        queues[MeasureReview.Stage.LEADERSHIP] = selectors.awaiting_stage_q(MeasureReview.Stage.LEADERSHIP)
    if access.is_legal(user):
        queues[MeasureReview.Stage.LEGAL] = selectors.awaiting_stage_q(MeasureReview.Stage.LEGAL)
    if access.is_office(user):
        queues[MeasureReview.Stage.UNIT] = selectors.awaiting_stage_q(MeasureReview.Stage.UNIT)
    elif role in (access.TEAM, access.OFFICER):
        queues[MeasureReview.Stage.UNIT] = selectors.awaiting_stage_q(MeasureReview.Stage.UNIT) & Q(
            case__handling_unit_id=user.unit_id
        )
    pending = short_lists(
        access.measures(user).select_related("case__enterprise"),
        PANEL_LIMIT,
        **{f"stage_{stage}": (condition, ["proposed_on", "pk"]) for stage, condition in queues.items()},
    ) if queues else {}
    for stage in queues:
        queue = pending[f"stage_{stage}"]
        if queue.total:
            panels.append(
                Panel(
                    template="casework/panels/measures.html", order=20,
                    context={"stage": stage, "stage_label": MeasureReview.Stage(stage).label, "total": queue.total,
                             "rows": queue.rows},
                )
            )
    today = timezone.localdate()
    if access.is_office(user):
        channels, missed = selectors.open_channels_missed_days(
            access.green_channels(user).select_related("enterprise", "officer"), today
        )
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


# ---------------------------------------------------------------- the enterprise file (liaison.dossier)

TIMELINE_LIMIT = 200


def _case_rows(user, enterprise):
    return list(
        access.cases(user).filter(enterprise=enterprise).select_related("handling_unit")
        .prefetch_related(Prefetch("measures", queryset=CoerciveMeasure.objects.order_by("-proposed_on", "-pk")))
        .order_by("-received_at")
    )


def _channel_rows(user, enterprise):
    return list(
        access.green_channels(user).filter(enterprise=enterprise).select_related("officer")
        .annotate(last_approval=Max("approvals__date"), n_approvals=Count("approvals")).order_by("-started_on")
    )


def _activity_rows(user, enterprise):
    return list(access.activities(user).filter(enterprises=enterprise).prefetch_related("units").order_by("-held_on", "-pk"))


def _counts(user, enterprise) -> tuple[int, int, int]:
    """The user's cases, green channels and activities of the enterprise, counted in one query."""
    def count(queryset, link):
        rows = queryset.filter(**{link: OuterRef("pk")}).order_by().values(link).annotate(n=Count("pk", distinct=True))
        return Coalesce(Subquery(rows.values("n")[:1], output_field=IntegerField()), 0)

    return (
        Enterprise.objects.filter(pk=enterprise.pk)
        .annotate(n_cases=count(access.cases(user), "enterprise"),
                  n_channels=count(access.green_channels(user), "enterprise"),
                  n_activities=count(access.activities(user), "enterprises"))
        .values_list("n_cases", "n_channels", "n_activities")
        .get()
    )


def dossier_tabs(request, enterprise) -> list[Tab]:
    """Cases (with their measures), green channels and activities: counted now, their rows built only when open."""
    user = request.user
    template = "casework/_dossier_tab.html"

    def context(section, rows, permission):
        return lambda: {
            "casework_section": section, "casework_rows": rows(user, enterprise), "casework_may_add": access.can(user, permission),
        }

    n_cases, n_channels, n_activities = _counts(user, enterprise)
    return [
        Tab("cases", _("Cases"), template, context("cases", _case_rows, "casework.add_case"), order=110,
            count=n_cases or None, icon="bi-folder2-open"),
        Tab("green-channel", _("Green channel"), template, context("channels", _channel_rows, "casework.manage_channel"),
            order=120, count=n_channels or None, icon="bi-signpost-split"),
        Tab("activities", _("Activities"), template, context("activities", _activity_rows, "casework.add_activity"),
            order=130, count=n_activities or None, icon="bi-megaphone"),
    ]


def _at_nine(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9)))


def dossier_timeline(request, enterprise):
    """Dated entries for the file's timeline, newest first, stopping at ?before= and a few hundred entries."""
    user = request.user
    before = _parse_before(request.GET.get("before"))
    entries: list[TimelineEntry] = []
    cases = access.cases(user).filter(enterprise=enterprise).select_related("handling_unit").order_by("-received_at")
    for case in cases[:TIMELINE_LIMIT]:
        url, label = case.get_absolute_url(), _("Case")
        unit = case.handling_unit.name
        entries.append(TimelineEntry(case.received_at, "case", label, _("Case received: %(t)s") % {"t": case.title},
                                     case.get_case_type_display(), unit, url, "bi-inbox", f"case:{case.pk}:received"))
        if case.filed_at:
            entries.append(TimelineEntry(case.filed_at, "case", label, _("Case filed: %(t)s") % {"t": case.title},
                                         "", unit, url, "bi-journal-check", f"case:{case.pk}:filed"))
        if case.solved_at:
            entries.append(TimelineEntry(case.solved_at, "case", label, _("Case solved: %(t)s") % {"t": case.title},
                                         "", unit, url, "bi-check2-circle", f"case:{case.pk}:solved"))
        if case.transferred_at:
            entries.append(TimelineEntry(case.transferred_at, "case", label,
                                         _("Case transferred to %(to)s") % {"to": case.transferred_to},
                                         case.title, unit, url, "bi-send", f"case:{case.pk}:transferred"))
    measures = access.measures(user).filter(case__enterprise=enterprise).select_related("created_by").order_by("-proposed_on")
    for m in measures[:TIMELINE_LIMIT]:
        url, label = m.get_absolute_url(), _("Coercive measure")
        entries.append(TimelineEntry(_at_nine(m.proposed_on), "measure", label, _("Proposed: %(m)s") % {"m": m},
                                     "", str(m.created_by or ""), url, "bi-shield-exclamation", f"measure:{m.pk}:proposed"))
        if m.executed_at:
            entries.append(TimelineEntry(m.executed_at, "measure", label, _("Executed: %(m)s") % {"m": m},
                                         m.execution_note, "", url, "bi-shield-lock", f"measure:{m.pk}:executed"))
        if m.lifted_at:
            entries.append(TimelineEntry(m.lifted_at, "measure", label, _("Lifted: %(m)s") % {"m": m},
                                         m.lift_reason, "", url, "bi-shield-check", f"measure:{m.pk}:lifted"))
    for channel in access.green_channels(user).filter(enterprise=enterprise).select_related("officer")[:TIMELINE_LIMIT]:
        entries.append(TimelineEntry(_at_nine(channel.started_on), "channel", _("Green channel"),
                                     _("Green channel opened: %(s)s") % {"s": channel.subject}, channel.get_frequency_display(),
                                     channel.officer.name, channel.get_absolute_url(), "bi-signpost-split",
                                     f"channel:{channel.pk}:opened"))
    activities = access.activities(user).filter(enterprises=enterprise).order_by("-held_on")
    for activity in activities[:TIMELINE_LIMIT]:
        entries.append(TimelineEntry(_at_nine(activity.held_on), "activity", activity.get_kind_display(), activity.title,
                                     f"{activity.place} · {activity.figure}", "", activity.get_absolute_url(), "bi-megaphone",
                                     f"activity:{activity.pk}"))
    if before is not None:
        entries = [e for e in entries if e.at < before]
    entries.sort(key=lambda e: (e.at, e.key), reverse=True)
    return entries[:TIMELINE_LIMIT]


def _parse_before(value):
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace(" ", "+"))
    except ValueError:
        return None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
