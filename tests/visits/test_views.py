"""Pages of visits and the ledger: forms that keep what was typed, photos, filters, export, actions, query counts."""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import pgettext
from openpyxl import load_workbook
from PIL import Image

from liaison.models import SubmitToken
from tests.factories import EnterpriseFactory
from tests.visits.factories import image_bytes, make_issue, make_issue_photo, make_visit, make_visit_photo, upload
from visits import services
from visits.models import Issue, IssueUpdate, Visit, VisitPhoto

S = Issue.Status
pytestmark = pytest.mark.django_db


def visit_data(world, **extra):
    data = {
        "enterprise": world.enterprise_a.pk,
        "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "channel": "ON_SITE",
        "received_by": "王经理",
        "received_by_position": "安全主管",
        "observations": "仓库消防通道有杂物堆放",
        "opinions": "希望加强夜间巡逻",
        "letter_delivered": "on",
        "people_served": "0",
        "problems-TOTAL_FORMS": "2",
        "problems-INITIAL_FORMS": "0",
        "problems-MIN_NUM_FORMS": "0",
        "problems-MAX_NUM_FORMS": "30",
        "problems-0-category": "HAZARD",
        "problems-0-description": "消防通道被货物堵塞",
        "problems-1-category": "SERVICE",
        "problems-1-description": "外地员工需办理居住登记",
        "_submit_token": "token-1",
    }
    data.update(extra)
    return data


# ---------------------------------------------------------------- the visit form


def test_the_visit_form_opens_for_the_enterprise_given_in_the_address(world, client_for):
    page = client_for(world.officer).get(reverse("visits:visit_add") + f"?enterprise={world.enterprise_a.pk}")
    assert page.status_code == 200
    assert page.context["form"].initial["enterprise"] == world.enterprise_a.pk
    assert world.enterprise_a.name in page.content.decode()


def test_the_visit_form_for_an_enterprise_outside_the_scope_is_not_found(world, client_for):
    client = client_for(world.officer)
    assert client.get(reverse("visits:visit_add") + f"?enterprise={world.enterprise_b.pk}").status_code == 404
    assert client.get(reverse("visits:visit_add") + "?enterprise=abc").status_code == 404


def test_an_officer_logs_a_visit_with_a_photo_and_two_problems(world, client_for):
    client = client_for(world.officer)
    data = visit_data(world, officers=[world.team.pk], photos=[upload("现场.png")])
    response = client.post(reverse("visits:visit_add"), data)
    visit = Visit.objects.get()
    assert response.status_code == 302 and response["Location"] == visit.get_absolute_url()
    assert visit.author == world.officer and set(visit.officers.all()) == {world.officer, world.team}
    assert visit.letter_delivered and visit.received_by == "王经理"
    assert visit.photos.count() == 1
    assert sorted(visit.issues.values_list("description", flat=True)) == ["外地员工需办理居住登记", "消防通道被货物堵塞"]
    world.enterprise_a.refresh_from_db()
    assert world.enterprise_a.last_visit_at == visit.visited_at
    detail = client.get(visit.get_absolute_url()).content.decode()
    assert "消防通道被货物堵塞" in detail and reverse("visits:visit_photo", args=[visit.photos.get().pk]) in detail


def test_a_new_visit_is_not_shown_as_corrected_but_a_later_correction_is(world, client_for):
    client = client_for(world.officer)
    client.post(reverse("visits:visit_add"), visit_data(world, officers=[world.team.pk]))
    visit = Visit.objects.get()
    with translation.override("en"):
        assert client.get(visit.get_absolute_url()).context["corrections"] == []
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=10)):
        data = {"visited_at": timezone.localtime(visit.visited_at).strftime("%Y-%m-%dT%H:%M"), "channel": "ON_SITE",
                "observations": "更正：仓库整洁", "people_served": "0", "officers": [world.team.pk]}
        assert client.post(reverse("visits:visit_edit", args=[visit.pk]), data).status_code == 302
        assert len(client.get(visit.get_absolute_url()).context["corrections"]) == 1


def test_a_double_submit_of_the_visit_form_records_one_visit(world, client_for):
    client = client_for(world.officer)
    first = client.post(reverse("visits:visit_add"), visit_data(world))
    second = client.post(reverse("visits:visit_add"), visit_data(world))
    assert Visit.objects.count() == 1 and Issue.objects.count() == 2
    assert second.status_code == 302 and second["Location"] == first["Location"]


