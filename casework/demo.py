"""Demo casework for the demo district: the seed's cases, the coal mine's green channel, a freeze of assets under
review, and the programme's activities. Idempotent: every record is looked up before it is created.

Called by `manage.py seed_demo` as `seed(units=..., users=...)` (units by name, users by username).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Unit, User
from casework import services
from casework.models import Activity, Case, ChannelApproval, CoerciveMeasure, GreenChannel, MeasureReview
from enterprises.models import Enterprise

# Colleagues who sit on the collective reviews with the demo accounts (no password: they never sign in).
REVIEWERS = [
    ("eco2", "刘志强", "410023", "经济犯罪侦查大队", User.Role.TEAM),
    ("eco3", "王磊", "410024", "经济犯罪侦查大队", User.Role.TEAM),
    ("legal2", "高敏", "410032", "法制大队", User.Role.TEAM),
    ("legal3", "罗平", "410033", "法制大队", User.Role.TEAM),
    ("leader3", "姜源远", "410003", "山城区公安分局", User.Role.LEADER),
]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _enterprise(name: str) -> Enterprise | None:
    return Enterprise.objects.filter(name=name).first()


def _reviewers(units: dict, users: dict) -> dict:
    out = dict(users)
    for username, name, badge, unit, role in REVIEWERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, name=name, badge_number=badge, unit=units[unit], role=role)
            user.set_unusable_password()
            user.save()
        out[username] = user
    return out


def _case(*, title, enterprise, actor, received_at, **fields) -> Case:
    case = Case.objects.filter(title=title).first()
    if case is None:
        case = Case(title=title, enterprise=enterprise, received_at=received_at, **fields)
        case = services.case_save(case=case, actor=actor)
    return case


def _cases(units: dict, users: dict) -> None:
    year = timezone.localdate().year
    # 3月初: the auto-repair yard's owner 张某 and his wife extorted the petrol station's rebuild (seed, first lines).
    station = _enterprise("山城区长风中路加油站")
    if station:
        case = _case(
            title="长风中路加油站改建施工被敲诈勒索案", enterprise=station, actor=users["officer"],
            received_at=_at(dt.date(year, 3, 3), 9, 30), enterprise_role=Case.Role.VICTIM, case_type=Case.Type.EXTORTION,
            nature=Case.Nature.CRIMINAL, handling_unit=units["长风派出所"],
            summary="加油站南侧汽修厂所有者张某编造各种理由，多次阻挠加油站改建施工，从施工方获取现金 4 万元，"
            "并迫使施工方在其汽修厂院内修建一条价值 1.2 万元的排水道供自己使用。经民警调查，张某夫妇涉嫌敲诈勒索。",
        )
        if case.status == Case.Status.RECEIVED:
            services.case_file(case=case, actor=users["officer"], filed_at=_at(dt.date(year, 3, 3), 15, 10))
            services.case_solve(
                case=case, actor=users["officer"], solved_at=_at(dt.date(year, 3, 9), 18, 0), criminal_detentions=2,
            )

    market = _enterprise("胜利商贸中心")
    if market:
        case = _case(
            title="胜利商贸中心办公区聚众滋事案", enterprise=market, actor=users["shengli"],
            received_at=_at(dt.date(year, 6, 15), 10, 5), enterprise_role=Case.Role.VICTIM, case_type=Case.Type.OFFICE_ORDER,
            nature=Case.Nature.ADMINISTRATIVE, handling_unit=units["胜利派出所"],
            summary="因租赁纠纷，王某、李某纠集多人进入商贸中心办公区吵闹、堵门，致其办公秩序无法正常进行。",
        )
        if case.status == Case.Status.RECEIVED:
            services.case_file(case=case, actor=users["shengli"], filed_at=_at(dt.date(year, 6, 15), 11, 0))
            services.case_solve(
                case=case, actor=users["shengli"], solved_at=_at(dt.date(year, 6, 16), 17, 30), administrative_detentions=2,
            )
            services.case_close(case=case, actor=users["shengli"], closed_at=_at(dt.date(year, 6, 30), 10, 0))

    chemical = _enterprise("创越化工有限责任公司")
    if chemical:
        case = _case(
            title="长风工业园非法倾倒危险废物案", enterprise=chemical, actor=users["office"],
            received_at=_at(dt.date(year, 7, 20), 8, 40), enterprise_role=Case.Role.INVOLVED,
            case_type=Case.Type.ENVIRONMENTAL, nature=Case.Nature.CRIMINAL, handling_unit=units["刑事侦查大队"],
            summary="无资质人员以低价承揽该公司废酸处置，将 6 吨废酸倾倒于园区外排水沟，造成环境污染。",
        )
        if case.status == Case.Status.RECEIVED:
            services.case_file(case=case, actor=users["office"], filed_at=_at(dt.date(year, 7, 20), 12, 0))
            services.case_solve(case=case, actor=users["office"], solved_at=_at(dt.date(year, 8, 2), 20, 0), criminal_detentions=3)

    food_market = _enterprise("中原路农贸市场")
    if food_market:
        case = _case(
            title="中原路农贸市场销售有毒有害食品案", enterprise=food_market, actor=users["zhongyuan"],
            received_at=_at(dt.date(year, 9, 8), 9, 0), enterprise_role=Case.Role.INVOLVED, case_type=Case.Type.FOOD,
            nature=Case.Nature.CRIMINAL, handling_unit=units["中原路派出所"],
            summary="市场内一摊位销售添加违禁物质的腌制食品，经抽检确认。",
        )
        if case.status == Case.Status.RECEIVED:
            services.case_file(case=case, actor=users["zhongyuan"], filed_at=_at(dt.date(year, 9, 8), 14, 0))
            services.case_solve(case=case, actor=users["zhongyuan"], solved_at=_at(dt.date(year, 9, 20), 16, 0), criminal_detentions=2)

    building = _enterprise("长风建材市场")
    if building:
        case = _case(
            title="长风建材市场商户被骗货款案", enterprise=building, actor=users["officer"],
            received_at=_at(dt.date(year, 10, 12), 15, 20), enterprise_role=Case.Role.VICTIM, case_type=Case.Type.OTHER,
            nature=Case.Nature.CRIMINAL, handling_unit=units["长风派出所"],
            summary="商户被外区人员以虚假工程订单骗取货款 6.8 万元，犯罪地与嫌疑人均在外区。",
        )
        if case.status == Case.Status.RECEIVED:
            services.case_transfer(
                case=case, actor=users["officer"], receiving_authority="山城市公安局西区分局",
                transferred_at=_at(dt.date(year, 10, 13), 10, 0), party_notified_on=dt.date(year, 10, 13),
            )

    logistics = _enterprise("长风物流有限公司")
    if logistics:
        _case(
            title="长风物流有限公司仓库物资被盗案", enterprise=logistics, actor=users["officer2"],
            received_at=timezone.now() - dt.timedelta(hours=20), enterprise_role=Case.Role.VICTIM,
            case_type=Case.Type.MATERIAL_THEFT, nature=Case.Nature.CRIMINAL, handling_unit=units["长风派出所"],
            summary="仓库夜间被盗电缆 12 盘，价值约 3 万元。",
        )


def _freeze(units: dict, users: dict) -> None:
    """A freeze of assets proposed on an economic case: the unit and the legal team approved; the leaders have it now."""
    textile = _enterprise("胜利纺织有限公司")
    if not textile:
        return
    today = timezone.localdate()
    case = _case(
        title="胜利纺织有限公司涉嫌假冒注册商标案", enterprise=textile, actor=users["ecoteam"],
        received_at=_at(today - dt.timedelta(days=20), 10, 0), enterprise_role=Case.Role.INVOLVED,
        case_type=Case.Type.IP_INFRINGEMENT, nature=Case.Nature.CRIMINAL, handling_unit=units["经济犯罪侦查大队"],
        summary="权利人举报该公司生产销售假冒其注册商标的面料，涉案金额约 80 万元。",
    )
    if case.status == Case.Status.RECEIVED:
        services.case_file(case=case, actor=users["ecoteam"], filed_at=_at(today - dt.timedelta(days=19), 9, 0))
    measure = case.measures.filter(kind=CoerciveMeasure.Kind.FREEZE).first()
    if measure is None:
        measure = services.measure_propose(
            case=case, actor=users["ecoteam"], kind=CoerciveMeasure.Kind.FREEZE,
            target="胜利纺织有限公司一般存款账户（尾号 3021）", amount=Decimal("800000.00"),
            grounds="依据《刑事诉讼法》第一百四十四条，为防止涉案资金转移，拟冻结该账户内涉案金额 80 万元。",
            proposed_on=today - dt.timedelta(days=8),
        )
    if measure.next_stage == MeasureReview.Stage.UNIT:
        services.measure_review(
            measure=measure, actor=users["ecoteam"], stage=MeasureReview.Stage.UNIT, held_on=today - dt.timedelta(days=7),
            participants=[users["ecoteam"], users["eco2"], users["eco3"]],
            minutes="大队集体研究认为：涉案资金有转移迹象，冻结必要；仅冻结涉案金额，不冻结企业基本户，保障工资发放。",
            economic_impact="企业日常经营使用基本户，冻结一般户 80 万元不影响工资发放和原料采购。",
            decision=MeasureReview.Decision.APPROVE,
        )
        measure.refresh_from_db()
    if measure.next_stage == MeasureReview.Stage.LEGAL:
        services.measure_review(
            measure=measure, actor=users["legal"], stage=MeasureReview.Stage.LEGAL, held_on=today - dt.timedelta(days=4),
            participants=[users["legal"], users["legal2"], users["legal3"]],
            minutes="法制大队集体审核：事实清楚，依据充分，冻结范围限于涉案金额，程序合法，同意。",
            economic_impact="建议办案单位与企业沟通，说明冻结范围，避免影响企业信贷。",
            decision=MeasureReview.Decision.APPROVE,
        )


def _green_channel(units: dict, users: dict) -> None:
    """The coal mine's explosives: approved every day by a designated officer, even on the Dragon Boat Festival."""
    mine = _enterprise("山城区鑫源煤矿")
    if not mine or mine.storage_capacity is None:
        return
    today = timezone.localdate()
    start = dt.date(today.year, 6, 1)
    if start > today:
        start = today - dt.timedelta(days=30)
    channel = GreenChannel.objects.filter(enterprise=mine, subject="民用爆炸物品（乳化炸药）使用审批").first()
    if channel is None:
        channel = services.channel_save(
            channel=GreenChannel(
                enterprise=mine, subject="民用爆炸物品（乳化炸药）使用审批", frequency=GreenChannel.Frequency.DAILY,
                officer=users["zhongyuan"], started_on=start,
                notes="炸药库设计库容不足以存放每日生产用量，指定专人每天审批当日用量；网络故障时派人到其他分局办理审批手续。",
            ),
            actor=users["office"],
        )
    done = set(channel.approvals.values_list("date", flat=True))
    skipped = today - dt.timedelta(days=2)  # a day left without approval: the office's panel flags it
    notes = {
        dt.date(start.year, 6, 6): "周六照常审批",
        dt.date(start.year, 6, 7): "端午节当天，值班民警审批",
    }
    day = channel.started_on
    quantities = [Decimal("1800"), Decimal("1650"), Decimal("1900"), Decimal("1750")]
    while day < today:
        if day not in done and day != skipped:
            approval = services.channel_approve(
                channel=channel, actor=users["zhongyuan"], date=day, quantity=quantities[day.toordinal() % 4],
                note=notes.get(day, ""),
            )
            ChannelApproval.objects.filter(pk=approval.pk).update(approved_at=_at(day, 7, 30))
        day += dt.timedelta(days=1)


