"""The written report to the city bureau and the meeting minutes, read back with python-docx."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import docx
import pytest
import time_machine
from django.urls import reverse
from docx.oxml.ns import qn

from supervision import services
from supervision.models import MeetingAction
from tests.factories import IssueFactory
from tests.supervision.factories import MeetingFactory, referral_at

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def read(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"].startswith("attachment")
    return docx.Document(io.BytesIO(b"".join(response.streaming_content)))


def texts(document):
    return [p.text for p in document.paragraphs]


def test_the_report_to_the_city_bureau_reads_back_in_the_official_layout(world, client):
    issue = IssueFactory(enterprise=world.enterprise_a)
    referral = referral_at("SUBMITTED", world=world, issue=issue)
    sent = dt.datetime(2026, 6, 8, 16, 30, tzinfo=SHANGHAI)
    referral.submitted_at = sent - dt.timedelta(hours=3)
    referral.save()
    services.referral_report(
        referral=referral, actor=world.coordinator, addressee="市公安局护航经济发展专班办公室",
        body="中原路派出所在走访中了解到，企业炸药库容量不足。\n建议开辟绿色通道。", sent_at=sent, cc="分局党委各成员", signer="周振华",
    )
    client.force_login(world.leader)
    document = read(client.get(reverse("supervision:referral_document", args=[referral.pk])))
    lines = texts(document)
    organ = f"{world.bureau.name}{world.office.name}"
    assert lines[0] == organ  # the masthead
    masthead_run = document.paragraphs[0].runs[0]
    assert str(masthead_run.font.color.rgb) == "FF0000"
    assert f"{referral.number}\t签发人：周振华" in lines
    assert "关于协调解决炸药库存放能力不足问题的报告" in lines
    assert "市公安局护航经济发展专班办公室：" in lines
    body_start = lines.index("市公安局护航经济发展专班办公室：") + 1
    assert lines[body_start:body_start + 3] == ["中原路派出所在走访中了解到，企业炸药库容量不足。", "建议开辟绿色通道。", "特此报告。"]
    assert lines.count(organ) == 2 and "2026年6月8日" in lines  # signature and date
    assert f"（联系人：{world.coordinator.name}，联系电话：{world.coordinator.phone}）" in lines
    assert "抄送：分局党委各成员。" in lines
    assert f"{organ}\t2026年6月8日印发" in lines
    # A4 with the standard margins; body in 仿宋 三号.
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.top_margin.cm, 1) == 3.7
    body = document.paragraphs[body_start]
    assert body.runs[0].font.size.pt == 16
    assert body.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    # A red separator under the document number.
    assert any(p._p.pPr is not None and p._p.pPr.find(qn("w:pBdr")) is not None for p in document.paragraphs)


def test_there_is_no_report_document_before_the_report_is_sent(world, client):
    referral = referral_at("SUBMITTED", world=world)
    client.force_login(world.coordinator)
    assert client.get(reverse("supervision:referral_document", args=[referral.pk])).status_code == 404


def test_the_minutes_read_back_with_carried_over_and_new_decisions(world, client):
    first = MeetingFactory(chair=world.leader, held_at=dt.datetime(2026, 5, 20, 15, tzinfo=SHANGHAI))
    done = MeetingAction.objects.create(meeting=first, position=1, text="开辟绿色通道", owner_unit=world.team_unit, deadline=dt.date(2026, 5, 25))
    with time_machine.travel(dt.datetime(2026, 6, 1, 17, tzinfo=SHANGHAI), tick=False):
        services.meetingaction_done(action=done, actor=world.team, result="已开辟")
    open_action = MeetingAction.objects.create(meeting=first, position=2, text="全覆盖走访未走访企业", owner_unit=world.station_b,
                                               owner=world.outsider, deadline=dt.date(2026, 6, 10))
    held = dt.datetime(2026, 6, 20, 15, 0, tzinfo=SHANGHAI)
    second = services.meeting_save(
        meeting=MeetingFactory.build(chair=world.leader, held_at=held, place="分局三楼会议室", other_attendees="市局联络员",
                                     evaluation="长风派出所覆盖率高。", discussion="会商炸药库扩建。"),
        actor=world.coordinator, attendees=[world.officer, world.team],
    )
    services.meetingaction_save(
        action=MeetingAction(meeting=second, text="做好居住证送证上门", owner_unit=world.station_a, owner=world.officer,
                             deadline=dt.date(2026, 6, 30), issue=IssueFactory(enterprise=world.enterprise_a)),
        actor=world.coordinator,
    )
    client.force_login(world.officer)
    lines = texts(read(client.get(reverse("supervision:meeting_minutes", args=[second.pk]))))
    assert lines[0:2] == ["护航经济发展专项行动", "推进会议纪要"]
    assert f"{second.display_title}纪要" in lines
    intro = next(line for line in lines if line.startswith("2026年6月20日15时"))
    assert world.leader.name in intro and "分局三楼会议室" in intro and world.officer.name in intro and "市局联络员列席会议" in intro
    section_one = lines.index("一、上次会议议定事项落实情况")
    carried = lines[section_one + 1:lines.index("二、工作讲评")]
    assert carried[0].startswith("（一）全覆盖走访未走访企业。") and world.outsider.name in carried[0]
    # Its deadline had passed when the meeting was held.
    assert carried[1] == "落实情况：未完成，已超过时限，继续督办。"
    assert not any("开辟绿色通道" in line for line in carried)  # settled before the meeting: not carried over
    assert "长风派出所覆盖率高。" in lines and "会商炸药库扩建。" in lines
    decisions = lines[lines.index("四、会议议定事项") + 1]
    assert decisions.startswith("（一）做好居住证送证上门。责任单位：") and "完成时限：2026年6月30日前" in decisions
    assert "台账编号：" in decisions
    assert any(line.startswith("出席：") and world.team.name in line for line in lines)
    assert open_action.status == MeetingAction.Status.OPEN
