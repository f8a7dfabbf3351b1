"""City-wide figures kept until the records change (liaison.citywide), with the cache shared by the workers on."""

import datetime as dt

import pytest
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import AuthEvent
from enterprises.models import Enterprise
from liaison import citywide
from tests.factories import EnterpriseFactory, IssueFactory, VisitFactory
from visits.models import Issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept(settings):
    settings.FIGURES_CACHE = True
    settings.FIGURES_STALE_SECONDS = 0  # figures of an earlier state of the records: tested on their own below
    cache.clear()
    yield
    cache.clear()


def scoreboard_rows(client):
    response = client.get(reverse("supervision:scoreboard"))
    assert response.status_code == 200
    return {r.record["row"].unit.pk: r.record["row"] for r in response.context["table"].rows}


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


def test_the_scoreboard_is_computed_once_until_a_visit_is_logged(kept, world, client):
    client.force_login(world.leader)
    url = reverse("supervision:scoreboard")
    first, computed = get(client, url)
    again, served = get(client, url)
    assert served < computed  # the figures came from the cache
    before = {r.record["row"].unit.pk: r.record["row"].visits for r in again.context["table"].rows}

    VisitFactory(enterprise=world.enterprise_a, author=world.officer, visited_at=timezone.now() - dt.timedelta(hours=1))
    after, recomputed = get(client, url)
    assert recomputed == computed
    rows = {r.record["row"].unit.pk: r.record["row"].visits for r in after.context["table"].rows}
    assert rows[world.station_a.pk] == before[world.station_a.pk] + 1


def test_an_officer_added_to_a_visit_changes_the_figures_at_once(kept, world, client):
    client.force_login(world.leader)
    visit = VisitFactory(enterprise=world.enterprise_a, author=world.officer, visited_at=timezone.now() - dt.timedelta(hours=1))
    assert scoreboard_rows(client)[world.team_unit.pk].visits == 0
    visit.officers.add(world.team)  # a many-to-many change, not a save of the visit
    assert scoreboard_rows(client)[world.team_unit.pk].visits == 1


def test_the_leaders_home_is_kept_and_follows_the_ledger(kept, world, client):
    client.force_login(world.leader)
    _first, computed = get(client, "/")
    _again, served = get(client, "/")
    assert served < computed
    item = IssueFactory(enterprise=world.enterprise_a, responsible_unit=world.station_a, status=Issue.Status.ACCEPTED,
                        description="逾期未整改的隐患", deadline=timezone.localdate() - dt.timedelta(days=3))
    response, _n = get(client, "/")
    assert "逾期未整改的隐患" in response.content.decode()
    item.delete()
    response, _n = get(client, "/")
    assert "逾期未整改的隐患" not in response.content.decode()


def test_the_office_home_computed_or_kept_stays_within_15_queries(kept, world, client):
    client.force_login(world.coordinator)
    _response, computed = get(client, "/")
    _response, served = get(client, "/")
    assert served < computed <= 15


def test_a_sign_in_is_not_a_change_of_the_records(kept, world, rf):
    number = citywide.version()
    request = rf.get("/")
    user_logged_in.send(sender=type(world.leader), request=request, user=world.leader)  # updates last_login
    AuthEvent.objects.create(kind=AuthEvent.Kind.LOGIN, username="leader")
    assert citywide.version() == number
    EnterpriseFactory(station=world.station_a)
    assert citywide.version() > number


def test_a_change_raises_the_version_again_once_committed(kept, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        number = citywide.version()
        EnterpriseFactory(station=world.station_a)
        raised = citywide.version()
    assert raised > number
    for callback in callbacks:
        callback()
    # A figure computed between the change and its commit is stored under a version no request reads again.
    assert citywide.version() > raised


def test_figures_are_kept_per_viewer_day_and_language(kept, world):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    with translation.override("zh-hans"):
        assert citywide.kept("test", (1, "2026-11-28"), compute) == 1
        assert citywide.kept("test", (1, "2026-11-28"), compute) == 1
        assert citywide.kept("test", (2, "2026-11-28"), compute) == 2
        assert citywide.kept("test", (1, "2026-11-29"), compute) == 3
    with translation.override("en"):
        assert citywide.kept("test", (1, "2026-11-28"), compute) == 4


def test_without_a_shared_cache_every_request_computes(settings, world):
    settings.FIGURES_CACHE = False
    calls = []
    for _ in range(2):
        citywide.kept("test", (1,), lambda: calls.append(1))
    assert len(calls) == 2


def test_a_lost_counter_starts_a_new_series(kept, world):
    number = citywide.version()
    cache.delete(citywide.VERSION_KEY)
    EnterpriseFactory(station=world.station_a)  # incr on a missing key
    assert citywide.version() != number


def test_when_the_cache_is_down_figures_are_computed_and_records_still_saved(kept, world, monkeypatch, client):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    for method in ("get", "set", "add", "incr"):
        monkeypatch.setattr(cache, method, down)
    EnterpriseFactory(station=world.station_a)  # the save goes through
    client.force_login(world.leader)
    assert client.get(reverse("supervision:scoreboard")).status_code == 200
    assert citywide.kept("test", (1,), lambda: "computed") == "computed"


@pytest.fixture
def refreshes(kept, settings, monkeypatch):
    """Stale figures allowed for a minute; the background recomputations queued here, run when the test says."""
    settings.FIGURES_STALE_SECONDS = 60
    queued = []
    monkeypatch.setattr(citywide, "start_refresh", queued.append)
    return queued


def visits_of_station_a(client, world):
    response = client.get(reverse("supervision:scoreboard"))
    assert response.status_code == 200
    rows = {r.record["row"].unit.pk: r.record["row"] for r in response.context["table"].rows}
    return rows[world.station_a.pk].visits, response.content.decode()


def test_right_after_a_change_the_last_figures_show_with_their_time_while_one_worker_recomputes(
    refreshes, world, client
):
    client.force_login(world.leader)
    before, page = visits_of_station_a(client, world)
    assert 'id="figures-as-of"' not in page and refreshes == []

    VisitFactory(enterprise=world.enterprise_a, author=world.officer, visited_at=timezone.now() - dt.timedelta(hours=1))
    shown, page = visits_of_station_a(client, world)
    assert shown == before and 'id="figures-as-of"' in page
    assert len(refreshes) == 1
    again, page = visits_of_station_a(client, world)
    assert again == before and len(refreshes) == 1  # one recomputation at a time

    refreshes.pop()()
    after, page = visits_of_station_a(client, world)
    assert after == before + 1 and 'id="figures-as-of"' not in page


def test_figures_older_than_the_limit_are_never_shown(refreshes, world, client):
    import time_machine

    client.force_login(world.leader)
    before, _page = visits_of_station_a(client, world)
    VisitFactory(enterprise=world.enterprise_a, author=world.officer, visited_at=timezone.now() - dt.timedelta(hours=1))
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61)):
        after, page = visits_of_station_a(client, world)
    assert after == before + 1 and 'id="figures-as-of"' not in page and refreshes == []


