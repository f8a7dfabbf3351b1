"""The plan's state machine: DRAFT → APPROVED (a leader) → CLOSED, one approved plan per enterprise."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from enterprises import services
from enterprises.models import Plan
from tests.factories import EnterpriseFactory
from tests.plans.factories import PlanFactory, PlanTaskFactory

pytestmark = pytest.mark.django_db


def draft_with_task(enterprise, owner, **kwargs):
    plan = PlanFactory(enterprise=enterprise, created_by=owner, **kwargs)
    PlanTaskFactory(plan=plan, owner=owner)
    return plan


def test_leader_approves_a_draft_with_tasks(world):
    plan = draft_with_task(world.enterprise_a, world.officer)
    services.plan_approve(plan=plan, actor=world.leader, note="同意")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPROVED
    assert plan.approved_by == world.leader
    assert plan.approval_note == "同意"
    assert plan.approved_at is not None


@pytest.mark.parametrize("role", ["coordinator", "team", "officer"])
def test_only_a_leader_approves(world, role):
    plan = draft_with_task(world.enterprise_a, world.officer)
    with pytest.raises(ValidationError):
        services.plan_approve(plan=plan, actor=getattr(world, role))
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT


def test_a_plan_without_tasks_is_not_approved(world):
    plan = PlanFactory(enterprise=world.enterprise_a)
    with pytest.raises(ValidationError, match="task"):
        services.plan_approve(plan=plan, actor=world.leader)
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.DRAFT


def test_a_plan_whose_review_date_has_passed_is_not_approved(world):
    plan = draft_with_task(world.enterprise_a, world.officer, review_on=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="review"):
        services.plan_approve(plan=plan, actor=world.leader)


def test_an_approved_or_closed_plan_is_not_approved_again(world):
    plan = draft_with_task(world.enterprise_a, world.officer)
    services.plan_approve(plan=plan, actor=world.leader)
    with pytest.raises(ValidationError):
        services.plan_approve(plan=plan, actor=world.leader)
    services.plan_close(plan=plan, actor=world.coordinator, reason="企业需求已解决")
    with pytest.raises(ValidationError):
        services.plan_approve(plan=plan, actor=world.leader)


def test_approving_a_new_plan_closes_the_old_one_which_stays_readable(world):
    old = draft_with_task(world.enterprise_a, world.officer, title="旧计划")
    services.plan_approve(plan=old, actor=world.leader)
    new = draft_with_task(world.enterprise_a, world.officer, title="新计划")
    services.plan_approve(plan=new, actor=world.leader)
    old.refresh_from_db()
    new.refresh_from_db()
    assert new.status == Plan.Status.APPROVED
    assert old.status == Plan.Status.CLOSED
    assert old.superseded_by == new
    assert old.closed_by == world.leader
    assert old.closed_at == new.approved_at
    # Still there with its content and tasks: the file keeps it.
    assert old.title == "旧计划" and old.tasks.count() == 1 and old.approved_by == world.leader
    assert Plan.objects.filter(enterprise=world.enterprise_a, status=Plan.Status.APPROVED).get() == new


def test_approving_a_plan_leaves_other_enterprises_plans_alone(world):
    other = draft_with_task(world.enterprise_b, world.outsider)
    services.plan_approve(plan=other, actor=world.leader)
    mine = draft_with_task(world.enterprise_a, world.officer)
    services.plan_approve(plan=mine, actor=world.leader)
    assert Plan.objects.get(pk=other.pk).status == Plan.Status.APPROVED


def test_the_database_refuses_a_second_approved_plan(world):
    PlanFactory(enterprise=world.enterprise_a, approved=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanFactory(enterprise=world.enterprise_a, approved=True)


def test_the_database_refuses_an_update_that_makes_two_plans_approved(world):
    PlanFactory(enterprise=world.enterprise_a, approved=True)
    draft = PlanFactory(enterprise=world.enterprise_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.filter(pk=draft.pk).update(status=Plan.Status.APPROVED, approved_at=timezone.now(), approved_by=world.leader)


def test_the_database_allows_approved_plans_of_different_enterprises_and_many_closed_ones(world):
    PlanFactory(enterprise=world.enterprise_a, approved=True)
    PlanFactory(enterprise=world.enterprise_b, approved=True)
    PlanFactory(enterprise=world.enterprise_a, closed=True)
    PlanFactory(enterprise=world.enterprise_a, closed=True)
    assert Plan.objects.count() == 4


def test_the_database_refuses_an_approved_plan_without_its_approver(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanFactory(enterprise=world.enterprise_a, status=Plan.Status.APPROVED)


def test_a_draft_is_edited_but_an_approved_plan_is_not(world):
    plan = draft_with_task(world.enterprise_a, world.officer)
    plan.goals = "新目标"
    services.plan_save(plan=plan, actor=world.officer)
    assert Plan.objects.get(pk=plan.pk).goals == "新目标"
    services.plan_approve(plan=plan, actor=world.leader)
    plan.refresh_from_db()
    plan.goals = "偷偷修改"
    with pytest.raises(ValidationError):
        services.plan_save(plan=plan, actor=world.officer)
    assert Plan.objects.get(pk=plan.pk).goals == "新目标"


def test_a_closed_enterprise_gets_no_new_plan(world):
    closed = EnterpriseFactory(closed=True, station=world.station_a)
    plan = PlanFactory.build(enterprise=closed)
    with pytest.raises(ValidationError):
        services.plan_save(plan=plan, actor=world.coordinator)
    assert not Plan.objects.filter(enterprise=closed).exists()


def test_closing_needs_a_reason_and_happens_once(world):
    plan = draft_with_task(world.enterprise_a, world.officer)
    with pytest.raises(ValidationError):
        services.plan_close(plan=plan, actor=world.coordinator, reason="  ")
    services.plan_close(plan=plan, actor=world.coordinator, reason="不再需要")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.CLOSED and plan.close_reason == "不再需要" and plan.approved_at is None
    with pytest.raises(ValidationError):
        services.plan_close(plan=plan, actor=world.coordinator, reason="再次")


def test_a_revision_copies_the_plan_and_its_open_tasks_into_a_new_draft(world):
    plan = draft_with_task(world.enterprise_a, world.officer)
    PlanTaskFactory(plan=plan, owner=world.officer, title="已完成的任务")
    services.plan_approve(plan=plan, actor=world.leader)
    finished = plan.tasks.get(title="已完成的任务")
    services.task_complete(task=finished, actor=world.officer, note="完成")
    revision = services.plan_draft_from(source=plan, actor=world.officer)
    assert revision.status == Plan.Status.DRAFT
    assert revision.measures == plan.measures
    assert list(revision.tasks.values_list("title", flat=True)) == list(
        plan.tasks.filter(done_at__isnull=True).values_list("title", flat=True)
    )
    # The approved plan stays in force until the revision is approved.
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.APPROVED


def test_closing_the_enterprise_closes_its_plans(world):
    approved = draft_with_task(world.enterprise_a, world.officer)
    services.plan_approve(plan=approved, actor=world.leader)
    draft = PlanFactory(enterprise=world.enterprise_a)
    services.enterprise_close(enterprise=world.enterprise_a, actor=world.coordinator)
    assert set(Plan.objects.filter(enterprise=world.enterprise_a).values_list("status", flat=True)) == {Plan.Status.CLOSED}
    assert Plan.objects.get(pk=draft.pk).closed_by == world.coordinator
