"""Demo plans, tasks and documents from the programme's own stories (idempotent: looked up before created).

- 山城区鑫源煤矿: the magazine was built too small for a day's explosives, so the bureau opened a green
  channel (绿色通道) with a designated officer approving the day's explosives, even on the Dragon Boat
  Festival, and a fallback through another sub-bureau when the network fails.
- 创越化工有限责任公司 and 天马制衣厂: visited by the bureau's leadership on 8 June, who signed the
  service-steward commitment letter (服务管家承诺书) and handed over the director's letter.
- 山城区长风中路加油站: the plan that escorted its rebuilding against obstruction, closed once the extortion
  case was handled.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from enterprises import services
from enterprises.models import Attachment, Enterprise, Plan, PlanTask

COAL_MINE = "山城区鑫源煤矿"
CHEMICALS = "创越化工有限责任公司"
GARMENTS = "天马制衣厂"
FUEL_STATION = "山城区长风中路加油站"


def _days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def _moment(days_ago: int, hour: int = 10) -> dt.datetime:
    day = _days_ago(days_ago)
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, 0))


def _pdf(title: str) -> bytes:
    """A one-page PDF standing in for a scanned letter."""
    text = title.encode("ascii", "replace").decode()
    stream = f"BT /F1 18 Tf 72 760 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _plan(enterprise, *, title, author, fields, officers, drafted_days_ago, tasks, approve=None, close=None):
    """Create one plan with its tasks through the services, then date it back to when it happened."""
    plan = Plan.objects.filter(enterprise=enterprise, title=title).first()
    if plan is not None:
        return plan
    plan = services.plan_save(
        plan=Plan(enterprise=enterprise, title=title, review_on=timezone.localdate() + dt.timedelta(days=120), **fields),
        actor=author, responsible_officers=[u for u in officers if u],
    )
    Plan.objects.filter(pk=plan.pk).update(created_at=_moment(drafted_days_ago))
    finished = []
    for task_title, owner, starts_days_ago, workdays, done in tasks:
        task = services.task_save(
            task=PlanTask(plan=plan, title=task_title, owner=owner, starts_on=_days_ago(starts_days_ago), workdays=workdays),
            actor=author,
        )
        PlanTask.objects.filter(pk=task.pk).update(created_at=_moment(drafted_days_ago, 11))
        if done:
            finished.append((task, owner, *done))
    if approve:
        leader, approved_days_ago, note = approve
        services.plan_approve(plan=plan, actor=leader, note=note)
        Plan.objects.filter(pk=plan.pk).update(approved_at=_moment(approved_days_ago, 16))
        for task, owner, note_text, done_days_ago in finished:
            services.task_complete(task=task, actor=owner, note=note_text)
            PlanTask.objects.filter(pk=task.pk).update(done_at=_moment(done_days_ago, 17))
    if close:
        closer, closed_days_ago, reason = close
        services.plan_close(plan=plan, actor=closer, reason=reason)
        Plan.objects.filter(pk=plan.pk).update(closed_at=_moment(closed_days_ago, 9))
    plan.refresh_from_db()
    return plan


def _letter(enterprise, *, title, kind, actor, days_ago):
    if Attachment.objects.filter(enterprise=enterprise, title=title).exists():
        return
    upload = SimpleUploadedFile("letter.pdf", _pdf(title), content_type="application/pdf")
    attachment = services.attachment_add(
        enterprise=enterprise, actor=actor, upload=upload, kind=kind, title=title, document_date=_days_ago(days_ago)
    )
    Attachment.objects.filter(pk=attachment.pk).update(created_at=_moment(days_ago, 15))


def seed(*, units, users):
    by_name = {e.name: e for e in Enterprise.objects.filter(name__in=[COAL_MINE, CHEMICALS, GARMENTS, FUEL_STATION])}
    leader, leader2 = users.get("leader"), users.get("leader2")
    office = users.get("office")

    mine = by_name.get(COAL_MINE)
    if mine is not None:
        officer = users.get("zhongyuan")
        _plan(
            mine,
            title="山城区鑫源煤矿护航计划（炸药使用绿色通道）",
            author=officer,
            officers=[leader2, officer],
            drafted_days_ago=40,
            fields=dict(
                situation="煤矿采煤每天需要使用炸药。井下炸药库因建库设计时预估不足，无法存放保证企业每天正常生产用量的炸药。",
                risks="炸药属于危险物品，存放量超过库存设计既违法又存在安全隐患；存放量少则无法保证每天的生产需求。"
                "网络故障或节假日时审批可能中断。",
                needs="企业负责人在民警走访时求助：希望每天能及时审批炸药使用事项，保证正常生产用量。",
                goals="既不违法，又能正常生产：炸药使用审批当天办结，节假日不断档。",
                measures="一、开辟绿色通道，指定专人负责，每天为企业审批炸药使用事项；\n"
                "二、节假日安排值班民警审批；\n"
                "三、网络出现故障时，派人到其他分局为企业办理审批手续；\n"
                "四、指导企业规范炸药库管理，评估库容扩建方案。",
            ),
            tasks=[
                ("指定专人负责炸药使用审批（绿色通道）", officer, 38, 2, ("已指定林涛为绿色通道审批专人，每日上午办结当天用量审批。", 36)),
                ("端午节假期值班审批安排", officer, 30, 3, ("端午节当天值班民警完成审批，企业正常生产。", 25)),
                ("制定网络故障时赴其他分局办理审批的应急预案", leader2, 20, 10, None),
                ("炸药库安全检查与库容评估指导", users.get("team") or officer, 10, 15, None),
                ("每月回访企业生产与审批需求", officer, 2, 20, None),
            ],
            approve=(leader, 37, "同意。绿色通道要专人专责，确保每天审批不断档，既不违法又保生产。") if leader else None,
        )

    chem = by_name.get(CHEMICALS)
    if chem is not None:
        officer = users.get("officer")
        _plan(
            chem,
            title="创越化工有限责任公司护航计划（2026）",
            author=officer,
            officers=[leader, officer],
            drafted_days_ago=60,
            fields=dict(
                situation="危险化学品生产企业，储存危化品约40吨。6月8日分局领导走访企业，征求对公安工作的意见和建议，"
                "送去市公安局局长致企业家的信，并签订治安服务管家承诺书。",
                risks="危化品储存与运输安全；厂区周边治安秩序；外地员工较多，居住登记不及时。",
                needs="希望民警指导内保安全和危化品防范工作，为外地员工集中办理居住登记。",
                goals="危化品安全零事故，员工居住登记全覆盖，涉企警情第一时间受理。",
                measures="一、服务管家定期走访，指导内保安全、治安防范、暴恐防范；\n"
                "二、治安大队对危化品储存进行安全检查；\n"
                "三、民警上门集中采集信息，办理居住登记，半年后将居住证送到厂里；\n"
                "四、加强企业周边治安巡逻。",
            ),
            tasks=[
                ("危化品储存安全检查", users.get("team") or officer, 55, 10, ("已完成检查，发现问题2处已登记入台账。", 45)),
                ("外地员工居住登记上门集中办理", officer, 50, 5, ("7月2日在厂区集中采集信息，办理居住登记86人。", 44)),
                ("居住证制作完成后送达厂区", officer, 44, 120, None),
                ("内保安全与暴恐防范培训", officer, 15, 10, None),
            ],
            approve=(leader, 52, "同意，按承诺书五项内容落实。") if leader else None,
        )
        if officer:
            _letter(chem, title="治安服务管家承诺书（创越化工）", kind=Attachment.Kind.COMMITMENT, actor=officer, days_ago=58)
            _letter(chem, title="致企业家的信（创越化工签收）", kind=Attachment.Kind.LETTER, actor=officer, days_ago=58)

    garments = by_name.get(GARMENTS)
    if garments is not None:
        officer = users.get("officer")
        _plan(
            garments,
            title="天马制衣厂护航计划",
            author=officer,
            officers=[leader, officer],
            drafted_days_ago=5,
            fields=dict(
                situation="服装加工企业，外地员工较多。因民警办公时间与工人工作时间相同，部分员工居住证未能及时办理。"
                "6月8日分局领导走访并签订治安服务管家承诺书。",
                risks="员工居住登记不及时；厂区消防与治安防范薄弱。",
                needs="希望民警到厂区为员工办理居住登记，提供法律咨询。",
                goals="员工居住登记一个月内全部办结；企业治安防范能力提升。",
                measures="一、民警到厂区集中采集信息，办理居住登记；\n二、开展消防与治安防范宣传；\n三、提供公安行政、刑事法律咨询。",
            ),
            tasks=[
                ("外地员工居住登记上门办理", officer, 0, 5, None),
                ("消防与治安防范宣传进厂", officer, 0, 15, None),
            ],
        )
        if officer:
            _letter(garments, title="治安服务管家承诺书（天马制衣厂）", kind=Attachment.Kind.COMMITMENT, actor=officer, days_ago=58)

    station = by_name.get(FUEL_STATION)
    if station is not None and office is not None:
        officer = users.get("officer")
        _plan(
            station,
            title="长风中路加油站改建施工护航方案",
            author=officer,
            officers=[officer],
            drafted_days_ago=140,
            fields=dict(
                situation="加油站改建施工多次受到南侧汽修厂所有者阻挠，施工方被索要现金并被迫修建排水道。",
                risks="恶意阻工、敲诈勒索影响施工进度与企业经营。",
                needs="企业请求依法制止阻工行为，保障施工正常进行。",
                goals="施工期间不再发生阻工，涉企违法犯罪依法快立快侦快办。",
                measures="一、派出所第一时间受理举报、调查取证；\n二、施工期间加强现场巡逻；\n三、对涉嫌敲诈勒索的依法采取强制措施。",
            ),
            tasks=[
                ("受理举报并调查取证", officer, 138, 5, ("已查明张某夫妇涉嫌敲诈勒索，依法刑事拘留。", 128)),
                ("施工期间现场巡逻", officer, 138, 40, ("施工期间每日巡逻，未再发生阻工。", 80)),
            ],
            approve=(leader, 137, "同意，依法快办。") if leader else None,
            close=(office, 75, "改建施工完成，阻工问题已依法处理。"),
        )
