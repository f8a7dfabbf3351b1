"""Panels this app adds to the role home (see liaison.home)."""

from django.db.models import Q
from django.utils import timezone

from liaison import access
from liaison.home import Panel, short_lists
from supervision.models import MeetingAction, Referral

LIMIT = 5


def home_panels(request):
    user = request.user
    role = access.role_of(user)
    today = timezone.localdate()
    referrals = access.referrals(user).select_related("enterprise", "raised_by_unit", "assigned_unit")
    panels = []
    mine = Q(assigned_officer=user) | Q(assigned_unit_id=user.unit_id)
    # Every list this user sees comes from one query (liaison.home.short_lists).
    lists = {}
    if role == access.LEADER:
        lists["waiting"] = (Q(status=Referral.Status.REPORTED), ["reported_at"])
    elif role == access.COORDINATOR:
        lists["to_report"] = (Q(status=Referral.Status.SUBMITTED), ["submitted_at"])
        lists["overdue"] = (Q(status=Referral.Status.ASSIGNED, reply_deadline__lt=today), ["reply_deadline"])
    if role in (access.TEAM, access.OFFICER, access.COORDINATOR):
        lists["to_reply"] = (mine & Q(status=Referral.Status.ASSIGNED), ["reply_deadline"])
    found = short_lists(referrals, LIMIT, **lists) if lists else {}
    if role == access.LEADER:
        panels.append(Panel("supervision/panels/awaiting_instruction.html", order=10, context={
            "referrals": found["waiting"].rows, "count": found["waiting"].total,
        }))
    elif role == access.COORDINATOR:
        panels.append(Panel("supervision/panels/office.html", order=10, context={
            "to_report": found["to_report"].rows, "to_report_count": found["to_report"].total,
            "overdue": found["overdue"].rows, "overdue_count": found["overdue"].total,
        }))
    if role in (access.TEAM, access.OFFICER, access.COORDINATOR):
        actions = (
            access.meeting_actions(user)
            .filter(Q(owner=user) | Q(owner_unit_id=user.unit_id), status=MeetingAction.Status.OPEN)
            .select_related("meeting")
            .order_by("deadline")
        )
        to_reply_list, action_list = found["to_reply"].rows, list(actions[:LIMIT])
        if to_reply_list or action_list:
            panels.append(Panel("supervision/panels/my_tasks.html", order=20, context={
                "to_reply": to_reply_list, "actions": action_list, "today": today,
            }))
    return panels