def assert_form_kept(page):
    html = page.content.decode()
    assert page.status_code == 200
    for typed in ("王经理", "仓库消防通道有杂物堆放", "希望加强夜间巡逻", "消防通道被货物堵塞", "外地员工需办理居住登记"):
        assert typed in html
    assert not Visit.objects.exists() and not Issue.objects.exists() and not VisitPhoto.objects.exists()
    assert not SubmitToken.objects.exists()
    return html


def test_a_renamed_text_file_is_refused_with_a_clear_message_and_the_rest_of_the_form_kept(world, client_for):
    fake = upload("现场照片.jpg", b"this is only a text file pretending to be a photo\n" * 20, "image/jpeg")
    page = client_for(world.officer).post(reverse("visits:visit_add"), visit_data(world, photos=[fake]))
    html = assert_form_kept(page)
    assert "现场照片.jpg is not a JPEG or PNG photo." in html


def test_an_oversized_photo_is_refused_with_a_clear_message_and_the_rest_of_the_form_kept(world, client_for, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024  # the rule is "at most 10 MB"; a smaller limit keeps the test fast
    big = upload("大图.png", image_bytes(size=(1200, 1200)) + b"\0" * 1_300_000)
    page = client_for(world.officer).post(reverse("visits:visit_add"), visit_data(world, photos=[upload(), big]))
    html = assert_form_kept(page)
    assert re.search(r"The file 大图.png is 1\.\d MB; at most 1 MB is allowed.", html)


def test_the_real_limit_is_ten_megabytes(world, client_for):
    big = upload("eleven.png", image_bytes() + b"\0" * (11 * 1024 * 1024))
    page = client_for(world.officer).post(reverse("visits:visit_add"), visit_data(world, photos=[big]))
    html = assert_form_kept(page)
    assert "at most 10 MB" in html


def test_a_png_with_html_appended_is_stored_re_encoded_without_it(world, client_for):
    payload = image_bytes() + b"<html><script>alert('x')</script></html>"
    client = client_for(world.officer)
    client.post(reverse("visits:visit_add"), visit_data(world, photos=[upload("polyglot.png", payload)]))
    photo = VisitPhoto.objects.get()
    stored = photo.image.read()
    assert b"<script>" not in stored and b"<html>" not in stored
    assert Image.open(io.BytesIO(stored)).format == "PNG"
    response = client.get(reverse("visits:visit_photo", args=[photo.pk]))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"<script>" not in b"".join(response.streaming_content)


def test_photo_location_data_is_removed(world, client_for):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x8825] = {1: "N", 2: (34.0, 45.0, 0.0)}  # GPS
    jpeg = image_bytes("JPEG", exif=exif.tobytes())
    assert b"PhoneMaker" in jpeg
    client_for(world.officer).post(reverse("visits:visit_add"), visit_data(world, photos=[upload("gps.jpg", jpeg, "image/jpeg")]))
    stored = VisitPhoto.objects.get().image.read()
    assert b"PhoneMaker" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()


def test_a_problem_without_category_is_refused_and_everything_is_kept(world, client_for):
    page = client_for(world.officer).post(reverse("visits:visit_add"), visit_data(world, **{"problems-1-category": ""}))
    html = assert_form_kept(page)
    assert "Choose the category of this problem." in html


def test_a_visit_in_the_future_is_refused_with_a_message(world, client_for):
    later = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    page = client_for(world.officer).post(reverse("visits:visit_add"), visit_data(world, visited_at=later))
    html = assert_form_kept(page)
    assert "cannot be in the future" in html


def test_empty_problem_rows_are_ignored(world, client_for):
    data = visit_data(world, **{"problems-0-category": "", "problems-0-description": "", "problems-1-category": "",
                                "problems-1-description": ""})
    client_for(world.officer).post(reverse("visits:visit_add"), data)
    assert Visit.objects.count() == 1 and not Issue.objects.exists()


# ---------------------------------------------------------------- correcting a visit


