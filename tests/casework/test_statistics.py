"""The statistics page on a hand-built district: every expected figure is worked out below, record by record.

Period: March 2026 (Asia/Shanghai). The world: station A (enterprise_a, enterprise_d), station B (enterprise_b).
"""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from casework import statistics as stats
from casework.models import Activity, Case
from tests.casework.factories import ActivityFactory, CaseFactory
from tests.factories import EnterpriseFactory, IssueFactory, VisitFactory
from visits.models import Issue

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
MARCH = dict(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))


def at(month, day, hour=10, minute=0):
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SH)


def solved_case(enterprise, case_type, solved, criminal=0, administrative=0, unit=None):
    received = solved - dt.timedelta(days=2)
    return CaseFactory(
        enterprise=enterprise, case_type=case_type, handling_unit=unit or enterprise.station, status=Case.Status.SOLVED,
        received_at=received, filed_at=received + dt.timedelta(hours=1), solved_at=solved,
        criminal_detentions=criminal, administrative_detentions=administrative,
    )


@pytest.fixture
def district(world):
    a, b = world.enterprise_a, world.enterprise_b
    c = EnterpriseFactory(name="丙企业", station=world.station_a)
    d = EnterpriseFactory(name="丁企业", station=world.station_a)
    # Visits: a twice in March, b once, c only in April, d at 23:30 on 28 Feb and 00:10 on 1 March (Shanghai time).
    VisitFactory(enterprise=a, author=world.officer, visited_at=at(3, 5))
    VisitFactory(enterprise=a, author=world.officer, visited_at=at(3, 20))
    VisitFactory(enterprise=b, author=world.outsider, visited_at=at(3, 10))
    VisitFactory(enterprise=c, author=world.officer, visited_at=at(4, 2))
    VisitFactory(enterprise=d, author=world.officer, visited_at=at(2, 28, 23, 30))
    VisitFactory(enterprise=d, author=world.team, visited_at=at(3, 1, 0, 10))
    # Ledger: closed hazards in March on a and b, one closed in April, one still open; a closed dispute on a.
    closed = dict(status=Issue.Status.CLOSED)
    IssueFactory(enterprise=a, category="HAZARD", closed_at=at(3, 15), responsible_unit=world.station_a, **closed)
    IssueFactory(enterprise=b, category="HAZARD", closed_at=at(3, 25), responsible_unit=world.station_b, **closed)
    IssueFactory(enterprise=a, category="HAZARD", closed_at=at(4, 1), responsible_unit=world.station_a, **closed)
    IssueFactory(enterprise=a, category="HAZARD", status=Issue.Status.IN_PROGRESS)
    IssueFactory(enterprise=a, category="DISPUTE", closed_at=at(3, 8), responsible_unit=world.station_a, **closed)
    # Activities: a campaign in station A in March (4 of 5 hazards removed, 2 disputes), one in April; a 3·15 in station B.
    ActivityFactory(campaign=True, held_on=dt.date(2026, 3, 12), units=[world.station_a], enterprises=[a])
    ActivityFactory(campaign=True, held_on=dt.date(2026, 4, 12), units=[world.station_a], enterprises=[a])
    ActivityFactory(held_on=dt.date(2026, 3, 15), units=[world.station_b], enterprises=[b], audience=200, title="“3·15”宣传")
    ActivityFactory(service=True, held_on=dt.date(2026, 3, 18), units=[world.station_a], enterprises=[a, d], people_served=46)
    ActivityFactory(escort=True, held_on=dt.date(2026, 3, 22), units=[world.team_unit], cameras_installed=8)
    # Cases solved in March (Shanghai), one just before midnight on 31 March; others outside the period or not solved.
    solved_case(a, Case.Type.EXTORTION, at(3, 9), criminal=2)
    solved_case(b, Case.Type.FORCED_TRADE, at(3, 20), criminal=1, administrative=1)
    solved_case(a, Case.Type.OFFICE_ORDER, at(3, 16), administrative=2)
    solved_case(b, Case.Type.ENVIRONMENTAL, at(3, 30), criminal=3, unit=world.team_unit)
    solved_case(a, Case.Type.FOOD, at(3, 31, 23, 0), criminal=2)
    solved_case(a, Case.Type.FOOD, at(4, 1, 0, 30), criminal=5)
    solved_case(a, Case.Type.EXTORTION, at(2, 20), criminal=4)
    CaseFactory(enterprise=a, filed=True, criminal_detentions=1, received_at=at(3, 2))
    return world


def figures(user, **scope):
    data = stats.compute(user, stats.Scope(**{**MARCH, **scope}))
    return {f.key: f for f in data["figures"] + data["more"]}


