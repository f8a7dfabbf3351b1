"""Tables written directly (liaison.tables) say exactly what django-tables2 would have rendered and exported."""

import datetime as dt
import re

import pytest
from django.test import RequestFactory
from django.test.html import parse_html
from django.utils import timezone
from django_tables2 import RequestConfig, Table

from enterprises.models import Enterprise
from enterprises.tables import EnterpriseTable
from enterprises.views import with_community_officer
from tests.factories import EnterpriseFactory
from tests.visits.factories import S, make_issue
from visits import services
from visits.models import Issue, IssueUpdate, Visit
from visits.tables import IssueExportTable, IssueTable

pytestmark = pytest.mark.django_db


def django_tables2_body(table, request) -> str:
    """The <tbody> of django-tables2's own Bootstrap template for the same table and page."""
    table.template_name = "django_tables2/bootstrap5.html"
    html = table.as_html(request)
    return re.search(r"<tbody[^>]*>(.*)</tbody>", html, re.S).group(1)


def assert_rows_equal(table, path):
    request = RequestFactory().get(path)
    request.user = None
    RequestConfig(request, paginate={"per_page": 100}).configure(table)
    written = str(table.body_rows())
    assert parse_html(written) == parse_html(django_tables2_body(table, request))
    return written


@pytest.fixture
def tricky_ledger(world):
    """Items in states whose cells differ: extended, supervised with a note due, escaped text, no owner."""
    today = timezone.localdate()
    items = [
        make_issue(world, description="<b>消防</b> & 通道" + "堵塞" * 40),
        make_issue(world, S.ASSIGNED, description="已交办"),
        make_issue(world, S.ACCEPTED, supervised=True, description="督办中"),
        make_issue(world, S.CLOSED, description="已销号"),
        make_issue(world, S.ACCEPTED, owner=world.team, unit=world.team_unit, description="队室承办"),
        make_issue(world, S.TRANSFERRED, description="已移交"),
        make_issue(world, enterprise=world.enterprise_b, description="乙所问题"),
    ]
    extended = make_issue(world, S.ACCEPTED, description="已延期")
    services.issue_extension_request(issue=extended, actor=world.officer, new_deadline=today + dt.timedelta(days=40),
                                     reason="设备到货晚")
    services.issue_extension_approve(issue=Issue.objects.get(pk=extended.pk), actor=world.coordinator)
    Issue.objects.filter(pk=items[2].pk).update(deadline=today - dt.timedelta(days=2), supervised_since=timezone.now() - dt.timedelta(days=30))
    IssueUpdate.objects.filter(issue=items[2], is_supervision_note=True).update(at=timezone.now() - dt.timedelta(days=30))
    Issue.objects.filter(pk=items[4].pk).update(deadline=today + dt.timedelta(days=1))
    return items + [extended]


def ledger_queryset():
    return Issue.objects.select_related("enterprise", "responsible_unit", "owner").with_light().with_note_due()


def test_ledger_rows_are_django_tables2s_cells(world, tricky_ledger):
    written = assert_rows_equal(IssueTable(ledger_queryset()), "/issues/")
    lights = set(re.findall(r'data-light="(\w+)"', written))
    assert {"red", "yellow", "green", "none"} <= lights
    assert "&lt;b&gt;消防&lt;/b&gt; &amp; 通道" in written and "<b>消防" not in written
    assert "…" in written  # long descriptions are cut at 60 characters
    assert 'class="small text-muted"' in written  # the extended deadline shows the original one
    assert 'title="' in written  # the missing supervision note is flagged


def test_ledger_rows_without_the_tick_column_follow_the_table(world, tricky_ledger):
    table = IssueTable(ledger_queryset(), exclude=("issues",))
    written = assert_rows_equal(table, "/issues/")
    assert 'type="checkbox"' not in written


def test_ledger_rows_sorted_by_another_column_still_match(world, tricky_ledger):
    assert_rows_equal(IssueTable(ledger_queryset()), "/issues/?sort=deadline")


def test_enterprise_rows_are_django_tables2s_cells(world):
    EnterpriseFactory(name="甲<危险>化工", station=world.station_a, is_key=True, has_explosives=True, has_fuel=True,
                      storage_capacity=5, storage_unit="t", last_visit_at=timezone.now() - dt.timedelta(days=40))
    assert_rows_equal(EnterpriseTable(with_community_officer(Enterprise.objects.all())), "/enterprises/")


def test_an_empty_page_says_so_in_one_row(world):
    table = IssueTable(ledger_queryset().none(), empty_text="<没有> 记录")
    assert_rows_equal(table, "/issues/")
    assert str(table.body_rows()) == '<tr><td colspan="11">&lt;没有&gt; 记录</td></tr>'


def test_ledger_export_values_are_django_tables2s_and_every_row_is_streamed(world, tricky_ledger):
    from django.db.models import OuterRef, Subquery

    latest = IssueUpdate.objects.filter(issue=OuterRef("pk")).exclude(text="").order_by("-at", "-pk").values("text")[:1]
    table = IssueExportTable(ledger_queryset().annotate(latest_note=Subquery(latest)))
    fast = list(table.as_values())
    assert fast == list(Table.as_values(table))
    assert len(fast) == Issue.objects.count() + 1



