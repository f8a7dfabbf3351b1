"""Every list and dashboard costs the same number of queries at 5 rows as at 50."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casework.models import MeasureReview
from tests.casework.factories import (
    ActivityFactory,
    CaseFactory,
    ChannelApprovalFactory,
    GreenChannelFactory,
    MeasureFactory,
    review,
)
from tests.factories import EnterpriseFactory, VisitFactory

pytestmark = pytest.mark.django_db


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def grow(make, n):
    for _ in range(n):
        make()


def check(client, user, url, make, django_assert_max_num_queries):
    client.force_login(user)
    grow(make, 5)
    at_five = queries(client, url)
    grow(make, 45)
    with django_assert_max_num_queries(at_five):
        client.get(url)


def test_case_list(client, world, django_assert_max_num_queries):
    check(
        client, world.leader, reverse("casework:case_list") + "?per_page=50",
        lambda: CaseFactory(enterprise=EnterpriseFactory(station=world.station_a), filed=True),
        django_assert_max_num_queries,
    )


def test_case_list_export(client, world, django_assert_max_num_queries):
    check(
        client, world.coordinator, reverse("casework:case_list") + "?export=xlsx",
        lambda: CaseFactory(enterprise=world.enterprise_a), django_assert_max_num_queries,
    )


def test_measure_list(client, world, django_assert_max_num_queries):
    def make():
        measure = MeasureFactory(case=CaseFactory(enterprise=world.enterprise_a, filed=True))
        review(measure, MeasureReview.Stage.UNIT)

    check(client, world.legal, reverse("casework:measure_list"), make, django_assert_max_num_queries)


def test_channel_list(client, world, django_assert_max_num_queries):
    def make():
        channel = GreenChannelFactory(enterprise=EnterpriseFactory(station=world.station_a, explosives=True))
        ChannelApprovalFactory(channel=channel, date=timezone.localdate() - dt.timedelta(days=2))

    check(client, world.coordinator, reverse("casework:channel_list") + "?per_page=50", make, django_assert_max_num_queries)


def test_activity_list(client, world, django_assert_max_num_queries):
    check(
        client, world.officer, reverse("casework:activity_list") + "?per_page=50",
        lambda: ActivityFactory(units=[world.station_a, world.team_unit], enterprises=[world.enterprise_a]),
        django_assert_max_num_queries,
    )


def test_statistics_page(client, world, django_assert_max_num_queries):
    def make():
        enterprise = EnterpriseFactory(station=world.station_a)
        VisitFactory(enterprise=enterprise, author=world.officer)
        CaseFactory(enterprise=enterprise, solved=True, criminal_detentions=1)
        ActivityFactory(campaign=True, units=[world.station_a], enterprises=[enterprise])

    check(client, world.leader, reverse("casework:statistics"), make, django_assert_max_num_queries)


@pytest.mark.parametrize("show", ["visited", "business", "hazards", "campaigns", "measures"])
def test_statistics_records(client, world, show, django_assert_max_num_queries):
    def make():
        enterprise = EnterpriseFactory(station=world.station_a)
        VisitFactory(enterprise=enterprise, author=world.officer)
        case = CaseFactory(enterprise=enterprise, solved=True, criminal_detentions=1)
        MeasureFactory(case=case, proposed_on=timezone.localdate())
        ActivityFactory(campaign=True, units=[world.station_a], enterprises=[enterprise])

    check(client, world.leader, reverse("casework:statistics") + f"?show={show}", make, django_assert_max_num_queries)


@pytest.mark.parametrize("role", ["leader", "legal", "coordinator", "officer"])
def test_home_panels(client, world, role, django_assert_max_num_queries):
    def make():
        measure = MeasureFactory(case=CaseFactory(enterprise=world.enterprise_a, handling_unit=world.station_a, filed=True))
        review(measure, MeasureReview.Stage.UNIT)
        if role == "leader":
            review(measure, MeasureReview.Stage.LEGAL)
        GreenChannelFactory(enterprise=EnterpriseFactory(station=world.station_a, explosives=True), officer=world.officer)

    check(client, world.user(role), reverse("home"), make, django_assert_max_num_queries)


@pytest.mark.parametrize("tab", ["cases", "green-channel", "activities", "timeline", "profile"])
def test_enterprise_file_tabs(client, world, tab, django_assert_max_num_queries):
    def make():
        case = CaseFactory(enterprise=world.enterprise_a, filed=True)
        MeasureFactory(case=case)
        GreenChannelFactory(enterprise=world.enterprise_a)
        ActivityFactory(enterprises=[world.enterprise_a], units=[world.station_a, world.team_unit])

    url = reverse("enterprises:enterprise_detail", args=[world.enterprise_a.pk]) + f"?tab={tab}"
    check(client, world.officer, url, make, django_assert_max_num_queries)
