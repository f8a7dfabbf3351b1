"""Panels this app adds to the role home (see liaison.home): plan tasks for their owners, plan gaps for the office."""

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from enterprises.models import Enterprise, Plan, PlanTask
from liaison import access, workdays
from liaison.home import Panel

MY_TASKS_SHOWN = 10


def home_panels(request):
    user = request.user
    panels = []
    today = timezone.localdate()
    mine = (
        PlanTask.objects.filter(owner=user, done_at__isnull=True, plan__status=Plan.Status.APPROVED)
        .select_related("plan__enterprise")
        .order_by("deadline", "pk")
    )
    tasks = list(mine[:MY_TASKS_SHOWN])
    if tasks:
        overdue_count = mine.filter(deadline__lt=today).count() if len(tasks) == MY_TASKS_SHOWN else sum(
            1 for t in tasks if t.deadline < today
        )
        panels.append(
            Panel(
                "enterprises/panels/my_tasks.html",
                order=20,
                context={"tasks": tasks, "overdue_count": overdue_count, "soon": workdays.add_workdays(today, 3)},
            )
        )
    if access.sees_everything(user):
        approved = Plan.objects.filter(enterprise=OuterRef("pk"), status=Plan.Status.APPROVED)
        unplanned = Enterprise.objects.filter(status=Enterprise.Status.ACTIVE).filter(~Exists(approved)).count()
        plans = Plan.objects.aggregate(
            review_due=Count("pk", filter=Q(status=Plan.Status.APPROVED, review_on__lt=today)),
            drafts=Count("pk", filter=Q(status=Plan.Status.DRAFT)),
        )
        overdue_tasks = PlanTask.objects.filter(
            done_at__isnull=True, plan__status=Plan.Status.APPROVED, deadline__lt=today
        ).count()
        panels.append(
            Panel(
                "enterprises/panels/plan_office.html",
                order=60,
                context={"unplanned": unplanned, "overdue_tasks": overdue_tasks, **plans},
            )
        )
    return panels
