import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from enterprises.models import Assignment, Enterprise
from tests.factories import AssignmentFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

LIST = reverse("enterprises:enterprise_list")


def form_data(world, **overrides):
    data = {
        "name": "山城新材料有限公司",
        "credit_code": "91350100M000100Y43",
        "station": world.station_a.pk,
        "industry": "MANUFACTURING",
        "address": "山城区长风工业园 1 号",
        "contact_name": "李四",
        "contact_phone": "13803719999",
        "contact_every_days": 7,
        "visit_every_days": 30,
        "_submit_token": "tok-1",
    }
    data.update(overrides)
    return data


def test_officer_sees_own_station_and_assigned_enterprises_only(world, client_for):
    other = EnterpriseFactory(station=world.station_b, name="乙站但分给甲民警")
    AssignmentFactory(enterprise=other, kind=Assignment.Kind.LEADER, officer=world.leader)
    response = client_for(world.officer).get(LIST)
    names = [row.record.name for row in response.context["table"].page.object_list]
    assert "甲企业" in names and "乙企业" not in names and other.name not in names


def test_team_sees_the_stations_it_answers_for_plus_its_assignments(world, client_for):
    extra = EnterpriseFactory(station=world.station_b, name="乙站分包给治安大队")
    Assignment.objects.create(enterprise=extra, kind=Assignment.Kind.TEAM, team=world.team_unit)
    response = client_for(world.team).get(LIST)
    names = {row.record.name for row in response.context["table"].page.object_list}
    assert names == {"甲企业", extra.name}


def test_search_by_name_and_credit_code_prefix(world, client_for):
    client = client_for(world.coordinator)
    by_name = client.get(LIST, {"q": "乙企"}).context["table"].page.object_list
    assert [r.record.name for r in by_name] == ["乙企业"]
    code = world.enterprise_a.credit_code
    by_code = client.get(LIST, {"q": code[:12].lower()}).context["table"].page.object_list
    assert world.enterprise_a.name in [r.record.name for r in by_code]


def test_filter_unassigned(world, client_for):
    EnterpriseFactory(station=world.station_a, name="无人分包企业")
    rows = client_for(world.coordinator).get(LIST, {"assigned": "no"}).context["table"].page.object_list
    assert [r.record.name for r in rows] == ["无人分包企业"]


@pytest.mark.parametrize("rows", [5, 50])
def test_enterprise_list_queries_do_not_grow_with_rows(world, client_for, django_assert_max_num_queries, rows):
    for _ in range(rows):
        AssignmentFactory(enterprise=EnterpriseFactory(station=world.station_a))
    client = client_for(world.coordinator)
    client.get(LIST)  # warm up the session and content types
    with django_assert_max_num_queries(9):
        response = client.get(LIST, {"per_page": 100})
    assert response.status_code == 200


def test_enterprise_list_query_count_is_equal_at_5_and_50_rows(world, client_for, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.coordinator)
    counts = []
    for total in (5, 50):
        while Enterprise.objects.count() < total:
            AssignmentFactory(enterprise=EnterpriseFactory(station=world.station_a))
        client.get(LIST)
        with CaptureQueriesContext(connection) as ctx:
            client.get(LIST, {"per_page": 100, "station": world.station_a.pk})
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_export_contains_the_filtered_rows(world, client_for):
    response = client_for(world.coordinator).get(LIST, {"station": world.station_a.pk, "export": "xlsx"})
    assert response["Content-Disposition"].startswith("attachment")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][0] == "甲企业" and rows[1][1] == world.enterprise_a.credit_code


def test_office_creates_an_enterprise(world, client_for):
    response = client_for(world.coordinator).post(reverse("enterprises:enterprise_add"), form_data(world))
    created = Enterprise.objects.get(credit_code="91350100M000100Y43")
    assert response.status_code == 302 and response["Location"] == created.get_absolute_url()
    assert created.created_by == world.coordinator


def test_double_submit_creates_one_enterprise(world, client_for):
    client = client_for(world.coordinator)
    first = client.post(reverse("enterprises:enterprise_add"), form_data(world))
    second = client.post(reverse("enterprises:enterprise_add"), form_data(world))
    assert Enterprise.objects.filter(name="山城新材料有限公司").count() == 1
    assert second.status_code == 302 and second["Location"] == first["Location"]


