"""The file as one Word document: read back with python-docx, every section with the right rows."""

import datetime as dt
import io
import tracemalloc

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from docx import Document

from enterprises import filedoc
from enterprises.models import Assignment
from tests.factories import IssueFactory, VisitFactory
from tests.plans.factories import (
    AttachmentFactory,
    IssuePhotoFactory,
    PlanFactory,
    PlanTaskFactory,
    VisitPhotoFactory,
    jpeg_bytes,
)

pytestmark = pytest.mark.django_db


def file_of(client, enterprise):
    response = client.get(reverse("enterprises:enterprise_file", args=[enterprise.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"].startswith("attachment;")
    return Document(io.BytesIO(b"".join(response.streaming_content)))


def table_after(document, heading_start):
    """The first table that follows the heading starting with `heading_start`."""
    body = document.element.body
    found = False
    tables = {t._tbl: t for t in document.tables}
    for child in body.iterchildren():
        if child.tag.endswith("}p") and "".join(child.itertext()).startswith(heading_start):
            found = True
        elif found and child in tables:
            return tables[child]
    raise AssertionError(f"no table after {heading_start!r}")


def test_the_word_file_has_every_section_with_the_right_rows(world, client_for):
    enterprise = world.enterprise_a
    Assignment.objects.create(enterprise=enterprise, kind=Assignment.Kind.TEAM, team=world.team_unit)
    plan = PlanFactory(enterprise=enterprise, approved=True, approved_by=world.leader, title="甲企业护航计划", measures="上门服务")
    PlanTaskFactory(plan=plan, owner=world.officer, title="任务一", done=True, completion_note="办结了")
    PlanTaskFactory(plan=plan, owner=world.officer, title="任务二")
    PlanTaskFactory(plan=plan, owner=world.officer, title="任务三", overdue=True)
    PlanFactory(enterprise=enterprise, closed=True, title="旧计划")
    visits = [
        VisitFactory(enterprise=enterprise, author=world.officer, visited_at=timezone.now() - dt.timedelta(days=d),
                     observations=f"走访记录{d}", letter_delivered=True)
        for d in (9, 5, 1)
    ]
    visits[0].officers.add(world.officer)
    issues = [IssueFactory(enterprise=enterprise, description=f"问题{i}") for i in range(4)]
    VisitPhotoFactory(visit=visits[0], caption="厂区大门")
    VisitPhotoFactory(visit=visits[1], caption="")
    IssuePhotoFactory(issue=issues[0], caption="整改后")
    AttachmentFactory(enterprise=enterprise, title="承诺书")
    AttachmentFactory(enterprise=enterprise, title="已删除", removed_at=timezone.now(), removed_by=world.coordinator)
    VisitFactory(enterprise=world.enterprise_b, author=world.outsider, observations="别家的走访")

    document = file_of(client_for(world.officer), enterprise)
    text = "\n".join(p.text for p in document.paragraphs)
    # The cover: enterprise, credit code, station, assigned officers.
    cover = document.tables[0]
    cover_text = "\n".join(cell.text for row in cover.rows for cell in row.cells)
    assert enterprise.name in text
    for value in (enterprise.credit_code, world.station_a.name, str(world.officer), world.team_unit.name):
        assert value in cover_text
    # The plan.
    assert "甲企业护航计划" in text and "上门服务" in text
    # The task list: a header and three tasks in date order, the done one with its note.
    tasks = table_after(document, "2.")
    assert len(tasks.rows) == 1 + 3
    assert [row.cells[1].text for row in tasks.rows[1:]] == ["任务三", "任务一", "任务二"]
    assert any(row.cells[6].text == "办结了" for row in tasks.rows[1:])
    # The visit records: three rows, oldest first, none of another enterprise.
    visit_table = table_after(document, "3.")
    assert len(visit_table.rows) == 1 + 3
    assert [row.cells[5].text for row in visit_table.rows[1:]] == ["走访记录9", "走访记录5", "走访记录1"]
    assert "别家的走访" not in "".join(c.text for r in visit_table.rows for c in r.cells)
    # The ledger: four items.
    ledger = table_after(document, "4.")
    assert len(ledger.rows) == 1 + 4
    assert {row.cells[2].text for row in ledger.rows[1:]} == {"问题0", "问题1", "问题2", "问题3"}
    # Documents: the removed one is left out.
    documents = table_after(document, "5.")
    assert [row.cells[0].text for row in documents.rows[1:]] == ["承诺书"]
    # Photos with captions.
    assert len(document.inline_shapes) == 3
    assert "厂区大门" in text and "整改后" in text
    assert any(p.style.name == "Caption" and p.text.endswith("整改后") for p in document.paragraphs)


def test_an_empty_file_still_has_every_section(world, client_for):
    document = file_of(client_for(world.officer), world.enterprise_a)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading 1")]
    assert [h[:2] for h in headings] == ["1.", "2.", "3.", "4.", "5.", "6."]
    assert len(document.inline_shapes) == 0


def test_another_stations_officer_gets_no_file(world, client_for):
    url = reverse("enterprises:enterprise_file", args=[world.enterprise_a.pk])
    assert client_for(world.outsider).get(url).status_code == 404


def test_a_file_with_many_photos_never_holds_them_all_in_memory(world):
    """Each photo is ~300 kB; building a file of 40 must peak far below the 12 MB they weigh together."""
    import os

    visit = VisitFactory(enterprise=world.enterprise_a, author=world.officer)
    photo = jpeg_bytes(1, 1)
    # JPEGs with large application segments after their JFIF header: the size of real photos, each different.
    assert photo[2:4] == b"\xff\xe0"
    header = 4 + int.from_bytes(photo[4:6], "big")

    def big_photo():
        noise = os.urandom(300_000)
        segments = b"".join(
            b"\xff\xe2" + (len(noise[i:i + 65000]) + 2).to_bytes(2, "big") + noise[i:i + 65000]
            for i in range(0, len(noise), 65000)
        )
        return photo[:header] + segments + photo[header:]

    for _ in range(40):
        VisitPhotoFactory(visit=visit, image=ContentFile(big_photo(), name="photo.jpg"))
    tracemalloc.start()
    try:
        handle = filedoc.build(world.enterprise_a, world.officer)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    document = Document(handle)
    assert len(document.inline_shapes) == 40
    assert peak < 6 * 1024 * 1024, f"peak {peak / 1024 / 1024:.1f} MB"


def test_the_downloaded_file_is_named_after_the_enterprise_and_its_file_in_chinese(world, client_for):
    from urllib.parse import unquote

    client = client_for(world.coordinator)
    client.cookies["django_language"] = "zh-hans"
    response = client.get(reverse("enterprises:enterprise_file", args=[world.enterprise_a.pk]))
    assert f"{world.enterprise_a.name}-一企一档-" in unquote(response["Content-Disposition"])
