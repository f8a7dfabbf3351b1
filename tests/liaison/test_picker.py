"""Enterprise and people selects stay small at city scale: all options in a district, a search box beyond."""

import re

import pytest
from django.urls import reverse

from enterprises.models import Enterprise
from liaison.picker import SearchSelect, SearchSelectMultiple
from tests.factories import EnterpriseFactory, UserFactory
from visits.models import Issue

pytestmark = pytest.mark.django_db


def options(html, name):
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select {name}"
    return re.findall(r'<option value="(\d*)"( selected)?>([^<]*)</option>', select.group(1))


@pytest.fixture
def city(world, monkeypatch):
    """More enterprises and people than the select lists (the limit lowered to keep the test small)."""
    monkeypatch.setattr(SearchSelect, "limit", 3)
    monkeypatch.setattr(SearchSelectMultiple, "limit", 3)
    for i in range(5):
        EnterpriseFactory(name=f"江城机械{i}厂", station=world.station_a)
        UserFactory(username=f"p{i}", name=f"王{i}", unit=world.station_a)
    EnterpriseFactory(name="江城机械停产厂", station=world.station_a, closed=True)
    EnterpriseFactory(name="江城机械乙所厂", station=world.station_b)


def test_a_district_sized_select_lists_every_choice(world, client_for):
    html = client_for(world.coordinator).get(reverse("visits:issue_list")).content.decode()
    listed = {label for _pk, _sel, label in options(html, "enterprise")}
    assert listed == {"---------", *Enterprise.objects.values_list("name", flat=True)}
    assert 'name="term"' not in html


def test_beyond_the_limit_the_filter_shows_a_search_box_and_only_the_chosen_option(world, client_for, city):
    client = client_for(world.coordinator)
    html = client.get(reverse("visits:issue_list")).content.decode()
    assert options(html, "enterprise") == [("", " selected", "---------")]
    assert 'hx-get="/pick/enterprises/"' in html and 'form=""' in html
    chosen = Enterprise.objects.get(name="江城机械2厂")
    html = client.get(reverse("visits:issue_list"), {"enterprise": chosen.pk}).content.decode()
    assert options(html, "enterprise") == [("", "", "---------"), (str(chosen.pk), " selected", "江城机械2厂")]
    # The people filter of the same page behaves the same way.
    assert 'hx-get="/pick/people/"' in html


