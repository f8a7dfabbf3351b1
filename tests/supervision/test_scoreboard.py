"""The scoreboard's formulas on a hand-built March 2026, seen on 10 April 2026.

March 2026 has no public holiday or make-up day; 4–6 April (Qingming) are holidays. Working days are counted
after the start day up to and including the end day.
"""

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from enterprises.models import Assignment
from supervision import scoreboard
from supervision.figures import Period
from supervision.models import Notice
from tests.factories import (
    AssignmentFactory,
    EnterpriseFactory,
    IssueFactory,
    StationFactory,
    StationLiaisonFactory,
    UnitFactory,
    UserFactory,
    VisitFactory,
)
from tests.supervision.factories import NoticeFactory
from visits.models import Issue, IssueUpdate

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
MARCH = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
QUERY = "since=2026-03-01&until=2026-03-31"


def at(month, day, hour=10, minute=0):
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def april_10():
    with time_machine.travel(at(4, 10), tick=False):
        yield


def closed_issue(unit, enterprise, *, accepted, closed, deadline, satisfaction, original=None):
    return IssueFactory(
        enterprise=enterprise, responsible_unit=unit, status=Issue.Status.CLOSED, accepted_at=accepted, closed_at=closed,
        deadline=deadline, original_deadline=original or deadline, satisfaction=satisfaction,
    )


