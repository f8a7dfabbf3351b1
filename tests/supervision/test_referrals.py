import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from liaison import access
from supervision import services
from supervision.models import Referral
from tests.factories import IssueFactory
from tests.supervision.factories import referral_at
from visits.models import Issue, IssueUpdate

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
S = Referral.Status

# step → (status it belongs to, the status it leads to, the one role allowed, POST data)
STEPS = {
    "submit": (S.DRAFT, S.SUBMITTED, "officer", lambda w: {}),
    "return": (S.SUBMITTED, S.DRAFT, "coordinator", lambda w: {"reason": "请补充企业联系人及电话"}),
    "report": (S.SUBMITTED, S.REPORTED, "coordinator", lambda w: {
        "report_addressee": "市公安局护航经济发展专班办公室", "report_body": "现将有关情况报告如下。",
        "reported_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }),
    "instruct": (S.REPORTED, S.INSTRUCTED, "leader", lambda w: {"instruction": "请治安大队牵头，三日内办结。"}),
    "assign": (S.INSTRUCTED, S.ASSIGNED, "coordinator", lambda w: {"assigned_unit": w.station_a.pk, "reply_workdays": 3}),
    "reply": (S.ASSIGNED, S.DONE, "officer", lambda w: {"reply": "已开辟绿色通道，每日审批。"}),
}
ROLES = ("leader", "coordinator", "team", "legal", "officer", "outsider")


def snapshot(referral):
    referral.refresh_from_db()
    return model_to_dict(referral), IssueUpdate.objects.count(), LogEntry.objects.count()


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("role", ROLES)
def test_each_referral_step_is_taken_only_by_its_role(step, role, world, client):
    status, after, allowed, data = STEPS[step]
    referral = referral_at(status, world=world, issue=IssueFactory(enterprise=world.enterprise_a))
    before = snapshot(referral)
    client.force_login(getattr(world, role))
    response = client.post(reverse(f"supervision:referral_{step}", args=[referral.pk]), data(world))
    referral.refresh_from_db()
    if role == allowed:
        assert response.status_code == 302
        assert referral.status == after
    else:
        # Outside the user's scope: 404; inside it but not their step: 403. Either way nothing changes.
        assert response.status_code in (403, 404)
        visible = access.referrals(getattr(world, role)).filter(pk=referral.pk).exists()
        assert response.status_code == (403 if visible else 404)
        assert snapshot(referral) == before


@pytest.mark.parametrize("step", STEPS)
def test_a_step_taken_at_the_wrong_moment_changes_nothing(step, world, client):
    status, _after, allowed, data = STEPS[step]
    # One step further along than the step belongs to (or, for the reply, already done).
    order = [s for s, _l in S.choices]
    later = order[min(order.index(status) + 1, len(order) - 1)] if step != "return" else S.REPORTED
    referral = referral_at(later, world=world)
    before = snapshot(referral)
    client.force_login(getattr(world, allowed))
    response = client.post(reverse(f"supervision:referral_{step}", args=[referral.pk]), data(world), follow=True)
    assert snapshot(referral) == before
    assert "nothing was changed" in response.content.decode()


def test_the_services_refuse_a_step_out_of_order(world):
    referral = referral_at(S.SUBMITTED, world=world)
    with pytest.raises(ValidationError):
        services.referral_instruct(referral=referral, actor=world.leader, instruction="同意")
    with pytest.raises(ValidationError):
        services.referral_reply(referral=referral, actor=world.officer, reply="已办")
    referral.refresh_from_db()
    assert referral.status == S.SUBMITTED and referral.instruction == ""


def test_referrals_are_numbered_per_year(world):
    with time_machine.travel(dt.datetime(2026, 12, 30, 9, tzinfo=SHANGHAI), tick=False):
        first = referral_at(S.DRAFT, world=world)
        second = referral_at(S.DRAFT, world=world)
    with time_machine.travel(dt.datetime(2027, 1, 4, 9, tzinfo=SHANGHAI), tick=False):
        third = referral_at(S.DRAFT, world=world)
    assert (first.year, second.serial - first.serial) == (2026, 1)
    assert first.number == f"〔2026〕{first.serial}号"
    assert (third.year, third.serial, third.number) == (2027, 1, "〔2027〕1号")


def test_the_reply_deadline_counts_working_days_over_the_national_day_holiday(world):
    referral = referral_at(S.INSTRUCTED, world=world)
    with time_machine.travel(dt.datetime(2026, 9, 30, 10, tzinfo=SHANGHAI), tick=False):
        referral = services.referral_assign(referral=referral, actor=world.coordinator, unit=world.station_a, reply_workdays=3)
    # 1–7 October are holidays; 8, 9 and the make-up Saturday 10 October are working days.
    assert referral.reply_deadline == dt.date(2026, 10, 10)


def test_assigning_to_an_officer_takes_their_unit_and_refuses_a_mismatch(world):
    referral = referral_at(S.INSTRUCTED, world=world)
    with pytest.raises(ValidationError) as refused:
        services.referral_assign(referral=referral, actor=world.coordinator, unit=world.team_unit, officer=world.officer, reply_workdays=5)
    assert "assigned_officer" in refused.value.message_dict
    referral = services.referral_assign(referral=referral, actor=world.coordinator, unit=None, officer=world.officer, reply_workdays=5)
    assert referral.assigned_unit == world.station_a and referral.assigned_officer == world.officer


def test_the_reply_goes_on_the_originating_ledger_item_timeline(world, client):
    issue = IssueFactory(enterprise=world.enterprise_a, status=Issue.Status.IN_PROGRESS, responsible_unit=world.station_a)
    referral = referral_at(S.ASSIGNED, world=world, issue=issue)
    client.force_login(world.officer)
    response = client.post(reverse("supervision:referral_reply", args=[referral.pk]), {"reply": "已开辟绿色通道，每日审批炸药。"})
    assert response.status_code == 302
    referral.refresh_from_db()
    update = IssueUpdate.objects.get(issue=issue)
    assert (update.actor, update.text) == (world.officer, "已开辟绿色通道，每日审批炸药。")
    assert update.from_status == update.to_status == Issue.Status.IN_PROGRESS
    assert referral.issue_update == update and referral.status == S.DONE
    issue.refresh_from_db()
    assert issue.status == Issue.Status.IN_PROGRESS  # the item itself moves on its own ledger
    page = client.get(referral.get_absolute_url()).content.decode()
    assert "已开辟绿色通道，每日审批炸药。" in page and issue.number in page


def test_a_referral_without_a_ledger_item_is_replied_on_the_referral_only(world):
    referral = referral_at(S.DONE, world=world)
    assert referral.issue_update is None and referral.reply
    assert IssueUpdate.objects.count() == 0


def test_the_officer_assigned_personally_may_reply_even_from_another_unit(world, client):
    referral = referral_at(S.INSTRUCTED, world=world)
    referral = services.referral_assign(referral=referral, actor=world.coordinator, unit=None, officer=world.team, reply_workdays=2)
    client.force_login(world.team)
    assert client.post(reverse("supervision:referral_reply", args=[referral.pk]), {"reply": "已办理"}).status_code == 302
    referral.refresh_from_db()
    assert referral.replied_by == world.team


def test_a_draft_is_private_to_the_raising_unit_until_submitted(world, client):
    referral = referral_at(S.DRAFT, world=world)
    url = reverse("supervision:referral_detail", args=[referral.pk])
    for user, code in ((world.coordinator, 404), (world.leader, 404), (world.team, 404), (world.officer, 200)):
        client.force_login(user)
        assert client.get(url).status_code == code
    services.referral_submit(referral=referral, actor=world.officer)
    for user in (world.coordinator, world.leader, world.team):
        client.force_login(user)
        assert client.get(url).status_code == 200
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404


def test_the_office_sends_a_referral_back_and_the_unit_resubmits_it(world, client):
    referral = referral_at(S.SUBMITTED, world=world)
    client.force_login(world.coordinator)
    client.post(reverse("supervision:referral_return", args=[referral.pk]), {"reason": "请补充企业联系人"})
    referral.refresh_from_db()
    assert (referral.status, referral.return_reason) == (S.DRAFT, "请补充企业联系人")
    client.force_login(world.officer)
    page = client.get(referral.get_absolute_url()).content.decode()
    assert "请补充企业联系人" in page
    response = client.post(reverse("supervision:referral_edit", args=[referral.pk]), {
        "enterprise": world.enterprise_a.pk, "title": referral.title, "requested_of": referral.requested_of,
        "request": referral.request + "联系人：王经理 13900000000",
    })
    assert response.status_code == 302
    client.post(reverse("supervision:referral_submit", args=[referral.pk]))
    referral.refresh_from_db()
    assert referral.status == S.SUBMITTED and "王经理" in referral.request and referral.return_reason == ""


def test_an_officer_raises_a_referral_from_a_ledger_item(world, client):
    issue = IssueFactory(enterprise=world.enterprise_a, description="炸药库容量不足", responsible_unit=world.station_a)
    client.force_login(world.officer)
    form = client.get(reverse("supervision:referral_add") + f"?issue={issue.pk}")
    assert form.status_code == 200
    assert f'value="{issue.number}"' in form.content.decode() and "炸药库容量不足" in form.content.decode()
    response = client.post(reverse("supervision:referral_add"), {
        "issue": issue.number, "title": "协调解决炸药库存放问题", "requested_of": "市公安局治安管理支队", "request": "炸药库容量不足",
    })
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == referral.get_absolute_url()
    assert (referral.issue, referral.enterprise, referral.raised_by_unit, referral.status) == (issue, world.enterprise_a, world.station_a, S.DRAFT)
    assert referral.created_by == world.officer


def test_a_ledger_item_the_officer_cannot_see_is_refused_and_the_typed_text_kept(world, client):
    hidden = IssueFactory(enterprise=world.enterprise_b)
    client.force_login(world.officer)
    response = client.post(reverse("supervision:referral_add"), {
        "issue": hidden.number, "title": "协调", "requested_of": "市公安局", "request": "一段很长的情况说明",
    })
    assert response.status_code == 200
    page = response.content.decode()
    assert hidden.number in page and "一段很长的情况说明" in page
    assert "There is no ledger item" in page
    assert not Referral.objects.exists()


def test_bad_input_on_a_step_shows_the_page_again_with_what_was_typed(world, client):
    referral = referral_at(S.SUBMITTED, world=world)
    client.force_login(world.coordinator)
    response = client.post(reverse("supervision:referral_report", args=[referral.pk]), {
        "report_addressee": "市公安局", "report_body": "这是一份尚未发出的报告正文", "reported_at": "not a time",
    })
    assert response.status_code == 200
    assert "这是一份尚未发出的报告正文" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == S.SUBMITTED


def test_a_report_cannot_be_dated_in_the_future(world, client):
    referral = referral_at(S.SUBMITTED, world=world)
    client.force_login(world.coordinator)
    tomorrow = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("supervision:referral_report", args=[referral.pk]), {
        "report_addressee": "市公安局", "report_body": "正文", "reported_at": tomorrow,
    })
    assert response.status_code == 200
    referral.refresh_from_db()
    assert referral.status == S.SUBMITTED


def test_a_double_submitted_instruction_is_recorded_once(world, client):
    referral = referral_at(S.REPORTED, world=world)
    client.force_login(world.leader)
    data = {"instruction": "同意，请办理。", "_submit_token": "a" * 32}
    url = reverse("supervision:referral_instruct", args=[referral.pk])
    first = client.post(url, data)
    second = client.post(url, data, follow=True)
    assert first.status_code == 302 and second.status_code == 200
    assert "already submitted" in second.content.decode()
    assert not any(m.level_tag == "error" for m in second.context["messages"])
    referral.refresh_from_db()
    assert referral.status == S.INSTRUCTED and referral.instruction == "同意，请办理。"


def test_a_double_submitted_new_referral_creates_one(world, client):
    client.force_login(world.officer)
    data = {"enterprise": world.enterprise_a.pk, "title": "协调", "requested_of": "市公安局", "request": "说明", "_submit_token": "b" * 32}
    client.post(reverse("supervision:referral_add"), data)
    client.post(reverse("supervision:referral_add"), data)
    assert Referral.objects.count() == 1


def test_the_board_groups_referrals_by_status_and_counts_them(world, client):
    for status in (S.DRAFT, S.SUBMITTED, S.SUBMITTED, S.REPORTED, S.ASSIGNED, S.DONE):
        referral_at(status, world=world)
    client.force_login(world.coordinator)
    response = client.get(reverse("supervision:referral_list"))
    columns = {c["status"]: c for c in response.context["columns"]}
    # The office does not see the officer's draft.
    assert columns[S.DRAFT]["count"] == 0
    assert (columns[S.SUBMITTED]["count"], len(columns[S.SUBMITTED]["cards"])) == (2, 2)
    assert columns[S.REPORTED]["count"] == columns[S.ASSIGNED]["count"] == columns[S.DONE]["count"] == 1
    table = client.get(reverse("supervision:referral_list") + "?status=SUBMITTED&view=table")
    assert table.context["table"].paginator.count == 2


def test_overdue_replies_are_found_by_the_board_filter(world, client):
    referral = referral_at(S.ASSIGNED, world=world)
    Referral.objects.filter(pk=referral.pk).update(reply_deadline=timezone.localdate() - dt.timedelta(days=1))
    referral_at(S.ASSIGNED, world=world)
    client.force_login(world.leader)
    response = client.get(reverse("supervision:referral_list") + "?overdue=yes&view=table")
    assert [r.pk for r in response.context["table"].data] == [referral.pk]


def test_the_referral_list_exports_to_excel(world, client):
    referral_at(S.REPORTED, world=world)
    client.force_login(world.coordinator)
    response = client.get(reverse("supervision:referral_list") + "?export=xlsx")
    assert response.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(b"".join(response.streaming_content))).active.values)
    assert len(rows) == 2 and "协调解决炸药库存放能力不足问题" in rows[1]


@pytest.mark.parametrize("rows", [5, 50])
def test_the_board_and_table_query_count_does_not_grow(rows, world, client, django_assert_max_num_queries):
    for index in range(rows):
        referral_at([S.SUBMITTED, S.REPORTED, S.ASSIGNED, S.DONE][index % 4], world=world, title=f"协调事项{index}")
    client.force_login(world.coordinator)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("supervision:referral_list")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("supervision:referral_list") + "?view=table").status_code == 200


def test_the_referral_page_query_count_is_fixed(world, client, django_assert_max_num_queries):
    referral = referral_at(S.DONE, world=world, issue=IssueFactory(enterprise=world.enterprise_a))
    client.force_login(world.coordinator)
    with django_assert_max_num_queries(12):
        assert client.get(referral.get_absolute_url()).status_code == 200