def test_the_note_says_when_the_figures_shown_were_computed(refreshes, world, client):
    client.force_login(world.leader)
    client.get(reverse("supervision:scoreboard"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    computed = timezone.localtime()
    VisitFactory(enterprise=world.enterprise_a, author=world.officer, visited_at=timezone.now() - dt.timedelta(hours=1))
    response = client.get(reverse("supervision:scoreboard"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    as_of = response.context["figures_as_of"]
    assert abs((as_of - computed).total_seconds()) < 5
    assert f"{as_of:%H:%M:%S}" in response.content.decode() and "统计数据" in response.content.decode()


def test_a_failed_recomputation_frees_the_next_request_to_try(refreshes, world, caplog):
    def broken():
        raise RuntimeError("database gone")

    cache.add("liaison:figures-refresh:x", 1)
    citywide._refresher(broken, "k", "latest", "liaison:figures-refresh:x")()
    assert cache.get("liaison:figures-refresh:x") is None
    assert "could not be recomputed" in caplog.text


def test_the_recomputation_runs_in_a_thread_of_its_own():
    import threading

    ran = threading.Event()
    names = []

    def refresh():
        names.append(threading.current_thread().name)
        ran.set()

    citywide.start_refresh(refresh)
    assert ran.wait(5) and names == ["figures-refresh"]


def list_count(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.context["table"].paginator.count


def test_a_lists_count_is_kept_exact_for_its_filters_and_viewer(refreshes, world, client):
    url = reverse("enterprises:enterprise_list")
    client.force_login(world.coordinator)
    everything = list_count(client, url)
    with CaptureQueriesContext(connection) as first:
        assert list_count(client, url) == everything
    in_b = list_count(client, url, station=world.station_b.pk)
    assert in_b == world.station_b.enterprises.count() < everything  # a filter is a count of its own

    client.force_login(world.officer)
    assert list_count(client, url) != everything  # so is another viewer's scope

    client.force_login(world.coordinator)
    EnterpriseFactory(station=world.station_b)
    # Never a count of an earlier state of the records, even where figures may be (refreshes allowed here).
    assert list_count(client, url) == everything + 1
    assert list_count(client, url, station=world.station_b.pk) == in_b + 1
    assert refreshes == []
    with CaptureQueriesContext(connection) as kept_count:
        list_count(client, url)
    counted = [q["sql"] for q in kept_count.captured_queries if "COUNT(" in q["sql"] and "enterprises_enterprise" in q["sql"]]
    assert len(kept_count) == len(first) and counted == []


def coverage_page(client, page=1):
    response = client.get(reverse("reports:coverage"), {"per_page": 2, "page": page})
    assert response.status_code == 200
    return [(row.record.name, row.record.period_visits) for row in response.context["table"].paginated_rows]


def test_a_lists_pages_are_kept_in_their_order_and_follow_every_change(kept, settings, world, client):
    for name in ("丙厂", "丁厂", "戊厂"):
        EnterpriseFactory(name=name, station=world.station_a)
    VisitFactory(enterprise=world.enterprise_a, author=world.officer)
    client.force_login(world.coordinator)

    def pages():
        return [coverage_page(client, page) for page in (1, 2, 3)]

    settings.FIGURES_CACHE = False
    computed = pages()
    settings.FIGURES_CACHE = True
    assert pages() == computed
    assert computed[-1][-1] == (world.enterprise_a.name, 1)  # the fewest visits first
    with CaptureQueriesContext(connection) as again:
        assert pages() == computed
    # Which rows make each page was kept: no query sorts by the visits any more; the rows are read by key.
    ordering = [q["sql"] for q in again.captured_queries if "visits_visit" in q["sql"] and "ORDER BY" in q["sql"]]
    assert ordering == []

    first = computed[0][0][0]
    VisitFactory(enterprise=Enterprise.objects.get(name=first), author=world.officer)
    VisitFactory(enterprise=Enterprise.objects.get(name=first), author=world.officer)
    kept_after = pages()
    settings.FIGURES_CACHE = False
    assert kept_after == pages()  # never the order of an earlier state of the records
    assert kept_after[-1][-1] == (first, 2)
