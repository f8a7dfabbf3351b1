"""The dashboard on a hand-built March 2026, seen on 10 April 2026 (yellow: due by 15 April, 3 working days)."""

import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from reports import dashboard
from supervision.figures import Period
from supervision.models import MeetingAction, Referral
from tests.factories import EnterpriseFactory, IssueFactory, StationFactory, UserFactory, VisitFactory
from tests.supervision.factories import MeetingActionFactory, MeetingFactory, referral_at
from visits.models import Issue

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
MARCH = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
QUERY = "since=2026-03-01&until=2026-03-31"


def at(month, day, hour=10):
    return dt.datetime(2026, month, day, hour, tzinfo=SHANGHAI)


def issue(created, **kwargs):
    item = IssueFactory(**kwargs)
    Issue.objects.filter(pk=item.pk).update(created_at=created)
    return item


@pytest.fixture
def march(world):
    with time_machine.travel(at(4, 10), tick=False):
        a2 = EnterpriseFactory(name="甲2", station=world.station_a)
        EnterpriseFactory(name="甲3（已关闭）", station=world.station_a, closed=True)
        VisitFactory(enterprise=world.enterprise_a, author=world.officer, visited_at=at(3, 3))
        VisitFactory(enterprise=world.enterprise_a, author=world.leader, visited_at=at(3, 20))
        VisitFactory(enterprise=world.enterprise_b, author=world.outsider, visited_at=at(3, 6))
        VisitFactory(enterprise=a2, author=world.officer, visited_at=at(2, 25))
        a, b, ea, eb = world.station_a, world.station_b, world.enterprise_a, world.enterprise_b
        issue(at(3, 2), enterprise=ea, responsible_unit=a, category="HAZARD", status="REGISTERED")
        issue(at(3, 4), enterprise=a2, responsible_unit=a, category="HAZARD", status="IN_PROGRESS", accepted_at=at(3, 5),
              deadline=dt.date(2026, 4, 9), supervision="KEY", supervised_since=at(3, 6))
        issue(at(3, 9), enterprise=ea, responsible_unit=a, category="DISPUTE", status="CLOSED", accepted_at=at(3, 9),
              closed_at=at(3, 19), deadline=dt.date(2026, 3, 20), supervision="LISTED", supervised_since=at(3, 10))
        issue(at(3, 23), enterprise=ea, responsible_unit=a, category="SERVICE", status="ACCEPTED", accepted_at=at(3, 24),
              deadline=dt.date(2026, 4, 14))
        issue(at(2, 10), enterprise=ea, responsible_unit=a, category="HAZARD", status="IN_PROGRESS", accepted_at=at(2, 11),
              deadline=dt.date(2026, 4, 30))
        issue(at(2, 12), enterprise=eb, responsible_unit=b, category="DISPUTE", status="RESOLVED", accepted_at=at(2, 13),
              deadline=dt.date(2026, 4, 1), supervision="LISTED", supervised_since=at(2, 14))
        for _n in range(2):
            referral_at("REPORTED", world=world)
        referral_at("SUBMITTED", world=world)
        late = referral_at("ASSIGNED", world=world)
        Referral.objects.filter(pk=late.pk).update(reply_deadline=dt.date(2026, 4, 1))
        earlier = MeetingFactory(chair=world.leader, held_at=at(2, 10))
        MeetingActionFactory(meeting=earlier, owner_unit=a, deadline=dt.date(2026, 2, 20))
        last = MeetingFactory(chair=world.leader, held_at=at(3, 25))
        MeetingActionFactory(meeting=last, owner_unit=a, deadline=dt.date(2026, 4, 1))
        MeetingActionFactory(meeting=last, owner_unit=b, deadline=dt.date(2026, 4, 30))
        MeetingActionFactory(meeting=last, owner_unit=a, deadline=dt.date(2026, 4, 30), status=MeetingAction.Status.DONE,
                             closed_at=at(4, 2), result="已完成")
        yield world


