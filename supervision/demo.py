"""Demo data for the mechanisms: referrals at every step, two progress meetings, a commendation and a criticism.

Drawn from the programme's story: the coal mine whose explosives magazine is too small (referred to the city
bureau, the leader's instruction opens a green channel), the petrol-station case solved by 长风派出所, a station
that fell behind on its visits. Idempotent: every record is looked up by its title before it is created.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Max
from django.utils import timezone

from accounts.models import Unit, User
from enterprises.models import Enterprise
from liaison.workdays import add_workdays
from supervision import services
from supervision.models import Meeting, MeetingAction, Notice, Referral
from visits.models import Issue, IssueUpdate

COAL_MINE = "山城区鑫源煤矿"


def _unit(units, name):
    return units.get(name) if units and name in units else Unit.objects.get(name=name)


def _user(users, username):
    return users.get(username) if users and username in users else User.objects.get(username=username)


def _at(days_ago: int, hour: int = 10) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def coal_mine_issue(units, users) -> Issue | None:
    """The ledger item of the coal mine's request (the ledger's own demo may have recorded it already)."""
    mine = Enterprise.objects.filter(name=COAL_MINE).first()
    if mine is None:
        return None
    issue = Issue.objects.filter(enterprise=mine, description__contains="炸药").order_by("pk").first()
    if issue is not None:
        return issue
    year = timezone.localdate().year
    accepted = _at(40)
    issue = Issue(
        year=year, serial=(Issue.objects.filter(year=year).aggregate(m=Max("serial"))["m"] or 0) + 1,
        enterprise=mine, category=Issue.Category.SERVICE,
        description="井下炸药库因建库设计时预估不足，无法存放保证每天正常生产用量的炸药；超量存放既违法又有安全隐患，"
        "存放量少则无法满足生产需求。企业请求协助解决。",
        responsible_unit=_unit(units, "中原路派出所"), owner=_user(users, "zhongyuan"),
        measures="报请市局协调，开辟炸药使用审批绿色通道；督促企业按规范申请扩建炸药库。",
        status=Issue.Status.IN_PROGRESS, accepted_at=accepted,
        deadline=add_workdays(timezone.localdate(accepted), 20), created_by=_user(users, "zhongyuan"),
        supervision=Issue.Supervision.KEY, supervision_instruction="重点督办：确保企业既不违法又能正常生产。",
        supervised_since=_at(38),
    )
    issue.original_deadline = issue.deadline
    issue.full_clean()
    issue.save()
    return issue


def _referral(title, *, units, users, raiser, enterprise, request, requested_of, issue=None, to, timeline, **step):
    existing = Referral.objects.filter(title=title).first()
    if existing is not None:
        return existing
    referral = services.referral_raise(
        actor=raiser, title=title, request=request, requested_of=requested_of,
        enterprise=Enterprise.objects.get(name=enterprise), issue=issue,
    )
    stamps = {"created_at": _at(timeline[0])}
    order = [s for s, _label in Referral.Status.choices]
    target = order.index(to)
    S = Referral.Status
    if target >= order.index(S.SUBMITTED):
        services.referral_submit(referral=referral, actor=raiser)
        stamps["submitted_at"] = _at(timeline[1])
    if target >= order.index(S.REPORTED):
        services.referral_report(
            referral=referral, actor=_user(users, "office"), addressee="市公安局护航经济发展专班办公室",
            body=step["report"], sent_at=timezone.now(), signer="周振华", cc="分局党委各成员",
        )
        stamps["reported_at"] = _at(timeline[2], 16)
    if target >= order.index(S.INSTRUCTED):
        services.referral_instruct(referral=referral, actor=_user(users, "leader"), instruction=step["instruction"])
        stamps["instructed_at"] = _at(timeline[3], 9)
    if target >= order.index(S.ASSIGNED):
        services.referral_assign(
            referral=referral, actor=_user(users, "office"), unit=step["unit"], officer=step.get("officer"), reply_workdays=step["days"],
        )
        stamps["assigned_at"] = _at(timeline[4], 11)
        stamps["reply_deadline"] = add_workdays(timezone.localdate(stamps["assigned_at"]), step["days"])
    if target >= order.index(S.DONE):
        referral = services.referral_reply(referral=referral, actor=step["replier"], reply=step["reply"])
        stamps["replied_at"] = _at(timeline[5], 17)
        if referral.issue_update_id:
            IssueUpdate.objects.filter(pk=referral.issue_update_id).update(at=stamps["replied_at"])
    # The story happened over weeks: date each step as it happened.
    Referral.objects.filter(pk=referral.pk).update(**stamps)
    return referral


def _meeting(title, *, days_ago, chair, attendees, evaluation, discussion, actor, other=""):
    meeting = Meeting.objects.filter(title=title).first()
    if meeting is not None:
        return meeting, False
    meeting = Meeting(title=title, held_at=_at(days_ago, 15), place="分局三楼会议室", chair=chair, other_attendees=other,
                      evaluation=evaluation, discussion=discussion)
    return services.meeting_save(meeting=meeting, actor=actor, attendees=attendees), True


def _action(meeting, text, *, unit, owner=None, due_in, issue=None, actor, done=None):
    action = services.meetingaction_save(
        action=MeetingAction(meeting=meeting, text=text, owner_unit=unit, owner=owner, issue=issue,
                             deadline=timezone.localtime(meeting.held_at).date() + dt.timedelta(days=due_in)),
        actor=actor,
    )
    if done:
        closed_by, result, days_ago = done
        services.meetingaction_done(action=action, actor=closed_by, result=result)
        MeetingAction.objects.filter(pk=action.pk).update(closed_at=_at(days_ago, 17))
    return action


def seed(*, units=None, users=None):
    u = lambda name: _unit(units, name)  # noqa: E731
    p = lambda username: _user(users, username)  # noqa: E731
    office = p("office")
    issue = coal_mine_issue(units, users)

    _referral(
        "协调解决山城区鑫源煤矿炸药库存放能力不足问题", units=units, users=users, raiser=p("zhongyuan"), enterprise=COAL_MINE,
        issue=issue, requested_of="市公安局治安管理支队",
        request="鑫源煤矿井下炸药库因建库设计时预估不足，无法存放保证每天正常生产用量的炸药。超量存放违法且存在安全隐患，"
        "存放量少则无法满足生产需求。企业负责人在民警走访时求助，请求协调解决炸药审批与存放问题。",
        report="中原路派出所在“大走访”活动中了解到，山城区鑫源煤矿井下炸药库因建库设计时预估不足，无法存放保证企业每天正常生产用量的炸药。\n"
        "炸药属于危险物品，存放量超过库存设计不但违法，而且存在安全隐患；存放量少则无法保证企业每天的生产需求。\n"
        "为不影响企业正常生产，建议对该企业开辟炸药使用审批绿色通道，指定专人每天审批，并督促企业按规范扩建炸药库。",
        instruction="同意。请治安管理大队牵头，会同中原路派出所为鑫源煤矿开辟绿色通道，指定专人负责，每天为其审批炸药使用事项，"
        "确保企业既不违法、又能正常生产。网络出现故障时，派人到其他分局办理。",
        unit=u("治安管理大队"), officer=p("team"), days=3, replier=p("team"),
        reply="已为鑫源煤矿开辟炸药使用审批绿色通道，指定治安管理大队赵刚每日审批炸药使用事项（节假日安排值班民警审批），"
        "网络故障时派员到其他分局办理。企业已按规范申请扩建炸药库，待市局审批。",
        to=Referral.Status.DONE, timeline=(36, 35, 34, 33, 33, 30),
    )
    _referral(
        "协调创越化工有限责任公司危险化学品运输车辆通行路线问题", units=units, users=users, raiser=p("officer"),
        enterprise="创越化工有限责任公司", requested_of="市公安局交通管理支队",
        request="企业危险化学品运输车辆按现行限行规定需绕行市区，运距增加约40公里，企业请求协调核定专用通行路线和时段。",
        report="长风派出所走访创越化工有限责任公司时，企业反映其危险化学品运输车辆受限行规定影响需绕行市区，"
        "运距增加约40公里，既增加运输风险又影响生产。\n恳请市局交通管理支队协调核定专用通行路线和通行时段。",
        to=Referral.Status.REPORTED, timeline=(6, 5, 3),
    )
    _referral(
        "协调为天马制衣厂外地员工集中制发居住证", units=units, users=users, raiser=p("officer"), enterprise="天马制衣厂",
        requested_of="市公安局人口与出入境管理支队",
        request="天马制衣厂外地员工较多，已由民警到厂集中办理居住登记。登记满半年后，请求市局支持集中制证并送证上门。",
        to=Referral.Status.SUBMITTED, timeline=(3, 2),
    )
    _referral(
        "协调整治胜利烟花爆竹批发部仓储点周边消防通道占用问题", units=units, users=users, raiser=p("shengli"),
        enterprise="胜利烟花爆竹批发部", requested_of="市公安局治安管理支队",
        request="批发部仓储点周边消防通道长期被流动摊贩和车辆占用，存在重大安全隐患，需联合有关部门整治。",
        report="胜利派出所走访胜利烟花爆竹批发部时发现，其仓储点周边消防通道长期被占用，存在重大安全隐患。\n恳请市局协调有关部门联合整治。",
        instruction="请胜利派出所会同治安管理大队立即组织清理，建立长效管控机制，5个工作日内报结果。",
        unit=u("胜利派出所"), officer=p("shengli"), days=5,
        to=Referral.Status.ASSIGNED, timeline=(25, 24, 23, 22, 22),
    )

    attendees = [p(name) for name in ("leader2", "office", "team", "ecoteam", "legal", "officer", "shengli", "fusheng", "zhongyuan")]
    first, created = _meeting(
        "护航经济发展专项行动第一次推进会议", days_ago=40, chair=p("leader"), attendees=attendees, actor=office,
        other="市公安局专班办公室联络员",
        evaluation="“大走访”活动开展以来，各派出所、队室与分包领导一起走访分包企业，长风派出所走访覆盖率较高，"
        "对加油站改建施工受阻案件快立快侦，效果明显。胜利派出所仍有部分分包企业未走访，进度滞后。",
        discussion="会商了鑫源煤矿炸药库存放能力不足的问题：既要依法管控炸药存放，又要保证企业每天的生产用量。"
        "交流了到厂集中办理居住登记的做法，拟在外地员工较多的企业推广。",
    )
    if created:
        _action(first, "为鑫源煤矿开辟炸药使用审批绿色通道，指定专人每天审批", unit=u("治安管理大队"), owner=p("team"), due_in=5,
                issue=issue, actor=office, done=(p("team"), "已开辟绿色通道，赵刚每日审批。", 33))
        _action(first, "胜利派出所对辖区尚未走访的分包企业开展全覆盖走访", unit=u("胜利派出所"), owner=p("shengli"), due_in=20, actor=office)
        _action(first, "统筹重点企业周边视频监控安装，压降发案", unit=u("指挥保障室"), due_in=60, actor=office)
    second, created = _meeting(
        "护航经济发展专项行动第二次推进会议", days_ago=8, chair=p("leader"), attendees=attendees, actor=office,
        evaluation="绿色通道运行顺畅，鑫源煤矿生产正常。胜利派出所全覆盖走访仍未完成，已予通报批评。",
        discussion="交流了经侦部门针对民营企业的防范经济犯罪宣传做法；会商了危险化学品运输车辆通行路线问题，已报市局协调。",
    )
    if created:
        _action(second, "在福盛片区企业开展防范经济犯罪宣传", unit=u("经济犯罪侦查大队"), owner=p("ecoteam"), due_in=21, actor=office)
        _action(second, "做好天马制衣厂外地员工居住证送证上门工作", unit=u("长风派出所"), owner=p("officer"), due_in=10, actor=office)

    if not Notice.objects.filter(title="关于表扬长风派出所快速侦破加油站施工受阻案件的通报").exists():
        services.notice_save(
            notice=Notice(
                kind=Notice.Kind.COMMENDATION, title="关于表扬长风派出所快速侦破加油站施工受阻案件的通报", unit=u("长风派出所"),
                reason="长风派出所接到长风中路某加油站改建施工多次受到阻挠的举报后，迅速调查，查明张某夫妇涉嫌敲诈勒索并依法刑事拘留，"
                "为企业稳定发展营造了良好环境。同时在走访中主动到天马制衣厂集中办理居住登记，服务企业成效突出，予以表扬。",
                issued_on=timezone.localdate() - dt.timedelta(days=20),
            ),
            actor=p("leader"), meetings=[first],
        )
    if not Notice.objects.filter(title="关于胜利派出所走访工作推进不力的通报").exists():
        services.notice_save(
            notice=Notice(
                kind=Notice.Kind.CRITICISM, title="关于胜利派出所走访工作推进不力的通报", unit=u("胜利派出所"),
                reason="第一次推进会议议定胜利派出所对尚未走访的分包企业开展全覆盖走访，截至第二次推进会议仍未完成，"
                "消防通道占用问题的交办回复也已逾期。对工作组织不力、落实不力的，予以通报批评，限期整改。",
                issued_on=timezone.localdate() - dt.timedelta(days=7),
            ),
            actor=p("leader"), meetings=[first, second],
        )