@pytest.fixture
def march(world, april_10):
    a, b, team = world.station_a, world.station_b, world.team_unit
    a2, a3, a4 = (EnterpriseFactory(name=f"甲{n}", station=a) for n in (2, 3, 4))
    EnterpriseFactory(name="甲5（已关闭）", station=a, closed=True)
    b2 = EnterpriseFactory(name="乙2", station=b)
    AssignmentFactory(enterprise=b2, kind=Assignment.Kind.TEAM, team=team, officer=None)

    # Visits. Station A: enterprise_a twice by its officer, a2 by the team with the officer present, a3 only in February.
    VisitFactory(enterprise=world.enterprise_a, author=world.officer, visited_at=at(3, 3))
    VisitFactory(enterprise=world.enterprise_a, author=world.officer, visited_at=at(3, 31, 23, 50))
    joint = VisitFactory(enterprise=a2, author=world.team, visited_at=at(3, 12))
    joint.officers.add(world.officer)
    VisitFactory(enterprise=a3, author=world.officer, visited_at=at(2, 27))
    VisitFactory(enterprise=a4, author=world.officer, visited_at=at(4, 1, 0, 10))  # 1 April, local time: outside
    VisitFactory(enterprise=world.enterprise_a, author=world.leader, visited_at=at(3, 20))  # nobody of A or the team
    # Station B: its own enterprise by its officer; b2 by the team only.
    VisitFactory(enterprise=world.enterprise_b, author=world.outsider, visited_at=at(3, 6))
    VisitFactory(enterprise=b2, author=world.team, visited_at=at(3, 18))

    # Ledger items of station A.
    ea = world.enterprise_a
    closed_issue(a, ea, accepted=at(3, 2), closed=at(3, 10), deadline=dt.date(2026, 3, 12), satisfaction="SATISFIED")  # 6 days
    closed_issue(a, a2, accepted=at(3, 9), closed=at(3, 20), deadline=dt.date(2026, 3, 16), satisfaction="DISSATISFIED")  # late, 9
    closed_issue(a, a3, accepted=at(3, 25), closed=at(3, 31, 23, 30), deadline=dt.date(2026, 3, 31), satisfaction="NOT_REACHED")  # 4
    closed_issue(a, ea, accepted=at(3, 2), closed=at(3, 19), deadline=dt.date(2026, 3, 20), original=dt.date(2026, 3, 10),
                 satisfaction="SATISFIED")  # on time thanks to an approved extension, 13 days
    closed_issue(a, ea, accepted=at(3, 20), closed=at(4, 1, 0, 30), deadline=dt.date(2026, 4, 3), satisfaction="SATISFIED")  # April
    IssueFactory(enterprise=ea, responsible_unit=a, status=Issue.Status.IN_PROGRESS, accepted_at=at(3, 2), deadline=dt.date(2026, 4, 9))
    IssueFactory(enterprise=ea, responsible_unit=a, status=Issue.Status.ACCEPTED, accepted_at=at(3, 2), deadline=dt.date(2026, 4, 10))
    IssueFactory(enterprise=a2, responsible_unit=a, status=Issue.Status.RESOLVED, accepted_at=at(3, 2), deadline=dt.date(2026, 4, 1))
    IssueFactory(enterprise=a2, responsible_unit=a, status=Issue.Status.REGISTERED)
    supervised = IssueFactory(
        enterprise=ea, responsible_unit=a, status=Issue.Status.IN_PROGRESS, accepted_at=at(3, 2), deadline=dt.date(2026, 5, 29),
        supervision=Issue.Supervision.KEY, supervised_since=at(3, 2),
    )
    # Notes are due on 9, 16, 23 and 30 March (and 7 April, after Qingming): the one for the 23rd is missing.
    for when, is_note in ((at(3, 5), True), (at(3, 13), True), (at(3, 20), False), (at(3, 30, 18), True), (at(3, 31), True)):
        update = IssueUpdate.objects.create(issue=supervised, actor=world.officer, is_supervision_note=is_note, text="进展")
        IssueUpdate.objects.filter(pk=update.pk).update(at=when)

    # Station B: one item closed a day late, the same day it was accepted; one supervised from 25 March (first note due 1 April).
    closed_issue(b, world.enterprise_b, accepted=at(3, 5, 9), closed=at(3, 5, 17), deadline=dt.date(2026, 3, 4), satisfaction="BASICALLY")
    IssueFactory(enterprise=world.enterprise_b, responsible_unit=b, status=Issue.Status.IN_PROGRESS, accepted_at=at(3, 25),
                 deadline=dt.date(2026, 6, 30), supervision=Issue.Supervision.LISTED, supervised_since=at(3, 25))

    NoticeFactory(unit=a, issuer=world.leader, kind=Notice.Kind.COMMENDATION, issued_on=dt.date(2026, 3, 15))
    NoticeFactory(unit=a, officer=world.officer, issuer=world.leader, kind=Notice.Kind.CRITICISM, issued_on=dt.date(2026, 3, 25))
    NoticeFactory(unit=a, issuer=world.leader, kind=Notice.Kind.CRITICISM, issued_on=dt.date(2026, 2, 20))
    NoticeFactory(unit=b, issuer=world.leader, kind=Notice.Kind.CRITICISM, issued_on=dt.date(2026, 3, 20))
    return world


def rows_for(user):
    return {row.unit.pk: row for row in scoreboard.compute(user, MARCH)}


