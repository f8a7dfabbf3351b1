"""Reminders of the plans: overdue tasks to their owners, plans past their review date to the office."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from enterprises.models import Plan, PlanTask
from liaison.models import Notification
from liaison.reminders import Reminder


def overdue_tasks(today: dt.date):
    """Open tasks of approved plans whose deadline has passed."""
    return PlanTask.objects.filter(
        done_at__isnull=True, plan__status=Plan.Status.APPROVED, deadline__lt=today, owner__is_active=True
    ).select_related("plan__enterprise")


def reminders(today: dt.date) -> Iterable[Reminder]:
    for task in overdue_tasks(today).order_by("deadline", "pk").iterator():
        yield Reminder(
            recipient_id=task.owner_id,
            kind=Notification.Kind.TASK,
            text=_("Plan task overdue since %(deadline)s: %(task)s (%(enterprise)s)")
            % {"deadline": task.deadline.isoformat(), "task": task.title, "enterprise": task.plan.enterprise.name},
            url=task.get_absolute_url(),
            subject_key=f"task:{task.pk}:overdue",
        )
    review_due = Plan.objects.filter(status=Plan.Status.APPROVED, review_on__lt=today).count()
    if review_due:
        for coordinator in User.objects.filter(role=User.Role.COORDINATOR, is_active=True).values_list("pk", flat=True):
            yield Reminder(
                recipient_id=coordinator,
                kind=Notification.Kind.OTHER,
                text=ngettext(
                    "%(n)d approved plan is past its review date.", "%(n)d approved plans are past their review date.",
                    review_due,
                ) % {"n": review_due},
                url=reverse("enterprises:plan_overview") + "#review-due",
                subject_key="plans:review-due",
            )
