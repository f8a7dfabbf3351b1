"""The plan pages: drafting, approving, closing, tasks, and the office's overview."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises.models import Plan, PlanTask
from tests.factories import EnterpriseFactory
from tests.plans.factories import PlanFactory, PlanTaskFactory

pytestmark = pytest.mark.django_db


def plan_form(**overrides):
    data = {
        "title": "甲企业护航计划", "situation": "外地员工较多", "risks": "居住登记不及时", "needs": "上门办理居住登记",
        "goals": "一个月内办结", "measures": "民警上门集中采集信息",
        "review_on": (timezone.localdate() + dt.timedelta(days=90)).isoformat(),
    }
    data.update(overrides)
    return data


def test_the_assigned_officer_drafts_a_plan(world, client_for):
    client = client_for(world.officer)
    form = client.get(reverse("enterprises:plan_add", args=[world.enterprise_a.pk]))
    # The current assignees are proposed as responsible officers.
    assert world.officer.pk in form.context["form"].initial["responsible_officers"]
    response = client.post(
        reverse("enterprises:plan_add", args=[world.enterprise_a.pk]),
        plan_form(responsible_officers=[world.officer.pk, world.leader.pk]),
    )
    plan = Plan.objects.get()
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert plan.status == Plan.Status.DRAFT and plan.created_by == world.officer
    assert set(plan.responsible_officers.all()) == {world.officer, world.leader}


def test_a_plan_form_with_bad_input_keeps_what_was_typed(world, client_for):
    response = client_for(world.officer).post(
        reverse("enterprises:plan_add", args=[world.enterprise_a.pk]),
        plan_form(goals="", review_on=(timezone.localdate() - dt.timedelta(days=1)).isoformat()),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "goals" in form.errors and "review_on" in form.errors
    assert form["measures"].value() == "民警上门集中采集信息"
    assert not Plan.objects.exists()


def test_a_double_submit_drafts_one_plan(world, client_for):
    client = client_for(world.officer)
    url = reverse("enterprises:plan_add", args=[world.enterprise_a.pk])
    data = plan_form(_submit_token="a" * 32)
    assert client.post(url, data).status_code == 302
    second = client.post(url, data)
    assert second.status_code == 302 and second["Location"] == Plan.objects.get().get_absolute_url()


def test_a_station_officer_not_assigned_cannot_draft(world, client_for):
    from tests.factories import UserFactory

    colleague = UserFactory(unit=world.station_a)
    assert client_for(colleague).get(reverse("enterprises:plan_add", args=[world.enterprise_a.pk])).status_code == 403


def test_a_team_assigned_to_the_enterprise_drafts_its_plan(world, client_for):
    from enterprises.models import Assignment

    Assignment.objects.create(enterprise=world.enterprise_a, kind=Assignment.Kind.TEAM, team=world.team_unit)
    assert client_for(world.team).get(reverse("enterprises:plan_add", args=[world.enterprise_a.pk])).status_code == 200


def test_tasks_are_added_and_the_leader_approves(world, client_for):
    plan = PlanFactory(enterprise=world.enterprise_a, created_by=world.officer)
    officer = client_for(world.officer)
    response = officer.post(
        reverse("enterprises:task_add", args=[plan.pk]),
        {"title": "居住登记上门办理", "owner": world.officer.pk, "starts_on": "2026-03-02", "workdays": 5},
    )
    assert response.status_code == 302
    task = PlanTask.objects.get()
    assert task.deadline == dt.date(2026, 3, 9)
    leader = client_for(world.leader)
    response = leader.post(reverse("enterprises:plan_approve", args=[plan.pk]), {"note": "同意"}, follow=True)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPROVED and plan.approval_note == "同意"
    assert "plan-status" in response.content.decode()


def test_approving_a_plan_without_tasks_shows_why(world, client_for):
    plan = PlanFactory(enterprise=world.enterprise_a)
    response = client_for(world.leader).post(reverse("enterprises:plan_approve", args=[plan.pk]), follow=True)
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.DRAFT
    assert any("task" in str(m) for m in response.context["messages"])


def test_the_owner_marks_a_task_done_from_the_plan_page(world, client_for):
    plan = PlanFactory(enterprise=world.enterprise_a, approved=True)
    task = PlanTaskFactory(plan=plan, owner=world.officer)
    client = client_for(world.officer)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert reverse("enterprises:task_done", args=[task.pk]) in page
    client.post(reverse("enterprises:task_done", args=[task.pk]), {"completion_note": "已办结"})
    task.refresh_from_db()
    assert task.is_done and task.completion_note == "已办结"


def test_a_task_without_a_note_is_not_done(world, client_for):
    plan = PlanFactory(enterprise=world.enterprise_a, approved=True)
    task = PlanTaskFactory(plan=plan, owner=world.officer)
    client_for(world.officer).post(reverse("enterprises:task_done", args=[task.pk]), {"completion_note": ""})
    assert not PlanTask.objects.get(pk=task.pk).is_done


def test_the_plan_page_draws_the_timetable(world, client_for):
    plan = PlanFactory(enterprise=world.enterprise_a, approved=True)
    today = timezone.localdate()
    PlanTaskFactory(plan=plan, owner=world.officer, overdue=True, title="逾期")
    PlanTaskFactory(plan=plan, owner=world.officer, starts_on=today, deadline=today + dt.timedelta(days=30), title="进行中")
    PlanTaskFactory(plan=plan, owner=world.officer, done=True, title="已完成")
    page = client_for(world.officer).get(plan.get_absolute_url()).content.decode()
    assert page.count('class="timetable-bar') == 3
    assert "bar-overdue" in page and "bar-open" in page and "bar-done" in page
    assert "timetable-today" in page
    assert "<script" not in page.split("<main")[1].split("</main>")[0]


def test_the_office_sees_enterprises_without_an_approved_plan_and_plans_past_review(world, client_for):
    planned = EnterpriseFactory(name="有计划企业", station=world.station_a)
    PlanFactory(enterprise=planned, approved=True)
    drafted = EnterpriseFactory(name="只有草稿企业", station=world.station_a)
    PlanFactory(enterprise=drafted)
    EnterpriseFactory(name="已注销企业", station=world.station_a, closed=True)
    late = PlanFactory(enterprise=world.enterprise_b, approved=True, title="过了评估日期的计划")
    Plan.objects.filter(pk=late.pk).update(review_on=timezone.localdate() - dt.timedelta(days=1))
    response = client_for(world.coordinator).get(reverse("enterprises:plan_overview"))
    unplanned = [e.name for e in response.context["unplanned_table"].data]
    assert "只有草稿企业" in unplanned and world.enterprise_a.name in unplanned
    assert "有计划企业" not in unplanned and "已注销企业" not in unplanned and world.enterprise_b.name not in unplanned
    assert [p.title for p in response.context["review_table"].data] == ["过了评估日期的计划"]


def test_the_office_home_counts_plan_gaps(world, client_for):
    PlanFactory(enterprise=world.enterprise_a, approved=True)
    page = client_for(world.coordinator).get("/").content.decode()
    assert 'id="plan-panel"' in page


@pytest.mark.parametrize("rows", [5, 50])
def test_plan_lists_query_count_does_not_grow(world, client_for, django_assert_max_num_queries, rows):
    for i in range(rows):
        enterprise = EnterpriseFactory(station=world.station_a if i % 2 else world.station_b)
        plan = PlanFactory(enterprise=enterprise, approved=bool(i % 3))
        PlanTaskFactory(plan=plan, owner=world.officer, overdue=True)
    client = client_for(world.coordinator)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("enterprises:plan_list")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("enterprises:plan_overview")).status_code == 200
