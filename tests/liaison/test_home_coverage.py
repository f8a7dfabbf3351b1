"""The office's and leader's home: coverage per station and in total, in a fixed number of queries."""

import datetime as dt

import pytest
from django.utils import timezone

from enterprises.models import Assignment, Enterprise
from tests.factories import AssignmentFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_coverage_counts_assigned_key_hazardous_and_recently_visited(client, world):
    recent = timezone.now() - dt.timedelta(days=3)
    e1 = EnterpriseFactory(station=world.station_a, is_key=True, last_visit_at=recent)
    EnterpriseFactory(station=world.station_a, has_fuel=True)
    e3 = EnterpriseFactory(station=world.station_b, last_visit_at=timezone.now() - dt.timedelta(days=90))
    AssignmentFactory(enterprise=e1, officer=world.officer)
    # An ended assignment does not count; a leader's assignment is not a community officer.
    old = AssignmentFactory(enterprise=e3, officer=world.outsider)
    Assignment.objects.filter(pk=old.pk).update(ended_on=timezone.localdate())
    client.force_login(world.leader)
    response = client.get("/")
    coverage = response.context["coverage"]
    total = 3 + 2  # and the world's two enterprises
    assert coverage["total"] == total
    assigned_before = Assignment.objects.filter(kind="OFFICER", ended_on__isnull=True).values("enterprise").distinct().count()
    assert coverage["assigned"] == assigned_before
    assert coverage["unassigned"] == total - assigned_before
    assert coverage["key"] == 1 + sum(1 for e in (world.enterprise_a, world.enterprise_b) if e.is_key)
    assert coverage["visited_30"] == 1
    assert coverage["hazardous"] >= 1
    by_station = {row["station__name"]: row for row in response.context["by_station"]}
    assert sum(row["total"] for row in by_station.values()) == total
    assert by_station[world.station_a.name]["assigned"] >= 1


def test_leader_home_query_count_does_not_grow_with_enterprises(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.leader)
    counts = []
    for rows in (5, 50):
        while Enterprise.objects.count() < rows:
            AssignmentFactory(enterprise=EnterpriseFactory(station=world.station_a), officer=world.officer)
        client.get("/")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        counts.append(len(queries))
    # The home with every programme panel of a leader: a fixed number of queries, whatever the district's size.
    assert counts[0] == counts[1] <= 30
