"""Tasks (节点化): deadlines in working days, completion, and the overdue listing (home, list, reminders)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from enterprises import reminders, services
from enterprises.models import PlanTask
from liaison.models import CalendarDay, Notification
from tests.factories import UserFactory
from tests.plans.factories import PlanFactory, PlanTaskFactory

pytestmark = pytest.mark.django_db


def new_task(plan, owner, starts_on, workdays):
    return services.task_save(task=PlanTask(plan=plan, title="任务", owner=owner, starts_on=starts_on, workdays=workdays),
                              actor=owner)


def test_deadline_counts_working_days_over_the_spring_festival(world):
    plan = PlanFactory(enterprise=world.enterprise_a)
    # Friday 13 February 2026; Saturday the 14th is a make-up workday, the holiday runs 15–23 February.
    task = new_task(plan, world.officer, dt.date(2026, 2, 13), 2)
    assert task.deadline == dt.date(2026, 2, 24)


def test_deadline_skips_the_national_day_holiday(world):
    plan = PlanFactory(enterprise=world.enterprise_a)
    task = new_task(plan, world.officer, dt.date(2026, 9, 30), 1)
    assert task.deadline == dt.date(2026, 10, 8)


def test_the_offices_calendar_moves_a_deadline(world):
    plan = PlanFactory(enterprise=world.enterprise_a)
    CalendarDay.objects.create(date=dt.date(2026, 3, 3), is_workday=False, note="区里停工日")
    task = new_task(plan, world.officer, dt.date(2026, 3, 2), 1)  # Monday → Wednesday, Tuesday is off
    assert task.deadline == dt.date(2026, 3, 4)


def test_a_deadline_in_a_year_nobody_announced_does_not_fail(world):
    plan = PlanFactory(enterprise=world.enterprise_a)
    task = new_task(plan, world.officer, dt.date(2031, 12, 30), 3)
    assert task.deadline == dt.date(2032, 1, 2)


def test_changing_the_start_or_working_days_recomputes_the_deadline(world):
    plan = PlanFactory(enterprise=world.enterprise_a)
    task = new_task(plan, world.officer, dt.date(2026, 3, 2), 5)
    assert task.deadline == dt.date(2026, 3, 9)
    task.workdays = 1
    services.task_save(task=task, actor=world.officer)
    assert PlanTask.objects.get(pk=task.pk).deadline == dt.date(2026, 3, 3)


@pytest.mark.parametrize("workdays", [0, 251])
def test_working_days_must_be_between_one_and_a_year(world, workdays):
    plan = PlanFactory(enterprise=world.enterprise_a)
    with pytest.raises(ValidationError):
        new_task(plan, world.officer, dt.date(2026, 3, 2), workdays)
    assert not PlanTask.objects.exists()


def test_a_closed_plan_takes_no_task(world):
    plan = PlanFactory(enterprise=world.enterprise_a, closed=True)
    with pytest.raises(ValidationError):
        new_task(plan, world.officer, dt.date(2026, 3, 2), 2)


def test_the_auditor_cannot_own_a_task(world):
    plan = PlanFactory(enterprise=world.enterprise_a)
    with pytest.raises(ValidationError):
        new_task(plan, world.auditor, dt.date(2026, 3, 2), 2)


def test_a_task_is_done_once_with_a_note_and_only_on_an_approved_plan(world):
    draft = PlanFactory(enterprise=world.enterprise_a)
    task = PlanTaskFactory(plan=draft, owner=world.officer)
    with pytest.raises(ValidationError):
        services.task_complete(task=task, actor=world.officer, note="完成")
    services.plan_approve(plan=draft, actor=world.leader)
    with pytest.raises(ValidationError):
        services.task_complete(task=task, actor=world.officer, note=" ")
    services.task_complete(task=task, actor=world.officer, note="已上门办理")
    task.refresh_from_db()
    assert task.is_done and task.done_by == world.officer and task.completion_note == "已上门办理"
    with pytest.raises(ValidationError):
        services.task_complete(task=task, actor=world.officer, note="再次")
    task.title = "改名"
    with pytest.raises(ValidationError):
        services.task_save(task=task, actor=world.officer)


def overdue_world(world):
    today = timezone.localdate()
    approved = PlanFactory(enterprise=world.enterprise_a, approved=True)
    late = PlanTaskFactory(plan=approved, owner=world.officer, overdue=True, title="逾期任务")
    PlanTaskFactory(plan=approved, owner=world.officer, title="未到期任务")
    PlanTaskFactory(plan=approved, owner=world.officer, overdue=True, done=True, title="已完成的逾期任务")
    draft = PlanFactory(enterprise=world.enterprise_a)
    PlanTaskFactory(plan=draft, owner=world.officer, overdue=True, title="草稿中的任务")
    due_today = PlanTaskFactory(plan=approved, owner=world.team, starts_on=today, deadline=today, title="今天到期")
    return late, due_today


def test_only_open_tasks_of_approved_plans_past_their_deadline_are_overdue(world):
    late, due_today = overdue_world(world)
    assert set(reminders.overdue_tasks(timezone.localdate())) == {late}
    assert set(reminders.overdue_tasks(timezone.localdate() + dt.timedelta(days=1))) == {late, due_today}


def test_send_reminders_tells_each_owner_once_a_day(world):
    late, _due = overdue_world(world)
    call_command("send_reminders", stdout=open("/dev/null", "w"))
    call_command("send_reminders", stdout=open("/dev/null", "w"))
    notes = Notification.objects.filter(kind=Notification.Kind.TASK)
    assert notes.count() == 1
    note = notes.get()
    assert note.recipient == world.officer
    assert "逾期任务" in note.text and note.url == late.get_absolute_url()


def test_the_office_is_reminded_of_plans_past_their_review_date(world):
    with time_machine.travel(timezone.now() - dt.timedelta(days=200), tick=False):
        PlanFactory(enterprise=world.enterprise_a, approved=True)
    call_command("send_reminders", stdout=open("/dev/null", "w"))
    # On a Monday late in the year the office is also told that next year's holidays are unknown (not this test's).
    review = Notification.objects.filter(recipient=world.coordinator, kind=Notification.Kind.OTHER).exclude(
        key__endswith="calendar-uncovered"
    )
    assert review.count() == 1
    assert reverse("enterprises:plan_overview") in review.get().url


def test_overdue_tasks_show_on_their_owners_home(world, client_for):
    overdue_world(world)
    page = client_for(world.officer).get("/").content.decode()
    assert 'id="my-plan-tasks"' in page
    assert "逾期任务" in page and "未到期任务" in page
    assert "草稿中的任务" not in page and "已完成的逾期任务" not in page


def test_someone_without_tasks_has_no_task_panel(world, client_for):
    overdue_world(world)
    assert 'id="my-plan-tasks"' not in client_for(world.outsider).get("/").content.decode()


def test_the_task_list_filters_overdue_and_mine(world, client_for):
    overdue_world(world)
    client = client_for(world.coordinator)
    overdue = client.get(reverse("enterprises:task_list"), {"state": "overdue"}).content.decode()
    assert "逾期任务" in overdue and "未到期任务" not in overdue and "草稿中的任务" not in overdue
    client = client_for(world.team)
    mine = client.get(reverse("enterprises:task_list"), {"mine": "true"}).content.decode()
    assert "今天到期" in mine and "逾期任务" not in mine


def test_an_owner_sees_their_task_outside_their_scope_but_nothing_else_there(world, client_for):
    plan_b = PlanFactory(enterprise=world.enterprise_b, approved=True)
    PlanTaskFactory(plan=plan_b, owner=world.officer, title="跨所任务")
    PlanTaskFactory(plan=plan_b, owner=world.outsider, title="乙所自己的任务")
    page = client_for(world.officer).get(reverse("enterprises:task_list")).content.decode()
    assert "跨所任务" in page and "乙所自己的任务" not in page


@pytest.mark.parametrize("rows", [5, 50])
def test_the_task_list_query_count_does_not_grow(world, client_for, django_assert_max_num_queries, rows):
    plan = PlanFactory(enterprise=world.enterprise_a, approved=True)
    owners = [world.officer, UserFactory(unit=world.station_a)]
    for i in range(rows):
        PlanTaskFactory(plan=plan, owner=owners[i % 2])
    client = client_for(world.officer)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("enterprises:task_list")).status_code == 200
