"""The enterprise table writes its rows directly (for speed); they must say what django-tables2's cells say."""

import datetime as dt
import re

import pytest
from django.test import RequestFactory
from django.utils import timezone
from django.utils.translation import gettext
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


def test_export_values_match_django_tables2_and_stream_every_row(world):
    EnterpriseFactory(name="丙化工", station=world.station_a, is_key=True, has_hazardous_chemicals=True,
                      storage_capacity=3, storage_unit="t", last_visit_at=timezone.now() - dt.timedelta(days=3))
    EnterpriseFactory(name="丁商贸", station=world.station_b)
    table = EnterpriseTable(with_community_officer(Enterprise.objects.all()))
    fast = list(table.as_values())
    reference = list(tables_as_values(table))
    assert fast == reference
    assert len(fast) == Enterprise.objects.count() + 1
    row = next(r for r in fast if r[0] == "丙化工")
    assert row[fast[0].index(str(EnterpriseTable.base_columns["is_key"].verbose_name))] == gettext("Yes")
    # The last visit is in local (Asia/Shanghai) time, not UTC.
    local = timezone.localtime(Enterprise.objects.get(name="丙化工").last_visit_at).strftime("%Y-%m-%d %H:%M")
    assert local in row


def tables_as_values(table):
    from django_tables2 import Table

    return Table.as_values(table)


def test_export_download_lists_every_enterprise_in_scope(client, world):
    from io import BytesIO

    from openpyxl import load_workbook

    for i in range(30):
        EnterpriseFactory(name=f"导出企业{i:02d}", station=world.station_a)
    client.force_login(world.coordinator)
    response = client.get("/enterprises/", {"export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == set(Enterprise.objects.values_list("name", flat=True))


def test_a_column_without_a_writer_falls_back_to_django_tables2_and_is_escaped(world):
    import django_tables2 as tables

    class WithNotes(EnterpriseTable):
        notes = tables.Column()

    EnterpriseFactory(name="戊", station=world.station_a, notes="<script>x</script>")
    table = WithNotes(with_community_officer(Enterprise.objects.all()))
    RequestConfig(RequestFactory().get("/enterprises/"), paginate={"per_page": 25}).configure(table)
    rows = table.body_rows()
    assert "&lt;script&gt;x&lt;/script&gt;" in rows
    assert "<script>" not in rows