def test_bad_check_character_warns_and_keeps_what_was_typed(world, client_for):
    response = client_for(world.coordinator).post(
        reverse("enterprises:enterprise_add"), form_data(world, credit_code="91350100M000100Y44")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.credit_code_warning and "credit_code" in form.errors
    assert "credit_code_override" in form.fields  # the office may accept it with a reason
    assert form["name"].value() == "山城新材料有限公司"
    assert not Enterprise.objects.filter(name="山城新材料有限公司").exists()


def test_office_override_of_a_bad_check_character_is_recorded(world, client_for):
    reason = "2015年登记的旧代码，已核对营业执照原件"
    client_for(world.coordinator).post(
        reverse("enterprises:enterprise_add"),
        form_data(world, credit_code="91350100M000100Y44", credit_code_override=reason),
    )
    assert Enterprise.objects.get(credit_code="91350100M000100Y44").credit_code_override == reason


def test_leader_cannot_override_the_check_character(world, client_for):
    response = client_for(world.leader).post(
        reverse("enterprises:enterprise_add"),
        form_data(world, credit_code="91350100M000100Y44", credit_code_override="我说可以"),
    )
    assert response.status_code == 200 and "credit_code_override" not in response.context["form"].fields
    assert not Enterprise.objects.filter(credit_code="91350100M000100Y44").exists()


def test_creating_in_a_station_outside_the_choices_is_refused(world, client_for):
    response = client_for(world.coordinator).post(
        reverse("enterprises:enterprise_add"), form_data(world, station=world.office.pk)
    )
    assert response.status_code == 200 and "station" in response.context["form"].errors


def test_officer_edits_contact_details_of_own_enterprise_only(world, client_for):
    client = client_for(world.officer)
    url = reverse("enterprises:enterprise_contact", args=[world.enterprise_a.pk])
    response = client.post(url, {"contact_name": "王五", "contact_phone": "0371-66889900", "address": "新地址", "_submit_token": "c1"})
    assert response.status_code == 302
    world.enterprise_a.refresh_from_db()
    assert world.enterprise_a.contact_name == "王五"
    # The full edit stays with the office and leaders.
    assert client.get(reverse("enterprises:enterprise_edit", args=[world.enterprise_a.pk])).status_code == 403
    assert client.get(reverse("enterprises:enterprise_contact", args=[world.enterprise_b.pk])).status_code == 404


def test_bad_phone_gets_a_message_and_nothing_changes(world, client_for):
    client = client_for(world.officer)
    url = reverse("enterprises:enterprise_contact", args=[world.enterprise_a.pk])
    response = client.post(url, {"contact_name": "王五", "contact_phone": "12345", "address": "新地址"})
    assert response.status_code == 200 and "contact_phone" in response.context["form"].errors
    world.enterprise_a.refresh_from_db()
    assert world.enterprise_a.contact_name != "王五"


def test_office_assigns_and_reassigns_from_the_page(world, client_for):
    from tests.factories import UserFactory

    colleague = UserFactory(unit=world.station_a, name="新民警")
    client = client_for(world.coordinator)
    url = reverse("enterprises:assignment_add", args=[world.enterprise_a.pk])
    response = client.post(url, {"kind": "OFFICER", "officer": colleague.pk, "_submit_token": "a1"})
    assert response.status_code == 302
    current = world.enterprise_a.assignments.get(kind="OFFICER", ended_on__isnull=True)
    assert current.officer == colleague
    page = client.get(world.enterprise_a.get_absolute_url())
    assert page.context["past_assignments"][0].officer == world.officer


def test_office_cannot_pick_an_officer_outside_the_choices(world, client_for):
    from tests.factories import UserFactory

    auditor_like = UserFactory(unit=world.station_a, role="AUDITOR")
    response = client_for(world.coordinator).post(
        reverse("enterprises:assignment_add", args=[world.enterprise_a.pk]), {"kind": "OFFICER", "officer": auditor_like.pk}
    )
    assert response.status_code == 200 and "officer" in response.context["form"].errors


def test_end_assignment(world, client_for):
    response = client_for(world.coordinator).post(
        reverse("enterprises:assignment_end", args=[world.assignment_a.pk]), {"reason": "调离"}
    )
    assert response.status_code == 302
    world.assignment_a.refresh_from_db()
    assert world.assignment_a.ended_on and world.assignment_a.end_reason == "调离"


def test_the_browser_tab_names_the_page_and_the_application_apart(world, client_for):
    page = client_for(world.coordinator).get(reverse("enterprises:enterprise_list")).content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert " · " in title and title.split(" · ")[0].strip()
