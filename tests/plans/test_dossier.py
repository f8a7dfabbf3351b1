"""The enterprise file (一企一档): its tabs, their query counts, the timeline and the registry for other apps."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enterprises import services
from enterprises.models import Plan
from liaison.dossier import Tab, TimelineEntry
from tests.factories import IssueFactory, UserFactory, VisitFactory
from tests.plans.factories import (
    AttachmentFactory,
    IssuePhotoFactory,
    IssueUpdateFactory,
    PlanFactory,
    PlanTaskFactory,
    VisitPhotoFactory,
)

pytestmark = pytest.mark.django_db
TABS = ["profile", "plan", "visits", "ledger", "images", "documents", "timeline"]


def fill(world, n):
    """n visits (two officers, a photo each), n ledger items (an update and a photo each), n documents, n tasks."""
    enterprise = world.enterprise_a
    colleague = UserFactory(unit=world.station_a)
    start = timezone.now() - dt.timedelta(days=n + 1)
    for i in range(n):
        visit = VisitFactory(enterprise=enterprise, author=world.officer, visited_at=start + dt.timedelta(days=i))
        visit.officers.add(world.officer, colleague)
        VisitPhotoFactory(visit=visit)
        issue = IssueFactory(enterprise=enterprise, visit=visit, owner=world.officer, responsible_unit=world.station_a)
        IssueUpdateFactory(issue=issue, actor=world.officer)
        IssuePhotoFactory(issue=issue)
        AttachmentFactory(enterprise=enterprise, created_by=world.officer)
    old = Plan.objects.filter(enterprise=enterprise, status=Plan.Status.CLOSED).first() or PlanFactory(
        enterprise=enterprise, closed=True
    )
    plan = Plan.objects.filter(enterprise=enterprise, status=Plan.Status.APPROVED).first() or PlanFactory(
        enterprise=enterprise, approved=True, approved_by=world.leader
    )
    plan.responsible_officers.add(world.officer, colleague)
    for i in range(n):
        PlanTaskFactory(plan=plan if i % 2 else old, owner=world.officer if i % 3 else colleague, done=bool(i % 4 == 0))
    # Audited edits of the enterprise itself.
    for i in range(min(n, 10)):
        enterprise.contact_name = f"联系人{i}"
        services.enterprise_save(enterprise=enterprise, actor=world.coordinator)


def queries_for(client, url):
    client.get(url)  # the session's first-request writes are not the page's
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("tab", TABS)
def test_a_tabs_query_count_does_not_grow_with_the_file(world, client_for, tab):
    client = client_for(world.officer)
    url = reverse("enterprises:enterprise_detail", args=[world.enterprise_a.pk]) + f"?tab={tab}"
    fill(world, 5)
    few = queries_for(client, url)
    fill(world, 45)
    many = queries_for(client, url)
    assert many <= few, f"{tab}: {few} queries with 5 rows, {many} with 50"
    assert many <= 30


def test_the_print_view_query_count_does_not_grow(world, client_for):
    client = client_for(world.officer)
    url = reverse("enterprises:enterprise_print", args=[world.enterprise_a.pk])
    fill(world, 5)
    few = queries_for(client, url)
    fill(world, 45)
    assert queries_for(client, url) <= few


def test_every_tab_shows_its_rows(world, client_for):
    fill(world, 3)
    client = client_for(world.officer)
    url = reverse("enterprises:enterprise_detail", args=[world.enterprise_a.pk])
    pages = {tab: client.get(url, {"tab": tab}).content.decode() for tab in TABS}
    assert world.enterprise_a.credit_code in pages["profile"] and 'id="assignments"' in pages["profile"]
    assert 'id="current-plan"' in pages["plan"] and 'id="closed-plans"' in pages["plan"]
    assert pages["visits"].count("<tr>") == 1 + 3
    assert pages["ledger"].count("<tr>") == 1 + 3
    assert pages["images"].count("<figure") == 6
    assert pages["documents"].count(reverse("enterprises:attachment_download", args=[1])[:-2]) >= 3
    for tab in TABS:
        assert f'id="tab-{tab}"' in pages["profile"]


def test_the_image_tab_pages_through_hundreds_of_photos(world, client_for):
    visit = VisitFactory(enterprise=world.enterprise_a, author=world.officer)
    for _ in range(30):
        VisitPhotoFactory(visit=visit)
    client = client_for(world.officer)
    url = reverse("enterprises:enterprise_detail", args=[world.enterprise_a.pk])
    first = client.get(url, {"tab": "images"})
    second = client.get(url, {"tab": "images", "page": 2})
    assert first.context["photos_page"].paginator.count == 30
    assert len(first.context["photos_page"].object_list) == 24 and len(second.context["photos_page"].object_list) == 6


def test_a_photo_is_served_to_those_who_see_the_enterprise_only(world, client_for):
    photo = VisitPhotoFactory(visit=VisitFactory(enterprise=world.enterprise_a, author=world.officer))
    url = reverse("enterprises:dossier_photo", args=["visit", photo.pk])
    response = client_for(world.officer).get(url, {"size": "thumb"})
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client_for(world.outsider).get(url).status_code == 404
    assert client_for(world.officer).get(reverse("enterprises:dossier_photo", args=["other", photo.pk])).status_code == 404


def timeline_of(client, enterprise, **params):
    response = client.get(reverse("enterprises:enterprise_detail", args=[enterprise.pk]), {"tab": "timeline", **params})
    return response.context["timeline"], response.context["timeline_next"]


def test_the_timeline_holds_every_kind_in_date_order_and_filters(world, client_for):
    enterprise = world.enterprise_a
    visit = VisitFactory(enterprise=enterprise, author=world.officer, visited_at=timezone.now() - dt.timedelta(days=3))
    issue = IssueFactory(enterprise=enterprise, visit=visit)
    IssueUpdateFactory(issue=issue, actor=world.officer, text="登记")
    plan = services.plan_save(plan=PlanFactory.build(enterprise=enterprise), actor=world.officer)
    task = PlanTaskFactory(plan=plan, owner=world.officer, created_by=world.officer)
    services.plan_approve(plan=plan, actor=world.leader)
    services.task_complete(task=task, actor=world.officer, note="办结")
    AttachmentFactory(enterprise=enterprise, created_by=world.officer, title="承诺书扫描件")
    enterprise.contact_phone = "13900000000"
    services.enterprise_save(enterprise=enterprise, actor=world.coordinator)

    client = client_for(world.officer)
    entries, more = timeline_of(client, enterprise)
    assert more == ""
    kinds = {e.kind for e in entries}
    assert kinds == {"visit", "ledger", "plan", "task", "attachment", "edit"}
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
    titles = " ".join(e.title for e in entries)
    assert "承诺书扫描件" in titles and task.title in titles and plan.title in titles
    edits = [e for e in entries if e.kind == "edit"]
    assert any("13900000000" in e.text for e in edits)
    # A plan's approval and a task's completion show once, as such, not again as edits.
    assert not any("status" in e.text.lower() or "done" in e.text.lower() for e in edits)
    only_plans, _ = timeline_of(client, enterprise, kind="plan")
    assert {e.kind for e in only_plans} == {"plan"} and len(only_plans) == 2


def test_the_timeline_pages_back_in_time_without_losing_or_repeating(world, client_for):
    base = timezone.now() - dt.timedelta(days=200)
    for i in range(120):
        VisitFactory(enterprise=world.enterprise_a, author=world.officer, visited_at=base + dt.timedelta(hours=i))
    client = client_for(world.officer)
    seen, before, pages = [], None, 0
    while True:
        entries, before = timeline_of(client, world.enterprise_a, kind="visit", **({"before": before} if before else {}))
        seen.extend(e.key for e in entries)
        pages += 1
        if not before:
            break
    assert pages == 3
    assert len(seen) == len(set(seen)) == 120


def test_other_apps_add_tabs_and_timeline_entries(world, client_for, monkeypatch, settings, tmp_path):
    import casework.panels

    folder = tmp_path / "templates" / "enterprises" / "dossier"
    folder.mkdir(parents=True)
    (folder / "test_tab.html").write_text("<p>{{ case_count }} cases here for {{ enterprise.name }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path / "templates"]}]

    def dossier_tabs(request, enterprise):
        return [Tab("cases", "Cases and activities", "enterprises/dossier/test_tab.html",
                    context=lambda: {"case_count": 7}, count=7)]

    def dossier_timeline(request, enterprise):
        yield TimelineEntry(at=timezone.now() - dt.timedelta(days=1), kind="case", kind_label="Case",
                            title="案件受理", key="case:1")

    monkeypatch.setattr(casework.panels, "dossier_tabs", dossier_tabs, raising=False)
    monkeypatch.setattr(casework.panels, "dossier_timeline", dossier_timeline, raising=False)
    client = client_for(world.officer)
    url = reverse("enterprises:enterprise_detail", args=[world.enterprise_a.pk])
    page = client.get(url).content.decode()
    assert page.index('id="tab-timeline"') < page.index('id="tab-cases"')
    opened = client.get(url, {"tab": "cases"})
    assert "7 cases here" in opened.content.decode()
    entries, _ = timeline_of(client, world.enterprise_a)
    assert [e.title for e in entries if e.kind == "case"] == ["案件受理"]
    response = client.get(url, {"tab": "timeline", "kind": "case"})
    assert ("case", "Case") in response.context["timeline_kinds"]
    assert [e.kind for e in response.context["timeline"]] == ["case"]


def test_an_unknown_tab_opens_the_profile(world, client_for):
    response = client_for(world.officer).get(reverse("enterprises:enterprise_detail", args=[world.enterprise_a.pk]), {"tab": "x"})
    assert response.context["active_tab"].key == "profile"


def test_the_print_view_has_every_section(world, client_for):
    fill(world, 2)
    page = client_for(world.officer).get(reverse("enterprises:enterprise_print", args=[world.enterprise_a.pk])).content.decode()
    assert world.enterprise_a.credit_code in page and world.station_a.name in page
    assert page.count("print-section") >= 6
    assert 'id="print-visits"' in page and 'id="print-ledger"' in page
    assert "css/print.css" in page and "<script>" not in page
    assert Plan.objects.get(status="APPROVED").title in page


def test_records_of_one_moment_stay_on_one_page_even_beyond_the_page_size(world, client_for):
    moment = timezone.now() - dt.timedelta(days=2)
    for _ in range(60):
        VisitFactory(enterprise=world.enterprise_a, author=world.officer, visited_at=moment)
    older = VisitFactory(enterprise=world.enterprise_a, author=world.officer, visited_at=moment - dt.timedelta(hours=1))
    client = client_for(world.officer)
    first, before = timeline_of(client, world.enterprise_a, kind="visit")
    assert len(first) == 60 and {e.at for e in first} == {moment}
    second, more = timeline_of(client, world.enterprise_a, kind="visit", before=before)
    assert [e.key for e in second] == [f"visit:{older.pk}"] and more == ""


def test_edits_name_the_people_units_and_records_they_point_to(world, client_for):
    from enterprises.models import Assignment

    enterprise = world.enterprise_a
    services.assignment_assign(enterprise=enterprise, kind=Assignment.Kind.TEAM, team=world.team_unit, actor=world.coordinator)
    enterprise.station = world.station_b
    services.enterprise_save(enterprise=enterprise, actor=world.coordinator)
    plan = services.plan_save(plan=PlanFactory.build(enterprise=enterprise), actor=world.officer)
    task = PlanTaskFactory(plan=plan, owner=world.officer, created_by=world.officer)
    task.owner = UserFactory(name="", username="no_name_yet")
    services.task_save(task=task, actor=world.officer)
    entries, _more = timeline_of(client_for(world.leader), enterprise, kind="edit")
    text = " | ".join(e.text for e in entries)
    assert f"{world.station_a.name} → {world.station_b.name}" in text
    assert any(world.team_unit.name in e.title for e in entries)  # an assignment made: its record named
    assert f"{world.officer} → no_name_yet" in text