ACTIVITIES = [
    # title, kind, held_on (month, day), place, units, officers, enterprises, fields
    (
        "“3·15”打击经济犯罪宣传进市场", Activity.Kind.PUBLICITY, (3, 15), "长风建材市场",
        ["长风派出所", "经济犯罪侦查大队"], ["officer", "ecoteam"], ["长风建材市场", "长风食品厂"],
        {"theme": Activity.Theme.CONSUMER_DAY, "audience": 200, "description": "揭露常见合同诈骗、非法集资手法，发放宣传资料。"},
    ),
    (
        "“5·15”打击和防范经济犯罪宣传日广场宣传", Activity.Kind.PUBLICITY, (5, 15), "中原路文化广场",
        ["经济犯罪侦查大队", "中原路派出所"], ["ecoteam", "zhongyuan"], ["中原路汽车销售服务有限公司", "中原路农贸市场"],
        {"theme": Activity.Theme.ECONOMIC_CRIME_DAY, "audience": 500, "description": "提示风险危害，增强企业和群众防范意识。"},
    ),
    (
        "整治恶意阻工专项行动", Activity.Kind.CAMPAIGN, (5, 20), "长风中路沿线施工点",
        ["治安管理大队", "长风派出所"], ["team", "officer"], ["山城区长风中路加油站", "长风汽车修理厂"],
        {"target": Activity.Target.OBSTRUCTION, "hazards_found": 12, "hazards_removed": 11, "disputes_resolved": 3,
         "description": "滚动排查施工点周边治安重点区域，化解涉企矛盾纠纷。"},
    ),
    (
        "电动车上牌和安全出行宣传", Activity.Kind.PUBLICITY, (6, 11), "福盛家园小区",
        ["福盛派出所", "胜利派出所"], ["fusheng", "shengli"], ["福盛家园物业管理有限公司"],
        {"theme": Activity.Theme.OTHER, "audience": 300, "description": "与胜利二巷居委会在福盛家园小区开展电动车上牌和安全出行宣传活动。"},
    ),
    (
        "民警到厂集中办理居住登记", Activity.Kind.SERVICE, (7, 2), "天马制衣厂",
        ["长风派出所"], ["officer", "officer2"], ["天马制衣厂"],
        {"service_kind": Activity.ServiceKind.RESIDENCE, "people_served": 46, "documents": 46,
         "description": "企业外地员工较多，民警到厂区集中采集信息办理居住登记；满半年后将居住证送到厂里。"},
    ),
    (
        "长风工业园周边安装视频监控", Activity.Kind.ESCORT, (8, 10), "长风工业园",
        ["指挥保障室", "长风派出所"], ["officer"], ["创越化工有限责任公司", "山城电子科技有限公司", "长风包装材料厂"],
        {"escort_kind": Activity.EscortKind.CAMERAS, "cameras_installed": 8, "description": "统筹企业在周边安装视频监控，压降发案。"},
    ),
    (
        "胜利工业区企业周边治安巡逻", Activity.Kind.ESCORT, (9, 5), "胜利工业区",
        ["治安管理大队", "胜利派出所"], ["team", "shengli"], ["胜利机械制造有限公司", "胜利家具厂"],
        {"escort_kind": Activity.EscortKind.PATROL, "patrols": 6},
    ),
]


def _activities(units: dict, users: dict) -> None:
    year = timezone.localdate().year
    for title, kind, (month, day), place, unit_names, officer_names, enterprise_names, fields in ACTIVITIES:
        held_on = dt.date(year, month, day)
        if held_on > timezone.localdate() or Activity.objects.filter(title=title, held_on=held_on).exists():
            continue
        author = users[officer_names[0]]
        services.activity_save(
            activity=Activity(title=title, kind=kind, held_on=held_on, place=place, **fields),
            actor=author if author.role != User.Role.LEADER else users["office"],
            units=[units[name] for name in unit_names],
            officers=[users[name] for name in officer_names],
            enterprises=[e for e in (_enterprise(name) for name in enterprise_names) if e],
        )


@transaction.atomic
def seed(*, units: dict[str, Unit], users: dict[str, User]) -> None:
    users = _reviewers(units, users)
    _cases(units, users)
    _freeze(units, users)
    _green_channel(units, users)
    _activities(units, users)
