"""At city scale an enterprise is chosen by typing part of its name: the matches arrive in the select."""

import pytest

from enterprises.models import Enterprise
from liaison.picker import SearchSelect
from tests.browser.conftest import PHONE, no_horizontal_scroll, sign_in
from tests.factories import EnterpriseFactory
from visits.models import Issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_finds_an_enterprise_by_typing_and_registers_a_problem(world, live_server, page_at, monkeypatch):
    monkeypatch.setattr(SearchSelect, "limit", 3)
    for i in range(6):
        EnterpriseFactory(name=f"江城机械{i}厂", station=world.station_a)
    page = page_at(PHONE)
    sign_in(page, live_server.url, "officer")
    page.goto(f"{live_server.url}/issues/new/")
    assert page.locator("select[name=enterprise] option").count() == 1  # only the empty choice, not the city
    page.fill("input[name=term]", "机械4")
    page.wait_for_selector("select[name=enterprise] option:has-text('江城机械4厂')", state="attached")
    assert "找到 1 项" in page.locator("select[name=enterprise] option").first.inner_text()
    page.select_option("select[name=enterprise]", label="江城机械4厂")
    page.select_option("select[name=category]", Issue.Category.HAZARD)
    page.fill("textarea[name=description]", "仓库消防通道堵塞")
    assert no_horizontal_scroll(page)
    with page.expect_navigation():
        page.click("form:has(textarea[name=description]) button[type=submit]")
    issue = Issue.objects.get(description="仓库消防通道堵塞")
    assert issue.enterprise == Enterprise.objects.get(name="江城机械4厂")
