"""The enterprise table writes its rows directly (for speed); they must say what django-tables2's cells say."""

import datetime as dt
import re

import pytest
from django.test import RequestFactory
from django.utils import timezone
from django_tables2 import RequestConfig

from enterprises.models import Enterprise
from enterprises.tables import EnterpriseTable
from enterprises.views import with_community_officer
from tests.factories import AssignmentFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_written_rows_match_the_columns_rendering(world):
    EnterpriseFactory(name="甲<危险>化工", station=world.station_a, is_key=True, has_explosives=True, has_fuel=True,
                      storage_capacity=5, storage_unit="t", last_visit_at=timezone.now() - dt.timedelta(days=40))
    EnterpriseFactory(name="乙公司 & Co", station=world.station_b)
    AssignmentFactory(enterprise=Enterprise.objects.get(name="乙公司 & Co"), officer=world.outsider)
    table = EnterpriseTable(with_community_officer(Enterprise.objects.all()))
    RequestConfig(RequestFactory().get("/enterprises/"), paginate={"per_page": 25}).configure(table)

    expected = [[str(cell) for _column, cell in row.items()] for row in table.paginated_rows]
    written = [re.findall(r"<td>(.*?)</td>", tr) for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", table.body_rows())]

    assert len(written) == Enterprise.objects.count() >= 4
    assert written == expected
    assert "甲&lt;危险&gt;化工" in table.body_rows()


def test_rows_follow_the_table_columns_when_some_are_excluded(world):
    table = EnterpriseTable(with_community_officer(Enterprise.objects.all()), exclude=("hazards", "status"))
    RequestConfig(RequestFactory().get("/enterprises/"), paginate={"per_page": 25}).configure(table)
    first = re.findall(r"<td>(.*?)</td>", table.body_rows().split("</tr>")[0])
    assert len(first) == len(table.columns) == 8
