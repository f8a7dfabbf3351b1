"""Panels this app adds to the role home (see liaison.home)."""

from django.db.models import Q
from django.utils import timezone

from liaison import access
from liaison.home import Panel
from supervision.models import MeetingAction, Referral

LIMIT = 5


def home_panels(request):
    user = request.user
    role = access.role_of(user)
    today = timezone.localdate()
    referrals = access.referrals(user).select_related("enterprise", "raised_by_unit", "assigned_unit")
    panels = []
    if role == access.LEADER:
        waiting = referrals.filter(status=Referral.Status.REPORTED).order_by("reported_at")
        panels.append(Panel("supervision/panels/awaiting_instruction.html", order=10, context={
            "referrals": list(waiting[:LIMIT]), "count": waiting.count(),
        }))
    elif role == access.COORDINATOR:
        to_report = referrals.filter(status=Referral.Status.SUBMITTED).order_by("submitted_at")
        overdue = referrals.filter(status=Referral.Status.ASSIGNED, reply_deadline__lt=today).order_by("reply_deadline")
        panels.append(Panel("supervision/panels/office.html", order=10, context={
            "to_report": list(to_report[:LIMIT]), "to_report_count": to_report.count(),
            "overdue": list(overdue[:LIMIT]), "overdue_count": overdue.count(),
        }))
    if role in (access.TEAM, access.OFFICER, access.COORDINATOR):
        mine = Q(assigned_officer=user) | Q(assigned_unit_id=user.unit_id)
        to_reply = referrals.filter(mine, status=Referral.Status.ASSIGNED).order_by("reply_deadline")
        actions = (
            access.meeting_actions(user)
            .filter(Q(owner=user) | Q(owner_unit_id=user.unit_id), status=MeetingAction.Status.OPEN)
            .select_related("meeting")
            .order_by("deadline")
        )
        to_reply_list, action_list = list(to_reply[:LIMIT]), list(actions[:LIMIT])
        if to_reply_list or action_list:
            panels.append(Panel("supervision/panels/my_tasks.html", order=20, context={
                "to_reply": to_reply_list, "actions": action_list, "today": today,
            }))
    return panels
