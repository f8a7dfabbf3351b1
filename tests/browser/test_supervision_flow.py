"""A referral from a red ledger item through the office, the leader and back to the item, in Chromium."""

import datetime as dt
import io

import docx
import pytest
from django.utils import timezone

from supervision.models import Referral
from tests.browser.conftest import no_horizontal_scroll, sign_in
from tests.factories import IssueFactory
from visits.models import Issue, IssueUpdate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_as(page_at, viewport, live_server, username):
    page = page_at(viewport)
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    sign_in(page, live_server.url, username)
    page.wait_for_url(f"{live_server.url}/")
    return page, errors


def status_of(page):
    return page.get_attribute("#referral-status", "data-status")


def test_a_referral_goes_from_a_red_ledger_item_to_the_city_bureau_and_its_reply_back_to_the_item(
    world, live_server, page_at, viewport
):
    red = IssueFactory(
        enterprise=world.enterprise_a, responsible_unit=world.station_a, owner=world.officer, status=Issue.Status.IN_PROGRESS,
        description="井下炸药库容量不足，无法存放每日生产用量", accepted_at=timezone.now() - dt.timedelta(days=20),
        deadline=timezone.localdate() - dt.timedelta(days=2),
    )

    # The community officer raises the referral from the overdue item and submits it.
    officer, officer_errors = open_as(page_at, viewport, live_server, "officer")
    officer.goto(f"{live_server.url}/supervision/referrals/add/?issue={red.pk}")
    assert officer.input_value("#id_issue") == red.number
    assert "井下炸药库容量不足" in officer.input_value("#id_request")
    officer.fill("#id_title", "协调解决甲企业炸药库存放能力不足问题")
    officer.fill("#id_requested_of", "市公安局治安管理支队")
    officer.click("form button[type=submit].btn-primary")
    officer.wait_for_selector("#referral-status[data-status=DRAFT]")
    assert officer.inner_text("#referral-issue").startswith(red.number)
    assert officer.locator("#referral-issue .badge-light-red").count() == 1  # the item is red
    officer.click("button[value=submit]")
    officer.wait_for_selector("#referral-status[data-status=SUBMITTED]")
    referral = Referral.objects.get()
    assert no_horizontal_scroll(officer)

    # The office finds it on the board, writes the report and records it as sent; the DOCX reads back.
    office, office_errors = open_as(page_at, viewport, live_server, "office")
    office.goto(f"{live_server.url}/supervision/referrals/")
    office.click(f".board-column[data-status=SUBMITTED] .referral-card[data-number='{referral.number}']")
    office.wait_for_selector("#next-step")
    assert "井下炸药库容量不足" in office.input_value("#id_report_body")
    office.click("button[value=report]")
    office.wait_for_selector("#referral-status[data-status=REPORTED]")
    with office.expect_download() as download:
        office.click("#report-document")
    document = docx.Document(io.BytesIO(open(download.value.path(), "rb").read()))
    lines = [p.text for p in document.paragraphs]
    assert "关于协调解决甲企业炸药库存放能力不足问题的报告" in lines and any(referral.number in line for line in lines)

    # The leader sees it waiting on the home page and records the instruction.
    leader, leader_errors = open_as(page_at, viewport, live_server, "leader")
    leader.click(f"#panel-awaiting-instruction a:has-text('{referral.number}')")
    leader.fill("#id_instruction", "同意。请甲派出所会同治安大队开辟绿色通道，每日审批。")
    leader.click("button[value=instruct]")
    leader.wait_for_selector("#referral-status[data-status=INSTRUCTED]")
    assert "开辟绿色通道" in leader.inner_text("#instruction")

    # The office assigns it to the officer's station, with three working days to reply.
    office.reload()
    office.select_option("#id_assigned_unit", label=world.station_a.name)
    office.fill("#id_reply_workdays", "3")
    office.click("button[value=assign]")
    office.wait_for_selector("#referral-status[data-status=ASSIGNED]")

    # The station replies from the task on its home page; the reply lands on the ledger item.
    officer.goto(f"{live_server.url}/")
    officer.click(f"#panel-my-tasks a:has-text('{referral.number}')")
    officer.fill("#id_reply", "已开辟绿色通道，指定专人每日审批炸药使用。")
    officer.click("button[value=reply]")
    officer.wait_for_selector("#referral-status[data-status=DONE]")
    assert "已开辟绿色通道" in officer.inner_text("#reply") and red.number in officer.inner_text("#reply")
    update = IssueUpdate.objects.get(issue=red)
    assert (update.actor, update.text, update.from_status, update.to_status) == (
        world.officer, "已开辟绿色通道，指定专人每日审批炸药使用。", Issue.Status.IN_PROGRESS, Issue.Status.IN_PROGRESS,
    )
    assert no_horizontal_scroll(officer)

    # The leader's dashboard draws its charts (from the JSON block, under the Content-Security-Policy).
    leader.goto(f"{live_server.url}/reports/")
    leader.wait_for_function("document.getElementById('chart-coverage').chart !== undefined")
    assert leader.evaluate("!!document.getElementById('chart-lights').chart")
    assert not (officer_errors + office_errors + leader_errors)
