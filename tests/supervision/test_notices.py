import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from supervision.models import Notice
from tests.factories import IssueFactory
from tests.supervision.factories import MeetingFactory, NoticeFactory

pytestmark = pytest.mark.django_db


def form(world, **overrides):
    data = {
        "kind": Notice.Kind.CRITICISM, "title": "关于甲派出所台账逾期的通报", "unit": world.station_a.pk,
        "issued_on": timezone.localdate().isoformat(), "reason": "两项台账逾期未整改。",
    }
    data.update(overrides)
    return data


def test_a_leader_issues_a_notice_with_the_records_behind_it(world, client):
    first, second = IssueFactory(enterprise=world.enterprise_a), IssueFactory(enterprise=world.enterprise_a)
    meeting = MeetingFactory(chair=world.leader)
    client.force_login(world.leader)
    response = client.post(reverse("supervision:notice_add"), form(
        world, officer=world.officer.pk, issues=f"{first.number}，{second.number}", meetings=[meeting.pk],
    ))
    notice = Notice.objects.get()
    assert response.status_code == 302 and response["Location"] == notice.get_absolute_url()
    assert (notice.issuer, notice.unit, notice.officer) == (world.leader, world.station_a, world.officer)
    assert set(notice.issues.all()) == {first, second} and list(notice.meetings.all()) == [meeting]
    page = client.get(notice.get_absolute_url()).content.decode()
    assert first.number in page and meeting.display_title in page


def test_the_notice_form_is_dated_today(world, client):
    client.force_login(world.leader)
    page = client.get(reverse("supervision:notice_add") + f"?unit={world.station_a.pk}&kind=COMMENDATION").content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in page
    assert f'<option value="{world.station_a.pk}" selected>' in page


@pytest.mark.parametrize("role", ["coordinator", "team", "officer"])
def test_only_leaders_issue_notices(role, world, client):
    client.force_login(getattr(world, role))
    assert client.post(reverse("supervision:notice_add"), form(world)).status_code == 403
    assert not Notice.objects.exists()


def test_naming_the_officer_alone_takes_their_unit(world, client):
    client.force_login(world.leader)
    client.post(reverse("supervision:notice_add"), form(world, unit="", officer=world.outsider.pk, kind=Notice.Kind.COMMENDATION))
    assert Notice.objects.get().unit == world.station_b


def test_a_notice_refuses_a_future_date_an_officer_of_another_unit_and_an_unknown_item(world, client):
    client.force_login(world.leader)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    for bad in ({"issued_on": tomorrow}, {"officer": world.outsider.pk}, {"issues": "2026-9999"}):
        response = client.post(reverse("supervision:notice_add"), form(world, **bad))
        assert response.status_code == 200
        assert "两项台账逾期未整改。" in response.content.decode()  # what was typed is kept
    assert not Notice.objects.exists()


def test_notices_are_listed_and_counted_on_the_scoreboard(world, client):
    NoticeFactory(unit=world.station_a, issuer=world.leader, kind=Notice.Kind.COMMENDATION)
    NoticeFactory(unit=world.station_a, issuer=world.leader, kind=Notice.Kind.CRITICISM)
    client.force_login(world.coordinator)
    page = client.get(reverse("supervision:scoreboard")).content.decode()
    records = reverse("supervision:scoreboard_records", args=[world.station_a.pk, "notices"])
    assert f'href="{records}?' in page
    assert client.get(reverse("supervision:notice_list") + f"?unit={world.station_a.pk}").context["table"].paginator.count == 2


@pytest.mark.parametrize("rows", [5, 50])
def test_the_notice_list_query_count_does_not_grow(rows, world, client, django_assert_max_num_queries):
    for n in range(rows):
        NoticeFactory(unit=world.station_a if n % 2 else world.station_b, officer=world.officer if n % 2 else None, issuer=world.leader)
    client.force_login(world.officer)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("supervision:notice_list")).status_code == 200