def test_the_dashboard_figures_match_the_worked_out_values(march):
    board = dashboard.compute(march.leader, MARCH, today=dt.date(2026, 4, 10))
    # Three active enterprises (one closed does not count); two visited in March by anyone.
    assert (board.active.value, board.visits.value, board.visited.value, board.not_visited.value, board.coverage) == (3, 3, 2, 1, 66.7)
    # Weeks, Monday first, clipped to the period: 1 March is a Sunday.
    assert [(b.since.day, b.until.day, b.visits.value, b.visited.value) for b in board.buckets] == [
        (1, 1, 0, 0), (2, 8, 2, 2), (9, 15, 0, 0), (16, 22, 1, 1), (23, 29, 0, 0), (30, 31, 0, 0),
    ]
    assert board.buckets[1].coverage == 66.7
    stations = {s["name"]: s for s in board.stations}
    assert (stations["甲派出所"]["total"].value, stations["甲派出所"]["visited"].value, stations["甲派出所"]["coverage"]) == (2, 1, 50.0)
    assert (stations["乙派出所"]["total"].value, stations["乙派出所"]["visited"].value) == (1, 1)
    # Registered in March: two hazards (registered, in progress), a dispute (closed), a service request (accepted).
    cell = {(row["status"], c): row["cells"][i].value for row in board.by_status for i, (c, _l) in enumerate(board.categories)}
    assert cell[("REGISTERED", "HAZARD")] == cell[("IN_PROGRESS", "HAZARD")] == cell[("CLOSED", "DISPUTE")] == 1
    assert cell[("ACCEPTED", "SERVICE")] == 1 and sum(cell.values()) == board.registered.value == 4
    # Lights today: A — red (due 9 April), yellow (due 14 April), green (due 30 April); an item not yet accepted
    # has no deadline and no light; B — red.
    lights = {row["name"]: {light: row[light].value for light in ("green", "yellow", "red")} for row in board.lights}
    assert lights == {"甲派出所": {"green": 1, "yellow": 1, "red": 1}, "乙派出所": {"green": 0, "yellow": 0, "red": 1}}
    assert {k: f.value for k, f in board.light_totals.items()} == {"green": 1, "yellow": 1, "red": 2}
    supervised = {row["level"]: (row["total"].value, row["red"].value) for row in board.supervised}
    assert supervised == {"KEY": (1, 1), "LISTED": (2, 1)}
    assert (board.awaiting_instruction.value, board.awaiting_report.value, board.replies_overdue.value) == (2, 1, 1)
    assert len(board.awaiting_instruction_list) == 2
    assert {k: f.value for k, f in board.action_figures.items()} == {"total": 3, "open": 2, "overdue": 1, "done": 1}


def test_a_long_period_is_shown_by_month(march):
    board = dashboard.compute(march.leader, Period(dt.date(2026, 1, 1), dt.date(2026, 4, 10)), today=dt.date(2026, 4, 10))
    assert board.granularity == "month"
    assert [(b.since, b.visits.value) for b in board.buckets] == [
        (dt.date(2026, 1, 1), 0), (dt.date(2026, 2, 1), 1), (dt.date(2026, 3, 1), 3), (dt.date(2026, 4, 1), 0),
    ]


def count_of(response):
    if "table" in response.context:
        return response.context["table"].paginator.count
    return response.context["count"]


