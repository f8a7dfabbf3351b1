"""The core loop on a phone: a visit with a photo and two problems, one item worked to verified closure, and
the other turning red on the leader's home once its deadline has passed."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from tests.browser.conftest import DESKTOP, PHONE, no_horizontal_scroll, sign_in
from tests.visits.factories import image_bytes
from visits.models import Issue, Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TZ = ZoneInfo("Asia/Shanghai")


def wider_than_screen(page):
    """The elements sticking out on the right (for the failure message)."""
    return page.evaluate(
        "Array.from(document.querySelectorAll('body *'))"
        ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
        ".slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"
    )


def fits(page):
    return no_horizontal_scroll(page) or wider_than_screen(page)


def open_action(page, name):
    page.click(f"#action-{name} summary")
    return f"#action-{name}"


def submit_action(page, name):
    with page.expect_navigation():
        page.click(f"#action-{name} button[type=submit]")


def test_a_visit_is_logged_on_a_phone_and_its_problems_tracked_to_closure_or_red(world, live_server, page_at):
    base = live_server.url

    # The officer, on a phone at the factory gate: one tap from home to the visit form.
    officer = page_at(PHONE)
    sign_in(officer, base, "officer")
    officer.wait_for_selector("#visits-due")
    assert fits(officer) is True
    officer.click(f"#visits-due a.log-visit[href$='enterprise={world.enterprise_a.pk}']")
    officer.wait_for_selector("#visit-form")
    assert fits(officer) is True
    officer.fill("input[name=received_by]", "王经理")
    officer.fill("input[name=received_by_position]", "安全主管")
    officer.fill("textarea[name=observations]", "仓库消防通道堆放货物")
    officer.check("input[name=letter_delivered]")
    officer.set_input_files(
        "input[name=photos]", files=[{"name": "现场.png", "mimeType": "image/png", "buffer": image_bytes(size=(800, 600))}]
    )
    officer.select_option("select[name=problems-0-category]", "HAZARD")
    officer.fill("textarea[name=problems-0-description]", "仓库消防通道被货物堵塞")
    officer.click("#add-problem")
    officer.select_option("select[name=problems-1-category]", "SERVICE")
    officer.fill("textarea[name=problems-1-description]", "外地员工需办理居住登记")
    officer.check("input[name=problems-1-take_on]")
    assert fits(officer) is True
    with officer.expect_navigation():
        officer.click("#save-visit")
    visit = Visit.objects.get()
    assert officer.url.endswith(f"/visits/{visit.pk}/")
    assert officer.locator("#visit-photos img").count() == 1
    assert officer.locator("#visit-problems li").count() == 2
    assert fits(officer) is True
    hazard = Issue.objects.get(description="仓库消防通道被货物堵塞")
    service = Issue.objects.get(description="外地员工需办理居住登记")
    assert hazard.status == Issue.Status.REGISTERED and service.status == Issue.Status.ACCEPTED

    # The office assigns the hazard to the station, with the officer as owner.
    office = page_at(DESKTOP)
    sign_in(office, base, "office")
    office.goto(f"{base}/issues/?status=REGISTERED")
    office.click(f"#issue-table a:has-text('{hazard.number}')")
    open_action(office, "assign")
    office.select_option("#action-assign select[name=responsible_unit]", str(world.station_a.pk))
    office.select_option("#action-assign select[name=owner]", str(world.officer.pk))
    office.fill("#action-assign input[name=time_limit_days]", "5")
    submit_action(office, "assign")
    with translation.override("zh-hans"):  # the browser asks for Chinese
        assert office.inner_text("#issue-status").strip() == str(Issue.Status.ASSIGNED.label)

    # The owner accepts it and reports it rectified, from the phone.
    officer.goto(f"{base}/issues/{hazard.pk}/")
    open_action(officer, "accept")
    submit_action(officer, "accept")
    assert officer.locator("#issue-status [data-status=ACCEPTED]").count() == 1
    assert fits(officer) is True
    open_action(officer, "resolve")
    officer.fill("#action-resolve textarea[name=evidence]", "货物已清走，通道畅通")
    submit_action(officer, "resolve")
    assert officer.locator("#issue-status [data-status=RESOLVED]").count() == 1

    # The office verifies it and closes it, recording the enterprise's answer on the call-back.
    office.reload()
    open_action(office, "close")
    office.select_option("#action-close select[name=satisfaction]", "SATISFIED")
    submit_action(office, "close")
    assert office.locator("#issue-status [data-status=CLOSED]").count() == 1
    hazard.refresh_from_db()
    assert hazard.status == Issue.Status.CLOSED and hazard.satisfaction == Issue.Satisfaction.SATISFIED

    # Two days after the other item's deadline, the leader's home shows it red.
    service.refresh_from_db()
    later = dt.datetime.combine(service.deadline + dt.timedelta(days=2), dt.time(9), tzinfo=TZ)
    with time_machine.travel(later, tick=True):
        leader = page_at(PHONE)
        sign_in(leader, base, "leader")
        leader.wait_for_selector("#red-list")
        red = leader.locator(f"#red-list [data-issue='{service.number}']")
        assert red.count() == 1
        assert hazard.number not in leader.inner_text("#red-list")
        assert fits(leader) is True
        red.click()
        leader.wait_for_selector("#issue-light [data-light=red]")
