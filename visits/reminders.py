"""Daily reminders of the visits app (collected by `manage.py send_reminders`, stored once per day and key).

- visits due or overdue: one digest per community officer;
- items turning yellow or red: the owner (or the responsible unit) once per light and deadline; a red item is
  repeated every 5 working days while it stays red; the office gets a daily count of red items;
- supervision notes missing: the owner (or unit) each working day until the note is written;
- items waiting for acceptance more than one working day: the owner (or unit);
- extension requests and "cannot be handled" sign-offs awaiting the office: one digest per coordinator;
- on Mondays, the office is told when next year's official holidays are still missing from the calendar.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from enterprises.models import Assignment, Enterprise
from liaison import access, workdays
from liaison.models import Notification
from liaison.reminders import Reminder
from visits import deadlines
from visits.models import Issue, IssueRequest

RED_REPEAT_WORKDAYS = 5


def reminders(today: dt.date) -> Iterator[Reminder]:
    yield from visits_due(today)
    yield from issue_lights(today)
    yield from supervision_notes(today)
    yield from awaiting_acceptance(today)
    yield from office_digest(today)


def _recipients(issue: Issue, unit_members: dict[int, list[int]]) -> list[int]:
    if issue.owner_id:
        return [issue.owner_id]
    return unit_members.get(issue.responsible_unit_id, [])


def _unit_members(issues) -> dict[int, list[int]]:
    unit_ids = {i.responsible_unit_id for i in issues if i.owner_id is None and i.responsible_unit_id}
    members = defaultdict(list)
    for pk, unit in User.objects.filter(
        unit_id__in=unit_ids, is_active=True, role__in=access.PROGRAMME_ROLES
    ).values_list("pk", "unit_id"):
        members[unit].append(pk)
    return members


def _office() -> list[int]:
    return list(User.objects.filter(role=User.Role.COORDINATOR, is_active=True).values_list("pk", flat=True))


def visits_due(today: dt.date) -> Iterator[Reminder]:
    current = Assignment.objects.filter(
        kind=Assignment.Kind.OFFICER, ended_on__isnull=True, enterprise__status=Enterprise.Status.ACTIVE,
        officer__is_active=True,
    ).select_related("enterprise")
    due = defaultdict(list)
    for assignment in current:
        enterprise = assignment.enterprise
        next_due = enterprise.next_visit_due
        if next_due is None or next_due <= today:
            due[assignment.officer_id].append(enterprise)
    home = reverse("home")
    for officer_id, enterprises in due.items():
        names = "、".join(e.name for e in sorted(enterprises, key=lambda e: e.name)[:5])
        more = len(enterprises) - 5
        text = _("%(n)d enterprises are due for a visit: %(names)s") % {"n": len(enterprises), "names": names}
        if more > 0:
            text += _(" and %(more)d more") % {"more": more}
        yield Reminder(
            recipient_id=officer_id, kind=Notification.Kind.VISIT_DUE, text=text, url=home,
            subject_key=f"visits-due:{officer_id}",
        )


def _already_reminded(prefix: str) -> set[str]:
    """Subject keys of ledger-light reminders already stored (the stored key is "<day>:<subject>")."""
    since = timezone.now() - dt.timedelta(days=400)
    keys = Notification.objects.filter(
        kind=Notification.Kind.ISSUE_LIGHT, key__contains=f":{prefix}", created_at__gte=since
    ).values_list("recipient_id", "key")
    return {f"{recipient}|{key.split(':', 1)[1]}" for recipient, key in keys}


def issue_lights(today: dt.date) -> Iterator[Reminder]:
    """Yellow once per deadline; red when it turns red and every 5 working days while it stays red."""
    items = list(
        Issue.objects.open().with_light(today).filter(light_code__in=["yellow", "red"]).select_related("enterprise")
    )
    members = _unit_members(items)
    sent = _already_reminded("issue-light:")
    for issue in items:
        light = issue.light_code
        if light == "red":
            overdue = workdays.workdays_between(issue.deadline, today)
            # The day it turned red, then every 5 working days while it stays red.
            cycle = max(0, (overdue - 1) // RED_REPEAT_WORKDAYS)
            subject = f"issue-light:{issue.pk}:{issue.deadline.isoformat()}:red:{cycle}"
            text = _("Ledger item %(number)s (%(enterprise)s) is overdue: the deadline was %(deadline)s.")
        else:
            subject = f"issue-light:{issue.pk}:{issue.deadline.isoformat()}:yellow"
            text = _("Ledger item %(number)s (%(enterprise)s) is due by %(deadline)s.")
        text = text % {"number": issue.number, "enterprise": issue.enterprise.name, "deadline": issue.deadline.isoformat()}
        for recipient in _recipients(issue, members):
            if f"{recipient}|{subject}" in sent:
                continue
            yield Reminder(
                recipient_id=recipient, kind=Notification.Kind.ISSUE_LIGHT, text=text, url=issue.get_absolute_url(),
                subject_key=subject,
            )


def supervision_notes(today: dt.date) -> Iterator[Reminder]:
    if not workdays.is_workday(today):
        return
    items = list(Issue.objects.note_due(today).select_related("enterprise"))
    members = _unit_members(items)
    for issue in items:
        text = _("Supervised ledger item %(number)s (%(enterprise)s) needs its progress note (every 5 working days).") % {
            "number": issue.number, "enterprise": issue.enterprise.name,
        }
        for recipient in _recipients(issue, members):
            yield Reminder(
                recipient_id=recipient, kind=Notification.Kind.SUPERVISION, text=text, url=issue.get_absolute_url(),
                subject_key=f"supervision-note:{issue.pk}",
            )


def awaiting_acceptance(today: dt.date) -> Iterator[Reminder]:
    if not workdays.is_workday(today):
        return
    from visits.deadlines import subtract_workdays

    threshold = subtract_workdays(today, 1)
    tz = timezone.get_current_timezone()
    before = dt.datetime.combine(threshold, dt.time.min, tzinfo=tz)
    items = list(
        Issue.objects.filter(status=Issue.Status.ASSIGNED, assigned_at__lt=before).select_related("enterprise")
    )
    members = _unit_members(items)
    for issue in items:
        text = _("Ledger item %(number)s (%(enterprise)s) was assigned to you and is waiting for acceptance.") % {
            "number": issue.number, "enterprise": issue.enterprise.name,
        }
        for recipient in _recipients(issue, members):
            yield Reminder(
                recipient_id=recipient, kind=Notification.Kind.OTHER, text=text, url=issue.get_absolute_url(),
                subject_key=f"accept:{issue.pk}",
            )


def office_digest(today: dt.date) -> Iterator[Reminder]:
    """One daily line per coordinator: requests awaiting the office, and the count of red items."""
    office = _office()
    if not office:
        return
    issue_list = reverse("visits:issue_list")
    pending = dict(
        IssueRequest.objects.filter(status=IssueRequest.Status.PENDING).values_list("kind").annotate(n=Count("pk")).order_by()
    )
    extension, unable = pending.get(IssueRequest.Kind.EXTENSION, 0), pending.get(IssueRequest.Kind.UNABLE, 0)
    red = Issue.objects.light("red", today).count()
    uncovered = deadlines.uncovered_years(today, deadlines.deadline_from(today, 20))
    for user_id in office:
        if extension or unable:
            yield Reminder(
                recipient_id=user_id, kind=Notification.Kind.EXTENSION,
                text=_("Awaiting the office: %(ext)d extension requests, %(unable)d “cannot be handled” sign-offs.")
                % {"ext": extension, "unable": unable},
                url=f"{issue_list}?attention={'extension' if extension else 'unable'}",
                subject_key="office-requests",
            )
        if red:
            yield Reminder(
                recipient_id=user_id, kind=Notification.Kind.ISSUE_LIGHT,
                text=_("%(n)d ledger items are overdue.") % {"n": red}, url=f"{issue_list}?light=red",
                subject_key="office-red",
            )
        if uncovered and today.weekday() == 0:
            yield Reminder(
                recipient_id=user_id, kind=Notification.Kind.OTHER,
                text=_("The official holidays of %(years)s are not known yet: enter them under Calendar days.")
                % {"years": ", ".join(str(y) for y in uncovered)},
                url=reverse("admin:liaison_calendarday_changelist"),
                subject_key="calendar-uncovered",
            )