def test_every_number_on_the_leaders_dashboard_matches_the_list_it_links_to(march, client):
    with time_machine.travel(at(4, 10), tick=False):
        client.force_login(march.leader)
        page = client.get(f"{reverse('reports:dashboard')}?{QUERY}").content.decode()
        links = re.findall(r'<a href="([^"]+)" data-count="(\d+)"', page)
        followed = set()
        for href, count in links:
            href = href.replace("&amp;", "&")
            response = client.get(href)
            assert response.status_code == 200, href
            assert count_of(response) == int(count), href
            followed.add(href.split("?")[0])
    # Coverage, referrals and meeting decisions are linked now; the ledger's and visits' lists once they exist.
    assert {reverse("reports:coverage"), reverse("supervision:referral_list"), reverse("supervision:meetingaction_list")} <= followed
    numbers = re.findall(r'data-count="(\d+)"', page)
    unlinked = re.findall(r'<span data-count="\d+"', page)
    assert len(links) + len(unlinked) == len(numbers)
    try:
        reverse("visits:issue_list")
        reverse("visits:visit_list")
    except NoReverseMatch:
        assert unlinked  # the ledger's and visits' counts, shown without a link until their lists exist
    else:
        assert not any(re.findall(r'<span data-count="\d+"', page))


def test_the_charts_are_drawn_from_a_json_block_and_no_inline_script(march, client):
    client.force_login(march.coordinator)
    page = client.get(f"{reverse('reports:dashboard')}?{QUERY}").content.decode()
    data = json.loads(re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', page, re.S).group(1))
    assert len(data["coverage"]["labels"]) == 6 and sorted(data["lights"]["labels"]) == ["乙派出所", "甲派出所"]
    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "chart.umd.min.js" in page and "js/charts.js" in page
    assert '<table class="table table-sm mt-2" id="table-coverage">' in page  # the numbers also as a table


def test_a_teams_dashboard_counts_only_the_enterprises_it_answers_for(march):
    board = dashboard.compute(march.team, MARCH, today=dt.date(2026, 4, 10))
    assert board.active.value == 2 and [s["name"] for s in board.stations] == ["甲派出所"]
    assert {row["name"] for row in board.lights} == {"甲派出所"}


def test_the_coverage_list_finds_the_enterprises_not_visited(march, client):
    client.force_login(march.leader)
    url = reverse("reports:coverage")
    visited = client.get(f"{url}?{QUERY}&visited=yes").context["table"]
    assert sorted(e.name for e in visited.data) == ["乙企业", "甲企业"]
    assert {e.name: e.period_visits for e in visited.data}["甲企业"] == 2
    assert [e.name for e in client.get(f"{url}?{QUERY}&visited=no").context["table"].data] == ["甲2"]
    assert client.get(f"{url}?{QUERY}&station={march.station_a.pk}").context["table"].paginator.count == 2


def more_of_everything(world, stations=6, per_station=10):
    for n in range(stations):
        station = StationFactory(name=f"加测派出所{n}")
        officer = UserFactory(unit=station)
        for m in range(per_station):
            enterprise = EnterpriseFactory(station=station)
            VisitFactory(enterprise=enterprise, author=officer, visited_at=at(3, 1 + m % 28))
            issue(at(3, 1 + m % 28), enterprise=enterprise, responsible_unit=station, category=["HAZARD", "DISPUTE", "SERVICE"][m % 3],
                  status=["ACCEPTED", "IN_PROGRESS", "RESOLVED"][m % 3], accepted_at=at(3, 2), deadline=dt.date(2026, 4, 1 + m),
                  supervision=["", "KEY", "LISTED"][m % 3], supervised_since=at(3, 3))
    for _n in range(10):
        referral_at("REPORTED", world=world)
    meeting = MeetingFactory(chair=world.leader, held_at=at(4, 1))
    for _n in range(10):
        MeetingActionFactory(meeting=meeting, owner_unit=world.station_a)


@pytest.mark.parametrize("role", ["leader", "team"])
def test_the_dashboard_query_count_does_not_grow_with_units_or_records(role, march, client, django_assert_max_num_queries):
    client.force_login(getattr(march, role))
    url = f"{reverse('reports:dashboard')}?{QUERY}"
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    assert len(small.captured_queries) <= 15
    more_of_everything(march)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    if role == "leader":
        assert len(response.context["board"].stations) == 8
    coverage = f"{reverse('reports:coverage')}?{QUERY}"
    with django_assert_max_num_queries(14):
        assert client.get(coverage).status_code == 200
