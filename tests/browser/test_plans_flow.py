"""One enterprise, one plan: the officer drafts, the leader approves, the officer reports a task done, the file shows it."""

import pytest

from enterprises.models import Plan, PlanTask
from tests.browser.conftest import no_horizontal_scroll, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_drafts_leader_approves_officer_completes_and_the_timeline_shows_it(
    world, live_server, page_at, viewport, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    enterprise = world.enterprise_a
    officer = page_at(viewport)
    sign_in(officer, live_server.url, "officer")
    officer.wait_for_url(f"{live_server.url}/")

    # The officer drafts the plan from the file's plan tab.
    officer.goto(f"{live_server.url}/enterprises/{enterprise.pk}/?tab=plan")
    officer.wait_for_selector("#no-approved-plan")
    officer.click("#draft-plan")
    officer.fill("#id_situation", "外地员工较多，居住登记不及时。")
    officer.fill("#id_needs", "希望民警上门办理居住登记。")
    officer.fill("#id_goals", "一个月内全部办结。")
    officer.fill("#id_measures", "民警到厂区集中采集信息，办理居住登记。")
    officer.click("#plan-form button[type=submit]")
    officer.wait_for_selector("#plan-title")
    plan = Plan.objects.get(enterprise=enterprise)
    assert plan.status == Plan.Status.DRAFT and plan.created_by == world.officer
    assert no_horizontal_scroll(officer)

    # Its task list: one task with its owner and a deadline in working days.
    officer.click("#add-task")
    officer.fill("#id_title", "外地员工居住登记上门办理")
    officer.fill("#id_workdays", "5")
    officer.click("#task-form button[type=submit]")
    officer.wait_for_selector(".timetable-bar")
    task = PlanTask.objects.get(plan=plan)
    assert task.owner == world.officer
    # An officer cannot approve.
    assert officer.locator("#approve-plan").count() == 0

    # The leader approves it.
    leader = page_at(viewport)
    sign_in(leader, live_server.url, "leader")
    leader.wait_for_url(f"{live_server.url}/")
    leader.goto(f"{live_server.url}{plan.get_absolute_url()}")
    leader.fill("#approve-form input[name=note]", "同意，抓紧落实。")
    leader.click("#approve-plan")
    leader.wait_for_selector("#approve-plan", state="detached")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPROVED and plan.approved_by == world.leader

    # The officer reports the task done.
    officer.goto(f"{live_server.url}{plan.get_absolute_url()}")
    officer.fill(f"#task-{task.pk} input[name=completion_note]", "已到厂区办理居住登记 86 人。")
    officer.click(f"#task-{task.pk} button[type=submit]")
    officer.wait_for_selector(f"#task-{task.pk} .text-success")
    task.refresh_from_db()
    assert task.is_done and task.done_by == world.officer

    # The file's timeline shows all three.
    officer.goto(f"{live_server.url}/enterprises/{enterprise.pk}/?tab=timeline")
    officer.wait_for_selector("#timeline")
    for key in (f"plan:{plan.pk}:drafted", f"plan:{plan.pk}:approved", f"task:{task.pk}:done"):
        assert officer.locator(f'#timeline li[data-key="{key}"]').count() == 1, key
    assert "已到厂区办理居住登记 86 人。" in officer.inner_text("#timeline")
    assert no_horizontal_scroll(officer)
    # Filtered to plans only, the task is gone and the plan's two steps stay.
    officer.select_option("#timeline-filter select[name=kind]", "plan")
    officer.click("#timeline-filter button[type=submit]")
    officer.wait_for_url("**kind=plan**")
    assert officer.locator("#timeline li[data-kind=task]").count() == 0
    assert officer.locator("#timeline li[data-kind=plan]").count() == 2