def test_the_scoreboard_figures_match_the_worked_out_values(march):
    rows = rows_for(march.leader)
    a, b, team, legal = (rows[u.pk] for u in (march.station_a, march.station_b, march.team_unit, march.legal_unit))

    # Station A: 4 active enterprises (the closed one does not count); enterprise_a and a2 visited with A's officer.
    assert (a.enterprises, a.covered, a.coverage) == (4, 2, 50.0)
    assert (a.visits, a.visits_per_enterprise) == (3, 0.75)
    # Closed in March: 4 (the one closed at 00:30 on 1 April is April's); 3 by their deadline, one of them extended.
    assert (a.closed, a.closed_on_time, a.on_time) == (4, 3, 75.0)
    # Overdue today (10 April): the items due 9 April (in progress) and 1 April (resolution reported, not verified).
    assert a.overdue == 2
    # Working days from acceptance to closure: 6, 9, 4 and 13 → 32 / 4.
    assert (a.workdays_to_close, a.closed_with_workdays, a.mean_days) == (4 + 6 + 9 + 13, 4, 8.0)
    # Reached on the call-back: satisfied, dissatisfied, satisfied → 2 of 3; one not reached, counted apart.
    assert (a.rated, a.satisfied, a.satisfaction, a.not_reached) == (3, 2, 66.7, 1)
    # Supervision notes due 9, 16, 23, 30 March; the plain progress note of the 20th is not a supervision note.
    assert (a.notes_due, a.notes_met, a.notes_on_time) == (4, 3, 75.0)
    # One commendation, one criticism of its officer in March; February's criticism is outside.
    assert (a.commendations, a.criticisms, a.notices) == (1, 1, 0)

    assert (b.enterprises, b.covered, b.coverage, b.visits, b.visits_per_enterprise) == (2, 1, 50.0, 1, 0.5)
    assert (b.closed, b.closed_on_time, b.on_time, b.mean_days) == (1, 0, 0.0, 0.0)
    assert (b.rated, b.satisfied, b.satisfaction, b.not_reached) == (1, 1, 100.0, 0)
    assert (b.notes_due, b.notes_on_time) == (0, None)
    assert (b.commendations, b.criticisms) == (0, 1)

    # The team answers for station A (4) and is assigned b2: 5; it took part in the visits to a2 and b2.
    assert (team.enterprises, team.covered, team.coverage, team.visits, team.visits_per_enterprise) == (5, 2, 40.0, 2, 0.4)
    assert (team.closed, team.on_time, team.overdue, team.mean_days, team.satisfaction) == (0, None, 0, None, None)
    assert (legal.enterprises, legal.coverage, legal.visits_per_enterprise) == (0, None, None)


@pytest.mark.parametrize("kind", sorted(scoreboard.RECORD_KINDS))
def test_the_records_behind_each_figure_are_the_ones_it_counts(kind, march):
    for unit in (march.station_a, march.station_b, march.team_unit):
        row = rows_for(march.leader)[unit.pk]
        records = list(scoreboard.records(march.leader, unit, kind, MARCH))
        expected = {
            "enterprises": row.enterprises, "visits": row.visits, "closed": row.closed, "overdue": row.overdue,
            "satisfaction": row.rated, "not_reached": row.not_reached, "notices": row.commendations + row.criticisms,
        }
        if kind == "supervision":
            assert sum(r.notes_due for r in records) == row.notes_due
            assert sum(r.notes_met for r in records) == row.notes_met
            continue
        assert len(records) == expected[kind], (unit, kind)
        if kind == "enterprises":
            assert sum(1 for e in records if e.period_visits) == row.covered
        if kind == "closed":
            assert sum(1 for i in records if i.closed_on_time) == row.closed_on_time
            assert sum(i.workdays_to_close for i in records) == row.workdays_to_close
            assert sum(1 for i in records if i.workdays_to_close is not None) == row.closed_with_workdays
        if kind == "satisfaction":
            assert sum(1 for i in records if i.satisfaction in ("SATISFIED", "BASICALLY")) == row.satisfied


def test_every_figure_on_the_page_links_to_as_many_records_as_it_shows(march, client):
    client.force_login(march.leader)
    page = client.get(f"{reverse('supervision:scoreboard')}?{QUERY}").content.decode()
    links = re.findall(r'<a href="([^"]+)" data-count="(\d+)"', page)
    assert len(links) >= 6 * 3
    for href, count in links:
        target = client.get(href.replace("&amp;", "&"))
        assert target.status_code == 200
        assert target.context["count"] == int(count), href


def test_the_page_shows_each_formula_and_sorts_by_any_column(march, client):
    client.force_login(march.coordinator)
    response = client.get(f"{reverse('supervision:scoreboard')}?{QUERY}&sort=-overdue")
    page = response.content.decode()
    for column in scoreboard.COLUMNS:
        assert str(column.formula) in page.replace("&#x27;", "'")
    assert response.context["table"].rows[0].record["unit"] == march.station_a
    ascending = client.get(f"{reverse('supervision:scoreboard')}?{QUERY}&sort=coverage").context["table"]
    values = [row.record["coverage"] for row in ascending.rows]
    assert values[-1] == 50.0 and values[0] is None  # no enterprise: nothing to divide by, first