def test_the_author_corrects_the_visit_within_24_hours_and_not_after(world, client_for):
    with time_machine.travel(dt.datetime(2026, 11, 2, 2, tzinfo=dt.UTC), tick=False):
        visit = make_visit(world, observations="初记")
    edit = reverse("visits:visit_edit", args=[visit.pk])
    data = {"visited_at": "2026-11-02T09:30", "channel": "ON_SITE", "observations": "更正：仓库整洁", "people_served": "0"}
    with time_machine.travel(dt.datetime(2026, 11, 2, 20, tzinfo=dt.UTC)):
        client = client_for(world.officer)
        assert client.get(edit).status_code == 200
        assert client.post(edit, data).status_code == 302
    visit.refresh_from_db()
    assert visit.observations == "更正：仓库整洁"
    with time_machine.travel(dt.datetime(2026, 11, 3, 3, tzinfo=dt.UTC)):
        client.logout()  # the session of the day before has timed out: sign in again
        client = client_for(world.officer)
        assert client.get(edit).status_code == 403
        assert client.post(edit, {**data, "observations": "再改"}).status_code == 403
        visit.refresh_from_db()
        assert visit.observations == "更正：仓库整洁"
        client.logout()
        office = client_for(world.coordinator)
        assert office.post(edit, {**data, "observations": "专办更正"}).status_code == 302
    visit.refresh_from_db()
    assert visit.observations == "专办更正"


# ---------------------------------------------------------------- photos are served only within scope


def test_photos_are_served_inline_with_safe_headers_only_to_users_who_see_the_visit(world, client_for):
    photo = make_visit_photo(make_visit(world))
    url = reverse("visits:visit_photo", args=[photo.pk])
    response = client_for(world.officer).get(url + "?size=thumb")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Disposition"].startswith("inline")
    assert client_for(world.outsider).get(url).status_code == 404
    assert client_for(world.auditor).get(url).status_code == 403
    issue_photo = make_issue_photo(make_issue(world))
    assert client_for(world.team).get(reverse("visits:issue_photo", args=[issue_photo.pk])).status_code == 200
    assert client_for(world.outsider).get(reverse("visits:issue_photo", args=[issue_photo.pk])).status_code == 404


# ---------------------------------------------------------------- the ledger list: filters, export, bulk assignment


