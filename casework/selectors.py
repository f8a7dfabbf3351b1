"""Reads that several pages share: green-channel days missed, measures awaiting a review."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import F, FilteredRelation, Q, QuerySet

from casework.models import ChannelApproval, CoerciveMeasure, GreenChannel, MeasureReview
from liaison import workdays

MISSED_WINDOW_DAYS = 7


def _workday_set(start: dt.date, end: dt.date) -> set[dt.date]:
    # One query for the office's calendar overrides covers the whole window.
    overrides = workdays._overrides(start, end)
    day, out = start, set()
    while day <= end:
        if workdays._is_workday(day, overrides):
            out.add(day)
        day += dt.timedelta(days=1)
    return out


def expected_days(channel: GreenChannel, start: dt.date, end: dt.date, workday_set: set[dt.date]) -> list[dt.date]:
    """The days in [start, end] on which the channel should have given an approval (weekly: each week's Sunday)."""
    first = max(start, channel.started_on)
    last = min(end, channel.ended_on) if channel.ended_on else end
    days = []
    day = first
    while day <= last:
        due = {
            GreenChannel.Frequency.DAILY: True,
            GreenChannel.Frequency.WORKDAYS: day in workday_set,
            # A weekly channel is judged on the Sunday that ends a whole week of it.
            GreenChannel.Frequency.WEEKLY: day.weekday() == 6 and day - dt.timedelta(days=6) >= channel.started_on,
        }[channel.frequency]
        if due:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _approval_window(today: dt.date, window: int) -> tuple[dt.date, dt.date, dt.date]:
    """(first day of the approvals looked at, first day judged, last day judged): a weekly channel's week may
    start up to six days before the first day judged."""
    start = today - dt.timedelta(days=window)
    return start - dt.timedelta(days=6), start, today - dt.timedelta(days=1)


def missed_days(channels, today: dt.date, window: int = MISSED_WINDOW_DAYS) -> dict[int, list[dt.date]]:
    """{channel pk: days missed} over the `window` days before today (today itself is still open).

    A daily channel misses a day with no approval for it; a working-day channel, a working day with none; a weekly
    channel, a finished Monday–Sunday week with none. Two queries, whatever the number of channels.
    """
    channels = list(channels)
    if not channels:
        return {}
    week_start, _start, end = _approval_window(today, window)
    approved = defaultdict(set)
    for channel_id, day in ChannelApproval.objects.filter(
        channel_id__in=[c.pk for c in channels], date__range=(week_start, end)
    ).values_list("channel_id", "date"):
        approved[channel_id].add(day)
    return _missed(channels, approved, today, window)


def open_channels_missed_days(queryset: QuerySet, today: dt.date) -> tuple[list[GreenChannel], dict[int, list[dt.date]]]:
    """The open channels of `queryset` and {channel pk: days missed}, as `missed_days` counts them, in one query.

    Each channel comes joined with its approvals of the window (at most one row per channel and day), so the
    channels and the days they were approved arrive together.
    """
    week_start, _start, end = _approval_window(today, MISSED_WINDOW_DAYS)
    recent = FilteredRelation("approvals", condition=Q(approvals__date__range=(week_start, end)))
    channels, approved = {}, defaultdict(set)
    for row in open_channels(queryset, today).annotate(recent=recent, approved_on=F("recent__date")):
        channels.setdefault(row.pk, row)
        if row.approved_on is not None:
            approved[row.pk].add(row.approved_on)
    return list(channels.values()), _missed(channels.values(), approved, today, MISSED_WINDOW_DAYS)


def _missed(channels, approved: dict[int, set[dt.date]], today: dt.date, window: int) -> dict[int, list[dt.date]]:
    _week_start, start, end = _approval_window(today, window)
    workday_set = _workday_set(start, end) if any(c.frequency == GreenChannel.Frequency.WORKDAYS for c in channels) else set()
    out = {}
    for channel in channels:
        missed = []
        for day in expected_days(channel, start, end, workday_set):
            if channel.frequency == GreenChannel.Frequency.WEEKLY:
                week = {day - dt.timedelta(days=i) for i in range(7)}
                if not week & approved[channel.pk]:
                    missed.append(day)
            elif day not in approved[channel.pk]:
                missed.append(day)
        if missed:
            out[channel.pk] = missed
    return out


def open_channels(queryset: QuerySet, today: dt.date) -> QuerySet:
    return queryset.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today - dt.timedelta(days=MISSED_WINDOW_DAYS)))


def awaiting_stage_q(stage: int) -> Q:
    """Measures whose next collective review is `stage`, as a condition."""
    proposed = Q(status=CoerciveMeasure.Status.PROPOSED)
    if stage == MeasureReview.Stage.UNIT:
        return proposed & Q(unit_decision="")
    if stage == MeasureReview.Stage.LEGAL:
        return proposed & Q(unit_decision=CoerciveMeasure.Decision.APPROVE, legal_decision="")
    return proposed & Q(legal_decision=CoerciveMeasure.Decision.APPROVE, leadership_decision="")


def awaiting_stage(queryset: QuerySet, stage: int) -> QuerySet:
    """Measures whose next collective review is `stage`."""
    return queryset.filter(awaiting_stage_q(stage))