def test_the_scoreboard_exports_its_figures_and_formulas_to_excel(march, client):
    client.force_login(march.leader)
    response = client.get(f"{reverse('supervision:scoreboard')}?{QUERY}&export=xlsx")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.worksheets[0].values)
    header = rows[1]
    station_a = next(r for r in rows[2:] if r[0] == march.station_a.name)
    values = dict(zip(header, station_a, strict=False))
    assert values["Enterprises in charge"] == 4 and values["Visit coverage"] == 50.0 and values["Closed on time"] == 75.0
    assert values["Mean working days to close"] == 8.0 and values["Overdue now"] == 2 and values["Satisfaction"] == 66.7
    assert values["Supervision notes on time"] == 75.0
    formulas = dict(workbook.worksheets[1].values)
    assert formulas["Visit coverage"] == str(scoreboard.COLUMNS[1].formula)


def test_a_team_sees_itself_and_the_stations_it_answers_for(march, client):
    rows = rows_for(march.team)
    assert set(rows) == {march.team_unit.pk, march.station_a.pk}
    assert rows[march.station_a.pk].closed == rows_for(march.leader)[march.station_a.pk].closed
    client.force_login(march.team)
    assert client.get(reverse("supervision:unit_detail", args=[march.station_b.pk])).status_code == 404


def test_an_officer_sees_the_figures_of_their_own_station_on_its_page(march, client):
    client.force_login(march.officer)
    response = client.get(f"{reverse('supervision:unit_detail', args=[march.station_a.pk])}?{QUERY}")
    assert response.status_code == 200
    row = response.context["table"].rows[0].record["row"]
    assert (row.enterprises, row.closed, row.overdue) == (4, 4, 2)
    page = response.content.decode()
    assert "unit-notices" in page
    assert client.get(reverse("supervision:scoreboard")).status_code == 403


def test_the_unit_page_lists_the_units_notices(march, client):
    client.force_login(march.outsider)
    response = client.get(reverse("supervision:unit_detail", args=[march.station_b.pk]))
    assert [n.kind for n in response.context["notices"]] == [Notice.Kind.CRITICISM]
    client.force_login(march.leader)
    response = client.get(reverse("supervision:unit_detail", args=[march.station_a.pk]))
    assert len(response.context["notices"]) == 3


def test_a_period_ending_before_it_starts_is_refused_with_a_message(march, client):
    client.force_login(march.leader)
    response = client.get(f"{reverse('supervision:scoreboard')}?since=2026-03-31&until=2026-03-01")
    assert response.status_code == 200
    assert "before its start" in response.content.decode()


def more_units_and_records(world, stations=6, per_station=10):
    for n in range(stations):
        station = StationFactory(name=f"加测派出所{n}")
        officer = UserFactory(unit=station)
        for m in range(per_station):
            enterprise = EnterpriseFactory(station=station)
            visit = VisitFactory(enterprise=enterprise, author=officer, visited_at=at(3, 1 + m % 28))
            visit.officers.add(world.team)
            IssueFactory(enterprise=enterprise, responsible_unit=station, status=Issue.Status.CLOSED, accepted_at=at(3, 2),
                         closed_at=at(3, 9), deadline=dt.date(2026, 3, 12), satisfaction="SATISFIED")
            IssueFactory(enterprise=enterprise, responsible_unit=station, status=Issue.Status.IN_PROGRESS, accepted_at=at(3, 2),
                         deadline=dt.date(2026, 4, 1), supervision="KEY", supervised_since=at(3, 2))
            NoticeFactory(unit=station, issuer=world.leader, issued_on=dt.date(2026, 3, 10))