def test_the_whole_district_for_march(district):
    f = figures(district.leader)
    assert f["visited"].value == 3  # a, b, d (d's 1 March visit, not the 28 Feb one); c was visited in April
    assert f["visited"].part("visits") == 4
    assert f["hazards"].value == 2 + 4  # two ledger hazards closed in March + four removed by the March campaign
    assert f["disputes"].value == 1 + 2
    assert f["business"].value == 2  # extortion (a) and forced trade (b)
    assert (f["business"].part("criminal_detentions"), f["business"].part("administrative_detentions")) == (3, 1)
    assert f["office_order"].value == 1
    assert (f["office_order"].part("criminal_detentions"), f["office_order"].part("administrative_detentions")) == (0, 2)
    assert f["environmental"].value == 1
    assert f["food"].value == 1  # 31 March 23:00 counts, 1 April 00:30 does not
    assert f["criminal"].value == 2 + 1 + 3 + 2
    assert f["administrative"].value == 1 + 2
    assert f["publicity"].value == 1 and f["publicity"].part("audience") == 200
    assert f["publicity"].part("enterprises_reached") == 1
    assert f["campaigns"].value == 1
    assert f["services"].part("people_served") == 46
    assert f["escorts"].part("cameras") == 8
    # Received in March: the six cases solved 9–31 March and 1 April (each received two days before), and the
    # filed case received on 2 March; the case solved in February was received in February.
    assert f["received"].value == 7


def test_cases_received_count_every_receipt_in_the_period(district):
    received = stats.records(district.leader, stats.Scope(**MARCH), "received")["rows"]
    expected = {c.pk for c in Case.objects.all() if dt.date(2026, 3, 1) <= c.received_at.astimezone(SH).date() <= dt.date(2026, 3, 31)}
    assert {c.pk for c in received} == expected
    assert figures(district.leader)["received"].value == len(expected)


def test_one_police_station(district):
    f = figures(district.leader, station=district.station_a)
    assert f["visited"].value == 2  # a and d
    assert f["hazards"].value == 1 + 4
    assert f["disputes"].value == 1 + 2
    assert f["business"].value == 1
    assert f["office_order"].value == 1
    assert f["environmental"].value == 0
    assert f["food"].value == 1
    assert f["criminal"].value == 2 + 2
    assert f["administrative"].value == 2
    assert f["publicity"].value == 0
    assert f["services"].part("people_served") == 46


def test_one_handling_unit(district):
    f = figures(district.leader, unit=district.team_unit)
    assert f["environmental"].value == 1 and f["criminal"].value == 3
    assert f["business"].value == 0
    assert f["visited"].value == 1  # the team's own visit to d on 1 March
    assert f["escorts"].value == 1


def test_a_team_counts_only_what_it_sees(district):
    """The team answers for station A: it counts station A's records, plus the case it handles itself in station B."""
    team = figures(district.team)
    station_a = figures(district.leader, station=district.station_a)
    for key in ("visited", "hazards", "disputes", "business", "office_order", "food", "administrative"):
        assert team[key].value == station_a[key].value, key
    assert team["environmental"].value == station_a["environmental"].value + 1
    assert team["criminal"].value == station_a["criminal"].value + 3
    outsider_view = figures(district.leader, station=district.station_b)
    assert outsider_view["environmental"].value == 1


def test_the_records_behind_a_figure_are_exactly_those_counted(district):
    scope = stats.Scope(**MARCH)
    business = stats.records(district.leader, scope, "business")["rows"]
    assert sorted(c.case_type for c in business) == ["EXTORTION", "FORCED_TRADE"]
    hazards = stats.records(district.leader, scope, "hazards")
    assert hazards["rows"].count() == 2 and [a.hazards_removed for a in hazards["activities"]] == [4]
    visited = stats.records(district.leader, scope, "visited")["rows"]
    assert {e.name: e.visits_in_period for e in visited} == {"甲企业": 2, "乙企业": 1, "丁企业": 1}


def test_the_page_links_each_figure_to_its_records(client, district):
    client.force_login(district.coordinator)
    url = reverse("casework:statistics") + "?start=2026-03-01&end=2026-03-31"
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="figure-business"' in body and "show=business" in body
    drill = client.get(url + "&show=food")
    assert [c.case_type for c in drill.context["drill"]["rows"]] == ["FOOD"]


def test_the_figures_export_to_excel(client, district):
    client.force_login(district.leader)
    response = client.get(reverse("casework:statistics") + f"?start=2026-03-01&end=2026-03-31&station={district.station_a.pk}&export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert rows["Enterprises visited"] == 2
    assert rows["Hazards removed"] == 5
    assert rows["Criminal detentions"] == 4
    assert rows["Police station"] == district.station_a.name


def test_a_period_that_ends_before_it_starts_is_refused_and_the_default_shown(client, district):
    client.force_login(district.leader)
    response = client.get(reverse("casework:statistics") + "?start=2026-03-31&end=2026-03-01")
    assert response.status_code == 200
    assert "end" in response.context["form"].errors


def test_officers_and_the_auditor_have_no_statistics_page(client, district):
    client.force_login(district.officer)
    assert client.get(reverse("casework:statistics")).status_code == 403
    client.force_login(district.auditor)
    assert client.get(reverse("casework:statistics")).status_code == 403


def test_activity_kinds_in_statistics(district):
    f = figures(district.leader)
    counts = {kind: Activity.objects.filter(kind=kind, held_on__month=3).count() for kind in Activity.Kind.values}
    assert (f["publicity"].value, f["campaigns"].value, f["services"].value, f["escorts"].value) == (
        counts["PUBLICITY"], counts["CAMPAIGN"], counts["SERVICE"], counts["ESCORT"],
    )