def test_the_list_costs_the_same_queries_with_a_search_box(world, client_for, city, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.coordinator)
    url = reverse("visits:issue_list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(30):
        EnterpriseFactory(name=f"又一家{i}", station=world.station_b)
    with django_assert_num_queries(len(few)):
        client.get(url)


def test_the_search_finds_names_and_codes_in_the_users_scope_only(world, client_for, city):
    url = reverse("pick_enterprises")
    found = client_for(world.officer).get(url, {"term": "机械"}).content.decode()
    names = re.findall(r'<option value="\d+">([^<]*)</option>', found)
    assert sorted(names) == sorted([f"江城机械{i}厂" for i in range(5)] + ["江城机械停产厂"])
    assert "找到" in client_for(world.officer).get(url, {"term": "机械"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    active = client_for(world.officer).get(url, {"term": "机械", "active": 1}).content.decode()
    assert "停产" not in active
    code = Enterprise.objects.get(name="江城机械3厂").credit_code
    by_code = client_for(world.officer).get(url, {"term": code[:12]}).content.decode()
    assert "江城机械3厂" in by_code
    outside = client_for(world.officer).get(url, {"term": "乙所"}).content.decode()
    assert "乙所" not in outside and "No match" in outside


def test_the_people_search_names_units_and_leaves_out_leaders_for_work(world, client_for, city):
    url = reverse("pick_people")
    found = client_for(world.coordinator).get(url, {"term": "王"}).content.decode()
    assert "王3（甲派出所）" in found
    leader_name = "欧阳领导"  # a name no generated colleague shares
    world.leader.name = leader_name
    world.leader.save(update_fields=["name"])
    assert leader_name in client_for(world.coordinator).get(url, {"term": leader_name}).content.decode()
    assert leader_name not in client_for(world.coordinator).get(url, {"term": leader_name, "workers": 1}).content.decode()


def test_labels_are_escaped(world, client_for, city):
    EnterpriseFactory(name="江城<b>粗体</b>厂", station=world.station_a)
    found = client_for(world.coordinator).get(reverse("pick_enterprises"), {"term": "粗体"}).content.decode()
    assert "&lt;b&gt;粗体" in found and "<b>" not in found


def test_an_enterprise_found_by_search_is_saved_and_one_out_of_scope_refused(world, client_for, city):
    client = client_for(world.officer)
    url = reverse("visits:issue_add")
    html = client.get(url).content.decode()
    assert 'hx-get="/pick/enterprises/?active=1"' in html
    chosen = Enterprise.objects.get(name="江城机械4厂")
    data = {"enterprise": chosen.pk, "category": Issue.Category.HAZARD, "description": "楼梯间堆放杂物", "_submit_token": "t-1"}
    response = client.post(url, data)
    assert response.status_code == 302
    assert Issue.objects.get(description="楼梯间堆放杂物").enterprise == chosen
    outside = Enterprise.objects.get(name="江城机械乙所厂")
    data = {"enterprise": outside.pk, "category": Issue.Category.HAZARD, "description": "乙所的问题", "_submit_token": "t-2"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert not Issue.objects.filter(description="乙所的问题").exists()
    # What was typed is kept; the refused choice is not offered back.
    html = response.content.decode()
    assert "乙所的问题" in html and "is-invalid" in html


def test_the_auditor_and_anonymous_cannot_search(world, client, client_for):
    assert client.get(reverse("pick_people"), {"term": "a"}).status_code == 302
    assert client_for(world.auditor).get(reverse("pick_enterprises"), {"term": "甲"}).status_code == 403


def multiple_options(html, name):
    select = re.search(rf'<select name="{name}"[^>]*multiple[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no multiple select {name}"
    return re.findall(r'<option value="(\d*)"( selected)?>([^<]*)</option>', select.group(1))


def test_a_district_sized_multiple_select_lists_every_colleague(world, client_for):
    html = client_for(world.officer).get(reverse("visits:visit_add")).content.decode()
    assert 'hx-get="/pick/people/?add=1"' not in html
    assert f'value="{world.team.pk}"' in html


def test_beyond_the_limit_officers_present_are_added_by_search_and_kept(world, client_for, city):
    from tests.visits.test_views import visit_data
    from visits.models import Visit

    client = client_for(world.officer)
    html = client.get(reverse("visits:visit_add")).content.decode()
    assert 'hx-get="/pick/people/?add=1"' in html and 'hx-swap="beforeend"' in html
    assert multiple_options(html, "officers") == []  # nobody listed until searched for
    # A search adds its matches as plain options (no heading option): what was chosen before stays.
    added = client.get(reverse("pick_people"), {"term": "王", "add": 1}).content.decode()
    assert "<option value=\"\">" not in added and all(f"王{i}（甲派出所）" in added for i in range(5))
    # A form sent back with an error keeps the officers chosen, selected.
    chosen = [world.team.pk, world.user("outsider").pk]
    html = client.post(reverse("visits:visit_add"), visit_data(world, officers=chosen, channel="")).content.decode()
    assert {pk for pk, selected, _label in multiple_options(html, "officers") if selected} == {str(pk) for pk in chosen}
    assert client.post(reverse("visits:visit_add"), visit_data(world, officers=chosen)).status_code == 302
    assert set(Visit.objects.get().officers.values_list("pk", flat=True)) == {world.officer.pk, *chosen}


def test_beyond_the_limit_an_activity_names_its_enterprises_by_search(world, client_for, city):
    html = client_for(world.coordinator).get(reverse("casework:activity_add")).content.decode()
    assert 'hx-get="/pick/enterprises/?add=1"' in html and 'hx-get="/pick/people/?add=1"' in html


def test_a_meetings_decision_finds_an_open_plan_task_by_search(world, client_for, city):
    from tests.plans.factories import PlanFactory, PlanTaskFactory
    from tests.supervision.factories import MeetingFactory

    plan_a = PlanFactory(enterprise=world.enterprise_a, approved=True)
    plan_b = PlanFactory(enterprise=world.enterprise_b, approved=True)
    open_tasks = [PlanTaskFactory(plan=plan_a, title=f"消防培训{i}", owner=world.officer) for i in range(4)]
    PlanTaskFactory(plan=plan_a, title="消防培训已完成", owner=world.officer, done=True)
    PlanTaskFactory(plan=plan_b, title="消防培训乙所", owner=world.outsider)
    meeting = MeetingFactory(chair=world.leader)

    html = client_for(world.coordinator).get(reverse("supervision:meetingaction_add", args=[meeting.pk])).content.decode()
    assert 'hx-get="/pick/plan-tasks/"' in html
    assert options(html, "plan_task") == [("", " selected", "---------")]
    found = client_for(world.officer).get(reverse("pick_plan_tasks"), {"term": "消防"}).content.decode()
    # Open tasks of approved plans within the officer's scope: not the done one, not station B's.
    assert all(f"{world.enterprise_a.name}：{t.title}" in found for t in open_tasks)
    assert "已完成" not in found and "乙所" not in found


@pytest.mark.parametrize(("rows", "searched"), [(0, True), (1, False), (3, False), (4, True)])
def test_the_select_lists_up_to_the_limit_and_searches_beyond(world, monkeypatch, rows, searched):
    from django import forms

    monkeypatch.setattr(SearchSelect, "limit", 3)
    names = [f"界限{i}厂" for i in range(rows)]
    for name in names:
        EnterpriseFactory(name=name, station=world.station_b)
    field = forms.ModelChoiceField(Enterprise.objects.filter(name__startswith="界限").order_by("name"),
                                   widget=SearchSelect("pick_enterprises"))
    html = field.widget.render("enterprise", None)
    assert ('name="term"' in html) is searched
    listed = [label for _pk, _sel, label in options(html, "enterprise")][1:]
    assert listed == ([] if searched else names)