def test_the_scoreboard_query_count_does_not_grow_with_units_or_records(march, client, django_assert_max_num_queries):
    client.force_login(march.leader)
    url = f"{reverse('supervision:scoreboard')}?{QUERY}"
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    more_units_and_records(march)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    # The world's two stations and two teams, and six more stations.
    assert len(response.context["table"].rows) == 4 + 6
    unit_url = f"{reverse('supervision:unit_detail', args=[march.station_a.pk])}?{QUERY}"
    records_url = reverse("supervision:scoreboard_records", args=[march.station_a.pk, "enterprises"]) + f"?{QUERY}"
    with django_assert_max_num_queries(len(small.captured_queries) + 4):
        client.get(unit_url)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(records_url)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_grouped_visit_figures_agree_with_the_per_unit_definition(world, april_10, seed):
    """compute() counts every unit's enterprises, coverage, visits and working days to close in a few grouped
    queries; records() applies the rules to one unit at a time. On a random city they agree for every unit and viewer."""
    import random

    rng = random.Random(seed)
    team2 = UnitFactory(name="测试二大队", team=True, parent=world.bureau)
    c = StationFactory(name="丙派出所", parent=world.bureau)
    StationLiaisonFactory(station=world.station_b, team=team2)
    StationLiaisonFactory(station=c, team=world.team_unit)
    units = [world.station_a, world.station_b, c, world.team_unit, team2, world.legal_unit]
    officers = [world.officer, world.outsider, world.team, world.legal, world.leader]
    officers += [UserFactory(unit=u) for u in (c, team2, world.station_a, world.station_b)]
    enterprises = [world.enterprise_a, world.enterprise_b]
    enterprises += [EnterpriseFactory(station=rng.choice(units[:3]), closed=rng.random() < 0.15) for _ in range(14)]
    for enterprise in rng.sample(enterprises, 6):
        AssignmentFactory(enterprise=enterprise, kind=Assignment.Kind.TEAM, team=rng.choice(units[3:]), officer=None,
                          started_on=dt.date(2026, 1, 5), ended_on=dt.date(2026, 2, 1) if rng.random() < 0.3 else None)
    for _ in range(60):
        visit = VisitFactory(enterprise=rng.choice(enterprises), author=rng.choice(officers),
                             visited_at=at(rng.choice((2, 3, 3, 3)), rng.randint(1, 28)))
        visit.officers.add(*rng.sample(officers, rng.choice((0, 0, 1, 2, 3))))
    for _ in range(25):
        # Some closed before the day they were accepted (bad data): they count 0 working days, not fewer.
        accepted = at(rng.choice((2, 3)), rng.randint(1, 28), rng.randint(8, 20))
        closed = accepted + dt.timedelta(days=rng.randint(-3, 12), hours=rng.randint(0, 6))
        closed_issue(rng.choice(units[:3]), rng.choice(enterprises), accepted=accepted, closed=closed,
                     deadline=dt.date(2026, 3, 20), satisfaction="SATISFIED")

    for viewer in (world.leader, world.team, world.officer, world.outsider):
        for row in scoreboard.compute(viewer, MARCH):
            listed = list(scoreboard.records(viewer, row.unit, "enterprises", MARCH))
            visits = scoreboard.records(viewer, row.unit, "visits", MARCH)
            assert row.enterprises == len(listed), (viewer, row.unit)
            assert row.covered == sum(1 for e in listed if e.period_visits), (viewer, row.unit)
            assert row.visits == visits.count(), (viewer, row.unit)
            closed = scoreboard.records(viewer, row.unit, "closed", MARCH)
            assert row.workdays_to_close == sum(i.workdays_to_close for i in closed), (viewer, row.unit)
            assert row.closed_with_workdays == len(closed), (viewer, row.unit)


def test_the_written_scoreboard_rows_are_what_django_tables2_renders(march):
    from supervision.tables import ScoreboardTable
    from tests.liaison.test_written_rows import assert_rows_equal

    # Units with every kind of figure: counts, percentages, a unit without enterprises (empty figures).
    table = ScoreboardTable(scoreboard.compute(march.leader, MARCH), period=MARCH)
    written = assert_rows_equal(table, f"{reverse('supervision:scoreboard')}?{QUERY}")
    assert "data-count" in written and "—" in written