@pytest.fixture
def ledger(world):
    """A small ledger across both stations in every interesting state."""
    items = {
        "registered": make_issue(world, description="登记待交办"),
        "assigned": make_issue(world, S.ASSIGNED, description="已交办"),
        "accepted": make_issue(world, S.ACCEPTED, category=Issue.Category.SERVICE, description="已签收"),
        "supervised": make_issue(world, S.ACCEPTED, supervised=True, description="督办中"),
        "closed": make_issue(world, S.CLOSED, description="已销号"),
        "team": make_issue(world, S.ACCEPTED, owner=world.team, unit=world.team_unit, description="队室承办"),
        "b": make_issue(world, enterprise=world.enterprise_b, description="乙所问题"),
    }
    Issue.objects.filter(pk=items["accepted"].pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    return items


def listed(client, query):
    response = client.get(reverse("visits:issue_list") + "?" + query)
    assert response.status_code == 200
    return {row.record.description for row in response.context["table"].page.object_list}


def test_the_ledger_list_filters_by_every_public_parameter(world, client_for, ledger):
    client = client_for(world.coordinator)
    today = timezone.localdate().isoformat()
    assert listed(client, "status=ASSIGNED") == {"已交办"}
    assert listed(client, "status=REGISTERED&status=CLOSED") == {"登记待交办", "已销号", "乙所问题"}
    assert "已销号" not in listed(client, "status=open")
    assert listed(client, "light=red") == {"已签收"}
    assert listed(client, "light=green") == {"督办中", "队室承办"}
    assert listed(client, f"responsible_unit={world.team_unit.pk}") == {"队室承办"}
    assert listed(client, "responsible_unit=null") == {"登记待交办", "乙所问题"}
    assert listed(client, f"owner={world.team.pk}") == {"队室承办"}
    assert listed(client, "category=SERVICE") == {"已签收"}
    assert listed(client, "supervision=KEY") == listed(client, "supervision=any") == {"督办中"}
    assert listed(client, f"station={world.station_b.pk}") == {"乙所问题"}
    assert listed(client, f"enterprise={world.enterprise_b.pk}") == {"乙所问题"}
    assert len(listed(client, f"since={today}&until={today}")) == 7
    assert listed(client, "until=2000-01-01") == set()
    assert listed(client, f"q={ledger['closed'].number}") == {"已销号"}
    assert listed(client, "attention=unverified") == set()


def test_the_ledger_list_shows_only_what_the_user_may_see(world, client_for, ledger):
    assert "乙所问题" not in listed(client_for(world.officer), "")
    assert listed(client_for(world.outsider), "") == {"乙所问题"}
    # The team sees its stations' items and the ones assigned to it.
    assert "队室承办" in listed(client_for(world.team), "") and "乙所问题" not in listed(client_for(world.team), "")


def test_the_excel_export_has_the_offices_columns(world, client_for, ledger):
    response = client_for(world.coordinator).get(reverse("visits:issue_list") + "?export=xlsx&status=CLOSED")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    expected = ["Number", "Enterprise", "Problem description", "Category", "Responsible unit", "Person responsible",
                "Rectification measures", "Time limit", "Status", "Rectification progress", "Closing time"]
    assert list(rows[0]) == [pgettext("ledger column", h) for h in expected]
    closed = ledger["closed"]
    assert rows[1][0] == closed.number and rows[1][1] == world.enterprise_a.name and rows[1][2] == "已销号"
    assert rows[1][5] == world.officer.name and rows[1][7] == closed.deadline.isoformat()
    assert rows[1][9] == "通道已清理，现场复查畅通"
    assert rows[1][10] == timezone.localtime(closed.closed_at).strftime("%Y-%m-%d %H:%M")
    assert len(rows) == 2


def test_the_export_headers_are_translatable_with_their_own_context(world, client_for, ledger):
    """The eleven headers are msgids in the "ledger column" context: the Chinese catalogue gives exactly
    编号, 企业, 问题描述, 类别, 责任单位, 责任人, 整改措施, 整改时限, 状态, 整改情况, 销号时间."""
    from visits.tables import IssueExportTable

    with translation.override("en"):
        headers = [str(c.verbose_name) for c in IssueExportTable(Issue.objects.none()).columns]
    assert headers[0] == "Number" and headers[-1] == "Closing time" and len(headers) == 11


def test_only_the_office_and_leaders_export_the_ledger(world, client_for, ledger):
    url = reverse("visits:issue_list") + "?export=xlsx"
    assert client_for(world.leader).get(url).status_code == 200
    assert client_for(world.officer).get(url).status_code == 403
    assert client_for(world.team).get(url).status_code == 403


def test_the_office_assigns_ticked_items_at_once(world, client_for, ledger):
    client = client_for(world.coordinator)
    picked = [ledger["registered"].pk, ledger["b"].pk]
    response = client.post(reverse("visits:issue_bulk_assign"), {
        "issues": picked, "responsible_unit": world.team_unit.pk, "owner": world.team.pk, "time_limit_days": "7",
    })
    assert response.status_code == 302
    for issue in Issue.objects.filter(pk__in=picked):
        assert (issue.status, issue.responsible_unit, issue.owner, issue.time_limit_days) == (S.ASSIGNED, world.team_unit, world.team, 7)


def test_bulk_assignment_is_all_or_nothing_and_refused_to_others(world, client_for, ledger):
    closed = ledger["closed"].pk
    response = client_for(world.coordinator).post(reverse("visits:issue_bulk_assign"), {
        "issues": [ledger["registered"].pk, closed], "responsible_unit": world.station_a.pk,
    })
    assert response.status_code == 302
    assert Issue.objects.get(pk=ledger["registered"].pk).status == S.REGISTERED
    assert client_for(world.leader).post(reverse("visits:issue_bulk_assign"), {
        "issues": [ledger["registered"].pk], "responsible_unit": world.station_a.pk,
    }).status_code == 403
    assert Issue.objects.get(pk=ledger["registered"].pk).status == S.REGISTERED


# ---------------------------------------------------------------- the item page and its actions


def test_the_item_page_shows_the_whole_timeline_including_other_apps_entries(world, client_for):
    issue = make_issue(world, S.IN_PROGRESS)
    IssueUpdate.objects.create(issue=issue, actor=world.coordinator, text="市局专办回复：已协调应急管理部门")
    html = client_for(world.officer).get(issue.get_absolute_url()).content.decode()
    for text in ("消防通道堵塞", "已督促企业清理", "市局专办回复：已协调应急管理部门"):
        assert text in html


def test_the_item_page_offers_each_user_only_the_actions_they_may_take(world, client_for):
    issue = make_issue(world, S.RESOLVED)
    def actions(user):
        return [a["name"] for a in client_for(user).get(issue.get_absolute_url()).context["actions"]]
    assert actions(world.coordinator) == ["close", "reject", "transfer", "unable", "supervise"]
    assert actions(world.leader) == ["close", "reject", "supervise"]
    assert actions(world.officer) == ["transfer"]
    assert actions(world.team) == []


def test_the_offices_assign_button_reads_jiaoban_not_the_enterprise_assignment_word(world, client_for):
    issue = make_issue(world)
    page = client_for(world.coordinator).get(issue.get_absolute_url())
    with translation.override("zh-hans"):
        labels = {a["name"]: str(a["label"]) for a in page.context["actions"]}
    assert labels["assign"] == "交办"


def test_the_reopen_button_of_a_closed_item_reads_as_a_ledger_action(world, client_for):
    issue = make_issue(world, S.CLOSED)
    page = client_for(world.coordinator).get(issue.get_absolute_url())
    with translation.override("zh-hans"):
        labels = {a["name"]: str(a["label"]) for a in page.context["actions"]}
    assert labels["reopen"] == "重新办理"


def test_a_forbidden_action_answers_403_and_changes_nothing(world, client_for):
    issue = make_issue(world, S.RESOLVED)
    url = reverse("visits:issue_close", args=[issue.pk])
    response = client_for(world.officer).post(url, {"version": issue.version})
    assert response.status_code == 403
    issue.refresh_from_db()
    assert issue.status == S.RESOLVED
    assert client_for(world.outsider).post(url, {"version": issue.version}).status_code == 404


def test_an_action_on_a_stale_page_is_refused_with_a_clear_message_and_the_typed_text_kept(world, client_for):
    issue = make_issue(world, S.RESOLVED)
    seen = issue.version
    leader = client_for(world.leader)
    leader.post(reverse("visits:issue_close", args=[issue.pk]), {"version": seen, "note": "核实"})
    office = client_for(world.coordinator)
    response = office.post(reverse("visits:issue_reject", args=[issue.pk]), {"version": seen, "reason": "现场仍有杂物"},
                           follow=True)
    issue.refresh_from_db()
    assert issue.status == S.CLOSED and issue.closed_by == world.leader
    assert any("Someone else changed this ledger item" in str(m) for m in response.context["messages"])
    # The refused form keeps what was typed (for an action still possible; here the page shows the new state).
    response = office.post(reverse("visits:issue_satisfaction", args=[issue.pk]),
                           {"version": seen, "satisfaction": "SATISFIED", "note": "回访：满意"}, follow=True)
    drafts = [a for a in response.context["actions"] if a["open"]]
    assert [a["name"] for a in drafts] == ["satisfaction"]
    assert drafts[0]["form"].initial["note"] == "回访：满意"
    issue.refresh_from_db()
    assert issue.satisfaction == ""


def test_a_refused_resolution_keeps_the_evidence_typed(world, client_for):
    issue = make_issue(world, S.ACCEPTED)
    client = client_for(world.officer)
    response = client.post(reverse("visits:issue_resolve", args=[issue.pk]),
                           {"version": issue.version, "evidence": "已清理", "photos": [upload("x.jpg", b"not an image")]},
                           follow=True)
    assert "x.jpg is not a JPEG or PNG photo." in response.content.decode()
    resolve = next(a for a in response.context["actions"] if a["name"] == "resolve")
    assert resolve["open"] and resolve["form"].initial["evidence"] == "已清理"
    issue.refresh_from_db()
    assert issue.status == S.ACCEPTED


def test_the_officer_accepts_and_resolves_through_the_item_page(world, client_for):
    issue = make_issue(world, S.ASSIGNED)
    client = client_for(world.officer)
    client.post(reverse("visits:issue_accept", args=[issue.pk]), {"version": issue.version, "measures": "清理杂物"})
    issue.refresh_from_db()
    assert issue.status == S.ACCEPTED and issue.measures == "清理杂物"
    client.post(reverse("visits:issue_resolve", args=[issue.pk]),
                {"version": issue.version, "evidence": "通道畅通", "photos": [upload()]})
    issue.refresh_from_db()
    assert issue.status == S.RESOLVED and issue.photos.count() == 1


def test_a_double_submitted_progress_note_is_recorded_once(world, client_for):
    issue = make_issue(world, S.IN_PROGRESS)
    client = client_for(world.officer)
    data = {"version": issue.version, "text": "第二次复查", "_submit_token": "progress-1"}
    client.post(reverse("visits:issue_progress", args=[issue.pk]), data)
    client.post(reverse("visits:issue_progress", args=[issue.pk]), data)
    assert issue.updates.filter(text="第二次复查").count() == 1


def test_registering_an_item_directly(world, client_for):
    client = client_for(world.officer)
    response = client.post(reverse("visits:issue_add"), {
        "enterprise": world.enterprise_a.pk, "category": "DISPUTE", "description": "电话反映：门前停车纠纷",
        "_submit_token": "t-add",
    })
    issue = Issue.objects.get()
    assert response["Location"] == issue.get_absolute_url() and issue.visit is None and issue.status == S.REGISTERED
    assert client.post(reverse("visits:issue_add"), {"enterprise": world.enterprise_b.pk, "category": "DISPUTE",
                                                      "description": "x"}).status_code == 200
    assert Issue.objects.count() == 1


# ---------------------------------------------------------------- query counts do not grow with rows


def queries(client, url):
    client.get(url)  # the first request of a session also writes the session: not part of the page's cost
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def grow_ledger(world, n):
    enterprises = [EnterpriseFactory(station=world.station_a) for _ in range(3)]
    for index in range(n):
        issue = services.issue_register(actor=world.coordinator, enterprise=enterprises[index % 3],
                                        category="HAZARD", description=f"问题{index}")
        if index % 2:
            services.issue_assign(issue=issue, actor=world.coordinator, responsible_unit=world.station_a, owner=world.officer)
        if index % 4 == 1:
            issue = services.issue_accept(issue=issue, actor=world.officer)
        if index % 8 == 1:
            services.issue_supervise(issue=issue, actor=world.leader, level="KEY", instruction="督办")
        make_visit(world, enterprise=enterprises[index % 3], photos=[] if index % 3 else [], officers=[world.team])


@pytest.mark.parametrize("role", ["coordinator", "officer", "team", "leader"])
def test_ledger_and_visit_lists_and_homes_cost_the_same_queries_at_5_and_50_rows(world, client_for, role):
    urls = [reverse("visits:issue_list") + "?per_page=100", reverse("visits:visit_list") + "?per_page=100",
            reverse("visits:issue_list") + "?light=green&status=open&supervision=any", reverse("home")]
    client = client_for(world.user(role))
    grow_ledger(world, 5)
    small = [queries(client, url) for url in urls]
    grow_ledger(world, 45)
    assert Issue.objects.count() == 50
    large = [queries(client, url) for url in urls]
    assert small == large


def test_the_export_costs_the_same_queries_at_5_and_50_rows(world, client_for):
    client = client_for(world.coordinator)
    url = reverse("visits:issue_list") + "?export=xlsx"
    grow_ledger(world, 5)
    b"".join(client.get(url).streaming_content)
    with CaptureQueriesContext(connection) as small:
        b"".join(client.get(url).streaming_content)
    grow_ledger(world, 45)
    with CaptureQueriesContext(connection) as large:
        b"".join(client.get(url).streaming_content)
    assert len(small) == len(large)


def test_the_detail_page_costs_the_same_queries_with_a_long_timeline(world, client_for):
    issue = make_issue(world, S.IN_PROGRESS)
    client = client_for(world.officer)
    url = issue.get_absolute_url()
    short = queries(client, url)
    for n in range(20):
        services.issue_progress(issue=issue, actor=world.officer, text=f"进展{n}")
    assert queries(client, url) == short


def test_the_visits_export_names_the_services_column_services_delivered_not_the_service_industry(world, client_for):
    make_visit(world)
    client = client_for(world.coordinator)
    client.cookies["django_language"] = "zh-hans"
    response = client.get(reverse("visits:visit_list") + "?export=xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    headers = [cell.value for cell in next(workbook.active.iter_rows(max_row=1))]
    assert "服务事项" in headers and "服务业" not in headers