@pytest.fixture
def tricky_visits(world):
    """Visits whose cells differ: escaped names, services or none, problems and photos or none, a name left blank."""
    from tests.factories import IssueFactory, UserFactory, VisitFactory
    from tests.visits.factories import make_visit_photo

    VisitFactory(enterprise=world.enterprise_a, author=world.officer, received_by="")
    busy = VisitFactory(
        enterprise=EnterpriseFactory(name="乙<厂> & 仓", station=world.station_b), author=UserFactory(name=""),
        received_by="王<经理>", channel=Visit.Channel.PHONE, letter_delivered=True, security_guidance=True,
        visited_at=timezone.now() - dt.timedelta(days=3, hours=5),
    )
    IssueFactory(visit=busy, enterprise=busy.enterprise)
    IssueFactory(visit=busy, enterprise=busy.enterprise)
    make_visit_photo(busy)



def visit_log(user):
    """The visit log's own queryset (names, counts of problems and photos), as the list view builds it."""
    from visits.views import VisitListView

    view = VisitListView()
    view.request = RequestFactory().get("/visits/")
    view.request.user = user
    return view.get_queryset()


def test_visit_rows_are_django_tables2s_cells(world, tricky_visits):
    from visits.tables import VisitTable

    written = assert_rows_equal(VisitTable(visit_log(world.coordinator)), "/visits/")
    assert "乙&lt;厂&gt; &amp; 仓" in written and "王&lt;经理&gt;" in written
    assert "、" in written  # two services delivered on one visit
    assert_rows_equal(VisitTable(visit_log(world.coordinator)), "/visits/?sort=enterprise")


def test_visit_export_values_are_django_tables2s(world, tricky_visits):
    from visits.tables import VisitTable

    table = VisitTable(visit_log(world.coordinator))
    fast = list(table.as_values())
    assert fast == list(Table.as_values(table))
    assert len(fast) == Visit.objects.count() + 1


@pytest.fixture
def tricky_plans(world):
    """Plans and tasks whose cells differ: draft, approved and past review, closed; done, overdue, open tasks."""
    from tests.plans.factories import PlanFactory, PlanTaskFactory

    today = timezone.localdate()
    draft = PlanFactory(enterprise=world.enterprise_a, title="<草案> & 计划")
    late = PlanFactory(enterprise=EnterpriseFactory(name="丙<厂>", station=world.station_b), approved=True,
                       review_on=today - dt.timedelta(days=3))
    closed = PlanFactory(enterprise=world.enterprise_b, closed=True)
    PlanTaskFactory(plan=draft, title="起草<任务>", owner=world.officer, deadline=today + dt.timedelta(days=5))
    PlanTaskFactory(plan=late, title="逾期", owner=world.officer, starts_on=today - dt.timedelta(days=9),
                    deadline=today - dt.timedelta(days=2))
    PlanTaskFactory(plan=late, title="进行中", owner=world.team, deadline=today + dt.timedelta(days=2))
    PlanTaskFactory(plan=late, title="已完成", owner=world.officer, starts_on=today - dt.timedelta(days=9),
                    deadline=today - dt.timedelta(days=1),
                    done_at=timezone.now(), done_by=world.officer)
    PlanTaskFactory(plan=closed, title="关闭计划的任务", owner=world.officer, deadline=today + dt.timedelta(days=1))


def test_plan_rows_are_django_tables2s_cells(world, tricky_plans):
    from enterprises.models import Plan
    from enterprises.tables import PlanTable
    from enterprises.views import with_task_counts

    plans = with_task_counts(Plan.objects.select_related("enterprise__station"))
    written = assert_rows_equal(PlanTable(plans), "/enterprises/plans/")
    assert "&lt;草案&gt; &amp; 计划" in written and "text-danger" in written  # escaped; review date passed
    assert_rows_equal(PlanTable(plans), "/enterprises/plans/?sort=-tasks_open")


def test_plan_task_counts_are_per_plan_and_overdue_only_when_approved(world, tricky_plans):
    from enterprises.models import Plan
    from enterprises.views import with_task_counts

    counts = {p.title: (p.tasks_open, p.tasks_overdue) for p in with_task_counts(Plan.objects.all())}
    assert counts["<草案> & 计划"] == (1, 0)
    assert [value for title, value in counts.items() if title.startswith("护航计划")] in ([(2, 1), (1, 0)], [(1, 0), (2, 1)])


def test_plan_task_rows_are_django_tables2s_cells(world, tricky_plans):
    from enterprises.models import PlanTask
    from enterprises.tables import PlanTaskTable

    tasks = PlanTask.objects.select_related("plan__enterprise", "owner")
    written = assert_rows_equal(PlanTaskTable(tasks), "/enterprises/tasks/")
    for style in ("success", "danger", "primary", "secondary"):
        assert f"text-bg-{style}" in written
    assert "起草&lt;任务&gt;" in written


def test_coverage_rows_are_django_tables2s_cells(world, tricky_visits):
    from reports.filters import CoverageFilter
    from reports.tables import CoverageTable

    EnterpriseFactory(name="丁<重点>", station=world.station_a, is_key=True)
    rows = CoverageFilter({}, queryset=with_community_officer(Enterprise.objects.select_related("station"))).qs
    written = assert_rows_equal(CoverageTable(rows), "/reports/coverage/")
    assert "丁&lt;重点&gt;" in written and "★" in written
    assert_rows_equal(CoverageTable(rows), "/reports/coverage/?sort=-last_visit_at")
