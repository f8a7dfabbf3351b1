"""Reminders (see liaison.reminders): referral replies past their deadline, meeting decisions past theirs."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils.translation import gettext as _

from accounts.models import User
from liaison.models import Notification
from liaison.reminders import Reminder
from supervision.models import MeetingAction, Referral


def _members(unit_ids) -> dict[int, list[int]]:
    """Active programme users of each unit: who answers for it when no officer is named."""
    members = defaultdict(list)
    for pk, unit_id in User.objects.filter(
        unit_id__in=unit_ids, is_active=True, role__in=(User.Role.TEAM, User.Role.OFFICER, User.Role.COORDINATOR)
    ).values_list("pk", "unit_id"):
        members[unit_id].append(pk)
    return members


def reminders(today: dt.date):
    overdue = list(
        Referral.objects.filter(status=Referral.Status.ASSIGNED, reply_deadline__lt=today).select_related("assigned_unit")
    )
    actions = list(
        MeetingAction.objects.filter(status=MeetingAction.Status.OPEN, deadline__lt=today).select_related("meeting")
    )
    members = _members({r.assigned_unit_id for r in overdue} | {a.owner_unit_id for a in actions})
    office = list(User.objects.filter(is_active=True, role=User.Role.COORDINATOR).values_list("pk", flat=True))
    for referral in overdue:
        text = _("Referral %(number)s %(title)s: the reply was due on %(date)s.") % {
            "number": referral.number, "title": referral.title, "date": referral.reply_deadline.isoformat(),
        }
        recipients = [referral.assigned_officer_id] if referral.assigned_officer_id else members[referral.assigned_unit_id]
        for recipient in {*recipients, *office}:
            yield Reminder(recipient, Notification.Kind.REFERRAL, text, referral.get_absolute_url(), f"referral:{referral.pk}:overdue")
    for action in actions:
        text = _("Decision (%(position)d) of %(meeting)s was due on %(date)s.") % {
            "position": action.position, "meeting": action.meeting.display_title, "date": action.deadline.isoformat(),
        }
        recipients = [action.owner_id] if action.owner_id else members[action.owner_unit_id]
        for recipient in set(recipients):
            yield Reminder(recipient, Notification.Kind.OTHER, text, action.get_absolute_url(), f"meetingaction:{action.pk}:overdue")
