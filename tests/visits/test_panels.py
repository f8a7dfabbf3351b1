"""Role homes: the officer's due visits and items, the team's stations, the office's and leaders' ledger."""

import datetime as dt
import re
from html import unescape

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from enterprises.models import Enterprise
from tests.factories import AssignmentFactory, EnterpriseFactory
from tests.visits.factories import make_issue, make_visit
from visits.models import Issue, Visit

S = Issue.Status
pytestmark = pytest.mark.django_db


def home(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def section(html, element_id):
    match = re.search(rf'<section[^>]*id="{element_id}".*?</section>', html, re.S)
    assert match, element_id
    return match.group(0)


def test_the_officers_home_lists_due_visits_first_with_one_tap_to_log_one(world, client_for):
    never = world.enterprise_a
    overdue = EnterpriseFactory(name="逾期企业", station=world.station_a)
    AssignmentFactory(enterprise=overdue, officer=world.officer)
    recent = EnterpriseFactory(name="刚走访企业", station=world.station_a)
    AssignmentFactory(enterprise=recent, officer=world.officer)
    make_visit(world, enterprise=overdue, visited_at=timezone.now() - dt.timedelta(days=40))
    make_visit(world, enterprise=recent, visited_at=timezone.now() - dt.timedelta(days=2))
    panel = section(home(client_for(world.officer)), "visits-due")
    assert panel.index(never.name) < panel.index("逾期企业")
    assert "刚走访企业" not in panel
    assert f'{reverse("visits:visit_add")}?enterprise={never.pk}' in panel
    assert "10 days overdue" in panel


def test_the_officers_items_are_listed_red_first(world, client_for):
    green = make_issue(world, S.ACCEPTED, description="绿灯问题")
    red = make_issue(world, S.ACCEPTED, description="红灯问题")
    Issue.objects.filter(pk=red.pk).update(deadline=timezone.localdate() - dt.timedelta(days=3))
    make_issue(world, S.ACCEPTED, owner=world.team, unit=world.team_unit, description="别人的问题")
    panel = section(home(client_for(world.officer)), "my-items")
    assert panel.index("红灯问题") < panel.index("绿灯问题")
    assert "别人的问题" not in panel
    assert green.number in panel


def test_the_team_sees_the_items_of_its_stations_counted_by_light(world, client_for):
    item = make_issue(world, S.ACCEPTED)
    Issue.objects.filter(pk=item.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    make_issue(world, enterprise=world.enterprise_b)
    panel = section(home(client_for(world.team)), "team-items")
    assert world.station_a.name in panel and world.station_b.name not in panel
    red_link = f"/issues/?station={world.station_a.pk}&amp;light=red"
    assert f'href="{red_link}">1</a>' in panel


def test_every_number_of_the_ledger_matrix_links_to_a_list_with_that_many_items(world, client_for):
    for status in (S.REGISTERED, S.ASSIGNED, S.ACCEPTED, S.IN_PROGRESS, S.RESOLVED, S.CLOSED, S.RETURNED):
        make_issue(world, status)
    make_issue(world, S.ACCEPTED, owner=world.team, unit=world.team_unit)
    late = make_issue(world, S.ACCEPTED)
    Issue.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    client = client_for(world.coordinator)
    panel = section(home(client), "ledger-matrix")
    links = re.findall(r'<a[^>]*href="([^"]+)">(\d+)</a>', panel)
    assert len(links) >= 3 * 11
    for url, number in links:
        response = client.get(unescape(url))
        assert response.context["table"].paginator.count == int(number), url


def test_the_office_sees_what_waits_for_it_and_the_leader_the_red_list(world, client_for):
    make_issue(world)
    make_issue(world, S.RESOLVED)
    late = make_issue(world, S.ACCEPTED, description="逾期未整改")
    Issue.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - dt.timedelta(days=2))
    office = home(client_for(world.coordinator))
    waiting = section(office, "ledger-waiting")
    assert re.search(r'id="waiting-assign">.*?>1</div>', waiting, re.S)
    assert re.search(r'id="waiting-verify">.*?>1</div>', waiting, re.S)
    leader = home(client_for(world.leader))
    assert "waiting-assign" not in leader  # assigning is the office's work
    assert "逾期未整改" in section(leader, "red-list")


def test_coverage_counts_enterprises_visited_on_site_this_month(world, client_for):
    make_visit(world)
    make_visit(world, enterprise=world.enterprise_b, author=world.outsider, channel=Visit.Channel.PHONE)
    panel = section(home(client_for(world.leader)), "visit-coverage")
    row_a = re.search(rf"<td>{world.station_a.name}</td>.*?</tr>", panel, re.S).group(0)
    row_b = re.search(rf"<td>{world.station_b.name}</td>.*?</tr>", panel, re.S).group(0)
    assert ">1</a> <span" in row_a and "(100%)" in row_a
    assert ">0</a>" in row_b  # a phone call is not an on-site visit


def test_the_demo_district_loads_the_seed_stories_once(db):
    call_command("seed_demo")
    counts = (Visit.objects.count(), Issue.objects.count())
    call_command("seed_demo")
    assert (Visit.objects.count(), Issue.objects.count()) == counts
    petrol = Issue.objects.get(enterprise__name="山城区长风中路加油站")
    assert petrol.status == S.CLOSED and "4万元" in petrol.updates.filter(text__contains="4万元").first().text
    yard = Issue.objects.get(enterprise__name="长风汽车修理厂")
    assert "敲诈勒索" in yard.description and yard.category == Issue.Category.CRIME_LEAD
    mine = Issue.objects.get(enterprise__name="山城区鑫源煤矿")
    assert "炸药库" in mine.description and mine.supervision == Issue.Supervision.KEY and mine.was_extended
    leader = User.objects.get(username="leader")
    for name in ("创越化工有限责任公司", "天马制衣厂"):
        visit = Visit.objects.get(enterprise__name=name, author=leader)
        local = timezone.localtime(visit.visited_at)
        assert (local.month, local.day) == (6, 8)
        assert visit.letter_delivered and visit.commitment_signed
    registration = Visit.objects.get(enterprise__name="天马制衣厂", registration_service=True)
    assert registration.people_served == 46
    # Every light and state can be seen in the demo.
    assert {"red", "yellow", "green"} <= set(Issue.objects.with_light().values_list("light_code", flat=True))
    assert {S.REGISTERED, S.ASSIGNED, S.RESOLVED, S.RETURNED, S.TRANSFERRED, S.CLOSED} <= set(
        Issue.objects.values_list("status", flat=True)
    )
    assert Issue.objects.note_due().exists() and Issue.objects.filter(needs_followup=True).exists()
    for enterprise in Enterprise.objects.filter(visits__isnull=False).distinct():
        latest = enterprise.visits.filter(channel=Visit.Channel.ON_SITE).order_by("-visited_at").first()
        assert enterprise.last_visit_at == (latest.visited_at if latest else None)
