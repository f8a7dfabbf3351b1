"""三个一律 in the browser: a freeze of assets is proposed, reviewed by the handling unit, the legal team and the
bureau leadership, and only then can it be executed; before that the execute button is absent and a crafted
POST to the execute URL changes nothing."""

import pytest
from django.utils import timezone

from casework.models import Case, CoerciveMeasure
from tests.browser.conftest import no_horizontal_scroll, sign_in
from tests.casework.factories import CaseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def measure_status(pk):
    return CoerciveMeasure.objects.get(pk=pk).status


def record_review(page, base_url, pk, participants, minutes):
    page.goto(f"{base_url}/casework/measures/{pk}/")
    page.click("#measure-review")
    page.wait_for_selector("#review-form")
    assert no_horizontal_scroll(page)
    page.select_option("select[name=participants]", [str(user.pk) for user in participants])
    page.fill("textarea[name=minutes]", minutes)
    page.fill("textarea[name=economic_impact]", "仅冻结涉案金额，不影响工资发放和原料采购")
    page.check("input[name=decision][value=APPROVE]")
    page.click("#review-form button[type=submit]")
    page.wait_for_url(f"**/casework/measures/{pk}/")


def test_a_freeze_of_assets_is_executed_only_after_the_three_collective_reviews(world, live_server, page_at, viewport):
    case = CaseFactory(
        enterprise=world.enterprise_a, handling_unit=world.station_a, case_type=Case.Type.IP_INFRINGEMENT,
        title="涉嫌假冒注册商标案", filed=True, received_at=timezone.now() - timezone.timedelta(days=3),
    )
    base = live_server.url
    people = [world.officer, world.outsider, world.team]

    # The handling unit's officer proposes the freeze on the case.
    officer = page_at(viewport)
    officer.on("dialog", lambda dialog: dialog.accept())
    sign_in(officer, base, "officer")
    officer.goto(f"{base}/casework/cases/{case.pk}/")
    officer.click("#measure-propose")
    officer.select_option("select[name=kind]", "FREEZE")
    officer.fill("input[name=target]", "甲企业一般存款账户（尾号 3021）")
    officer.fill("input[name=amount]", "800000")
    officer.fill("textarea[name=grounds]", "防止涉案资金转移")
    officer.click("#action-form button[type=submit]")
    officer.wait_for_url("**/casework/measures/*/")
    measure = CoerciveMeasure.objects.get(case=case)
    assert officer.get_attribute("#measure-status", "data-status") == "PROPOSED"
    assert officer.locator("#measure-execute").count() == 0
    assert no_horizontal_scroll(officer)

    # A crafted POST to the execute URL is refused: nothing changes.
    token = next(c["value"] for c in officer.context.cookies() if c["name"] == "csrftoken")
    response = officer.request.post(f"{base}/casework/measures/{measure.pk}/execute/", form={"csrfmiddlewaretoken": token})
    assert "alert-danger" in response.text()
    assert measure_status(measure.pk) == "PROPOSED"

    # 1. The handling unit's collective review.
    record_review(officer, base, measure.pk, people, "所务会集体研究：同意冻结涉案金额")
    assert officer.locator("#measure-execute").count() == 0
    assert officer.locator("#measure-review").count() == 0  # the next review is the legal team's

    # 2. The legal team's collective review.
    legal = page_at(viewport)
    sign_in(legal, base, "legal")
    record_review(legal, base, measure.pk, [world.legal, world.team, world.coordinator], "法制大队集体审核：依据充分，同意")
    assert measure_status(measure.pk) == "PROPOSED"

    # Still refused before the leadership has decided.
    response = officer.request.post(f"{base}/casework/measures/{measure.pk}/execute/", form={"csrfmiddlewaretoken": token})
    assert measure_status(measure.pk) == "PROPOSED"

    # 3. The bureau leadership's collective review.
    leader = page_at(viewport)
    sign_in(leader, base, "leader")
    leader.goto(f"{base}/")
    assert leader.locator("#panel-measures-stage-3").count() == 1  # waiting on the leader's home
    record_review(leader, base, measure.pk, [world.leader, world.coordinator, world.legal], "分局党委集体研究：同意")
    assert leader.get_attribute("#measure-status", "data-status") == "APPROVED"
    assert leader.locator("#measure-execute").count() == 0  # leaders decide; the handling unit executes

    # Only now can the handling unit execute it.
    officer.goto(f"{base}/casework/measures/{measure.pk}/")
    officer.fill("#id_note", "已向银行送达协助冻结财产通知书")
    officer.click("#measure-execute")
    officer.wait_for_selector("#measure-status[data-status=EXECUTED]")
    assert measure_status(measure.pk) == "EXECUTED"
    assert [r.stage for r in CoerciveMeasure.objects.get(pk=measure.pk).reviews.all()] == [1, 2, 3]
