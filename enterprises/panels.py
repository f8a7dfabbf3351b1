"""Panels this app adds to the role home (see liaison.home): plan tasks for their owners, plan gaps for the office."""

from django.db.models import Count, Exists, OuterRef, Q, Window
from django.utils import timezone

from enterprises.models import Enterprise, Plan, PlanTask
from liaison import access, citywide, workdays
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
    # The overdue ones are counted over all the user's open tasks, not only those shown: a window count.
    tasks = list(mine.annotate(overdue_total=Window(Count("pk", filter=Q(deadline__lt=today))))[:MY_TASKS_SHOWN])
    if tasks:
        panels.append(
            Panel(
                "enterprises/panels/my_tasks.html",
                order=20,
                context={"tasks": tasks, "overdue_count": tasks[0].overdue_total, "soon": workdays.add_workdays(today, 3)},
            )
        )
    if access.sees_everything(user):
        gaps = citywide.kept("plan-gaps", (today,), lambda: plan_gaps(today))
        panels.append(
            Panel(
                "enterprises/panels/plan_office.html",
                order=60,
                context=gaps,
            )
        )
    return panels


def plan_gaps(today) -> dict:
    """The whole city's plans: active enterprises without an approved plan, reviews due, drafts, overdue tasks."""
    approved = Plan.objects.filter(enterprise=OuterRef("pk"), status=Plan.Status.APPROVED)
    unplanned = Enterprise.objects.filter(status=Enterprise.Status.ACTIVE).filter(~Exists(approved)).count()
    # Plans joined with their tasks: a plan is counted once however many tasks it has.
    plans = Plan.objects.aggregate(
        review_due=Count("pk", distinct=True, filter=Q(status=Plan.Status.APPROVED, review_on__lt=today)),
        drafts=Count("pk", distinct=True, filter=Q(status=Plan.Status.DRAFT)),
        overdue_tasks=Count("tasks", filter=Q(status=Plan.Status.APPROVED, tasks__done_at__isnull=True, tasks__deadline__lt=today)),
    )
    return {"unplanned": unplanned, **plans}
