"""Demo visits and ledger items for the demo district (called by `manage.py seed_demo`; idempotent).

The seed's stories, in the order the newspaper tells them:
- March: the petrol station on 长风中路 reports its rebuild obstructed; the owner of the auto-repair yard south
  of it, 张某, had extorted ¥40,000 in cash and a ¥12,000 drain from the builders; he and his wife are detained.
- May: the coal mine's explosives magazine is too small for a day's production; the bureau opens a green
  channel (a designated officer approves the day's explosives) while the magazine is enlarged.
- 8 June: the bureau's deputy party secretary visits 创越化工 and 天马制衣厂, hands over the city director's
  letter to entrepreneurs and signs the service-steward commitment letter; on 2 July officers register the
  garment factory's migrant workers at the factory.
Then the everyday ledger of the last weeks, so that every light, state and flag can be seen.

Every record goes through the services, on a travelled clock (time-machine): the timeline, the deadlines on
the working-day calendar and the audit log carry the dates they would have had.
"""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import time_machine
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from enterprises.models import Enterprise
from visits import deadlines, services
from visits.models import Issue, Visit

TZ = ZoneInfo("Asia/Shanghai")
C = Issue.Category


def seed(*, units, users):
    today = timezone.localdate()
    Demo(units=units, users=users, today=today).run()


def _photo(colour: tuple[int, int, int], shape: int = 0) -> services.Photo:
    """A plain generated picture standing in for a work photo (no real faces or places in a demo)."""
    image = Image.new("RGB", (960, 720), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((80 + 40 * shape, 420, 880, 680), fill=(90, 90, 90))
    draw.rectangle((160, 180 + 20 * shape, 520, 420), fill=(200, 200, 190))
    draw.ellipse((640, 80, 820, 260), fill=(250, 230, 150))
    data, thumb = io.BytesIO(), io.BytesIO()
    image.save(data, format="JPEG", quality=80)
    image.resize((320, 240)).save(thumb, format="JPEG", quality=75)
    return services.Photo(image=ContentFile(data.getvalue(), name="demo.jpg"), thumbnail=ContentFile(thumb.getvalue(), name="thumb.jpg"))


class Demo:
    def __init__(self, *, units, users, today: dt.date):
        self.units, self.users, self.today = units, users, today
        # The seed's stories happened this year once July is past, else last year.
        self.year = today.year if today >= dt.date(today.year, 7, 10) else today.year - 1

    # ------------------------------------------------------------ helpers

    def enterprise(self, name: str) -> Enterprise:
        return Enterprise.objects.get(name=name)

    def day(self, month: int, day: int, hour: int = 9, minute: int = 30) -> dt.datetime:
        return dt.datetime(self.year, month, day, hour, minute, tzinfo=TZ)

    def workdays_ago(self, n: int, hour: int = 10, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(deadlines.subtract_workdays(self.today, n), dt.time(hour, minute), tzinfo=TZ)

    @staticmethod
    def at(moment: dt.datetime):
        return time_machine.travel(moment, tick=False)

    @staticmethod
    def exists(enterprise: Enterprise, description: str) -> bool:
        return Issue.objects.filter(enterprise=enterprise, description=description).exists()

    def visit(self, moment, *, enterprise, author, problems=(), **fields) -> Visit:
        with self.at(moment):
            return services.visit_record(
                actor=self.users[author], enterprise=enterprise, visited_at=moment,
                problems=[services.Problem(category=c, description=d, take_on=t) for c, d, t in problems], **fields,
            )

    def issue(self, visit: Visit, description: str) -> Issue:
        return visit.issues.get(description=description)

    def act(self, moment, service, issue: Issue, actor: str, **kwargs):
        with self.at(moment):
            issue.refresh_from_db()
            return service(issue=issue, actor=self.users[actor], **kwargs)

    # ------------------------------------------------------------ the stories

    def run(self):
        self.petrol_station()
        self.auto_repair_yard()
        self.coal_mine()
        self.leader_visits()
        self.everyday()

    def petrol_station(self):
        petrol = self.enterprise("山城区长风中路加油站")
        problem = (
            "加油站改建施工多次受到阻挠：南侧汽修厂所有者张某编造各种理由向施工方索要现金，"
            "并要求施工方在其汽修厂院内修建排水道，否则不让施工。"
        )
        if self.exists(petrol, problem):
            return
        visit = self.visit(
            self.day(3, 4, 10, 0), enterprise=petrol, author="officer", officers=[self.users["officer2"]],
            received_by="刘建设", received_by_position="站长",
            observations="加油站正在进行改建，施工围挡南侧与汽修厂相邻，现场停工，施工人员称多次被人阻拦。",
            opinions="希望民警帮助维护施工秩序，确保改建按期完成。",
            security_guidance=True, problems=[(C.DISPUTE, problem, False)], photos=[_photo((120, 150, 190))],
        )
        issue = self.issue(visit, problem)
        self.act(self.day(3, 4, 15, 0), services.issue_assign, issue, "office",
                 responsible_unit=self.units["长风派出所"], owner=self.users["officer"], time_limit_days=15,
                 measures="调查阻工原因，依法查处敲诈勒索等违法行为，保障施工正常进行。")
        self.act(self.day(3, 5, 8, 40), services.issue_accept, issue, "officer")
        self.act(self.day(3, 10, 17, 0), services.issue_progress, issue, "officer",
                 text="经调查，张某编造理由从施工方获取现金4万元，并迫使施工方在其汽修厂院内修建价值1.2万元的排水道供自己使用。")
        self.act(self.day(3, 13, 16, 0), services.issue_resolve, issue, "officer",
                 evidence="张某夫妇涉嫌敲诈勒索，已被依法刑事拘留；施工于3月13日恢复，现场秩序正常。")
        self.act(self.day(3, 16, 10, 0), services.issue_close, issue, "office",
                 note="回访站长刘建设：施工未再受阻。", satisfaction=Issue.Satisfaction.SATISFIED)

    def auto_repair_yard(self):
        yard = self.enterprise("长风汽车修理厂")
        problem = (
            "汽修厂所有者张某涉嫌以施工影响为由敲诈勒索加油站改建施工方（现金4万元，另迫使修建价值1.2万元的排水道），"
            "需依法查处并对汽修厂其他经营人员开展法治教育。"
        )
        if self.exists(yard, problem):
            return
        visit = self.visit(
            self.day(3, 6, 9, 0), enterprise=yard, author="officer2", officers=[self.users["team"]],
            received_by="张某", received_by_position="所有者",
            observations="汽修厂院内新修排水道一条，张某称系施工方“补偿”。",
            legal_consultation=True, problems=[(C.CRIME_LEAD, problem, False)],
        )
        issue = self.issue(visit, problem)
        self.act(self.day(3, 6, 14, 0), services.issue_assign, issue, "office",
                 responsible_unit=self.units["长风派出所"], owner=self.users["officer2"], time_limit_days=20)
        self.act(self.day(3, 6, 15, 30), services.issue_accept, issue, "officer2", measures="调取施工方转账及现场证据，依法立案侦查。")
        self.act(self.day(3, 12, 20, 0), services.issue_progress, issue, "officer2", text="已立案侦查，张某夫妇被依法刑事拘留。")
        self.act(self.day(3, 20, 11, 0), services.issue_resolve, issue, "officer2",
                 evidence="案件已移送审查起诉；对汽修厂其他经营人员开展了法治教育，汽修厂照常营业。")
        self.act(self.day(3, 23, 9, 0), services.issue_close, issue, "leader", note="核实无误，予以销号。")
        self.act(self.day(3, 24, 10, 0), services.issue_satisfaction, issue, "office",
                 satisfaction=Issue.Satisfaction.NOT_REACHED, note="所有者被羁押，未能回访。")

    def coal_mine(self):
        mine = self.enterprise("山城区鑫源煤矿")
        problem = (
            "煤矿下炸药库建库设计时预估不足，无法存放保证每天正常生产用量的炸药：超量存放违法且有安全隐患，"
            "少存则无法保证生产。企业请求协助解决。"
        )
        if self.exists(mine, problem):
            return
        visit = self.visit(
            self.day(5, 20, 9, 0), enterprise=mine, author="zhongyuan", received_by="赵矿山", received_by_position="矿长",
            observations="查看下炸药库及领退登记，库容约为日用量的一半，现场管理规范。",
            opinions="希望公安机关在审批上给予便利，保证每天正常生产。",
            security_guidance=True, problems=[(C.SERVICE, problem, False)], photos=[_photo((110, 110, 100), 1)],
        )
        issue = self.issue(visit, problem)
        self.act(self.day(5, 20, 16, 0), services.issue_assign, issue, "office",
                 responsible_unit=self.units["治安管理大队"], owner=self.users["team"], time_limit_days=20,
                 measures="分局领导班子与社区民警研究，为企业制定护航计划。")
        self.act(self.day(5, 21, 9, 0), services.issue_accept, issue, "team")
        self.act(self.day(5, 22, 10, 0), services.issue_supervise, issue, "leader", level=Issue.Supervision.KEY,
                 instruction="开辟绿色通道，指定专人每天审批炸药使用事项；同时督促企业按规范扩建炸药库。")
        self.act(self.day(5, 27, 17, 0), services.issue_progress, issue, "team",
                 text="绿色通道已开通，指定专人每天为企业审批炸药使用事项，保证当天生产用量。", partly_fixed=True)
        self.act(self.day(6, 3, 17, 0), services.issue_progress, issue, "team",
                 text="网络故障期间派人到其他分局为企业办理审批手续，生产未受影响。", partly_fixed=True)
        self.act(self.day(6, 8, 11, 0), services.issue_extension_request, issue, "team",
                 new_deadline=dt.date(self.year, 7, 17), reason="炸药库扩建设计需报行业主管部门审批。")
        self.act(self.day(6, 9, 9, 0), services.issue_extension_approve, issue, "office", note="同意延期，期间绿色通道不停。")
        self.act(self.day(6, 10, 17, 0), services.issue_progress, issue, "team", text="扩建设计已报批，节假日照常审批。")
        self.act(self.day(7, 14, 16, 0), services.issue_resolve, issue, "team",
                 evidence="炸药库扩建已完成并通过验收，库容满足日用量；绿色通道转为常态化专人审批。")
        self.act(self.day(7, 16, 10, 0), services.issue_close, issue, "leader", note="现场查看，符合要求。")
        self.act(self.day(7, 17, 15, 0), services.issue_satisfaction, issue, "office", satisfaction=Issue.Satisfaction.SATISFIED,
                 note="企业负责人：为了给我们审批，过节也不能休息，真是辛苦你们了！")

    def leader_visits(self):
        chuangyue = self.enterprise("创越化工有限责任公司")
        tianma = self.enterprise("天马制衣厂")
        lighting = "园区周边道路夜间照明不足，危化品运输车辆夜间在厂外路边临时停放，缺乏看护。"
        residence = "企业外地员工多，民警办公时间与工人上班时间相同，部分员工的居住证未能及时办理。"
        letter = dict(letter_delivered=True, commitment_signed=True, legal_consultation=True)
        if not self.exists(chuangyue, lighting):
            visit = self.visit(
                self.day(6, 8, 9, 0), enterprise=chuangyue, author="leader", officers=[self.users["officer"]],
                received_by="王创越", received_by_position="总经理",
                observations="分局党委副书记带队走访，送达市公安局局长致企业家的信，现场签订治安服务管家承诺书；查看危化品仓库。",
                opinions="感谢公安机关主动上门服务；希望加强园区周边夜间巡逻。",
                security_guidance=True, problems=[(C.HAZARD, lighting, False)], photos=[_photo((150, 170, 140), 2)], **letter,
            )
            issue = self.issue(visit, lighting)
            self.act(self.day(6, 8, 15, 0), services.issue_assign, issue, "office",
                     responsible_unit=self.units["治安管理大队"], owner=self.users["team"])
            self.act(self.day(6, 9, 9, 0), services.issue_accept, issue, "team", measures="加密园区周边夜间巡逻，协调企业设置专用停车区。")
            self.act(self.day(6, 15, 17, 0), services.issue_progress, issue, "team", text="夜间巡逻已纳入巡区，每晚两次。", partly_fixed=True)
            self.act(self.day(6, 19, 16, 0), services.issue_resolve, issue, "team",
                     evidence="企业在厂区内设置危化品车辆专用停车区并安装照明和视频监控；园区周边夜间巡逻常态化。")
            self.act(self.day(6, 22, 10, 0), services.issue_close, issue, "office", note="现场核实。",
                     satisfaction=Issue.Satisfaction.SATISFIED)
        if not self.exists(tianma, residence):
            visit = self.visit(
                self.day(6, 8, 10, 30), enterprise=tianma, author="leader", officers=[self.users["officer"]],
                received_by="马天宇", received_by_position="厂长",
                observations="分局党委副书记带队走访，送达致企业家的信，签订治安服务管家承诺书。",
                opinions="员工下班时派出所已关门，希望能为外地员工办理居住登记提供方便。",
                problems=[(C.SERVICE, residence, False)], **letter,
            )
            issue = self.issue(visit, residence)
            self.act(self.day(6, 8, 16, 0), services.issue_assign, issue, "office",
                     responsible_unit=self.units["长风派出所"], owner=self.users["officer"], time_limit_days=20)
            self.act(self.day(6, 9, 8, 30), services.issue_accept, issue, "officer",
                     measures="与企业负责人约定时间，民警到厂区集中采集信息，办理居住登记。")
            self.visit(
                self.day(7, 2, 14, 0), enterprise=tianma, author="officer", officers=[self.users["officer2"]],
                received_by="马天宇", received_by_position="厂长",
                observations="民警到厂区集中采集外地员工信息，现场办理居住登记（一站式服务）。",
                opinions="没想到民警能到厂里为我们办理居住登记，替我们省了不少事儿！",
                registration_service=True, people_served=46, photos=[_photo((180, 160, 150), 3)],
            )
            self.act(self.day(7, 2, 18, 0), services.issue_resolve, issue, "officer",
                     evidence="7月2日到厂区为46名外地员工办理居住登记；居住登记满半年后将制作好的居住证送到厂里。")
            self.act(self.day(7, 3, 10, 0), services.issue_close, issue, "office",
                     satisfaction=Issue.Satisfaction.SATISFIED, note="回访厂长马天宇。")

    # ------------------------------------------------------------ the everyday ledger of the last weeks

    def everyday(self):
        ago = self.workdays_ago
        # (enterprise, author, workdays ago, observations, problems[(category, text, take_on)])
        visits = [
            ("长风物流有限公司", "officer2", 22, "车队进出频繁，门前道路拥堵。", [(C.DISPUTE, "货车司机与周边商户因停车问题多次发生争执，双方矛盾有激化苗头。", False)]),
            ("长风食品厂", "officer2", 9, "仓库货物堆放较多。", [(C.HAZARD, "成品仓库消防通道被货物堵塞，应急照明部分损坏。", True)]),
            ("山城电子科技有限公司", "officer2", 1, "新厂房投入使用，外籍技术人员增加。", [(C.SERVICE, "外籍技术人员办理居留许可需要咨询和预约服务。", True)]),
            ("长风五金加工厂", "officer", 7, "厂区围墙北侧有缺口。", [(C.HAZARD, "厂区监控摄像头覆盖不全，北侧围墙有缺口，夜间曾有人翻入。", True)]),
            ("胜利纺织有限公司", "shengli", 1, "生产正常。", [(C.OPINION, "希望派出所户籍窗口周末延长办理时间，方便倒班员工。", False)]),
            ("福盛超市", "fusheng", 2, "超市客流大，防损人员不足。", [(C.CRIME_LEAD, "超市近期多次发生小额盗窃，怀疑为同一伙人所为。", False)]),
            ("胜利烟花爆竹批发部", "shengli", 12, "仓库储量在许可范围内。", [(C.HAZARD, "仓库温湿度监测设备损坏，未能按规定记录。", True)]),
            ("中原制药有限公司", "zhongyuan", 6, "危化品管理台账齐全。", [(C.OTHER, "企业反映新建项目环评审批进度慢。", False)]),
            ("福盛液化气站", "fusheng", 15, "储罐区管理规范。", [(C.OTHER, "拟新建燃气管道需穿越绿化带，企业询问审批部门。", False)]),
            ("中原路农贸市场", "zhongyuan", 10, "市场周边占道经营较多。", [(C.OTHER, "市场外围商贩占道经营，影响市场消防通道。", True)]),
            ("胜利商贸中心", "shengli", 25, "商户经营正常。", [(C.DISPUTE, "两家商户因租赁合同到期续租问题发生纠纷。", True)]),
            ("中原路汽车销售服务有限公司", "zhongyuan", 4, "展厅及库区监控完好，无问题。", []),
            ("福盛印刷厂", "fusheng", 8, "印刷品承接登记规范，无问题。", []),
            ("胜利机械制造有限公司", "shengli", 14, "生产正常，宣传防范电信诈骗。", []),
            ("中原冷链仓储有限公司", "zhongyuan", 20, "冷库运行正常，无问题。", []),
            ("长风新能源科技有限公司", "officer", 30, "新入驻企业，建立联系。", []),
            ("山城区长风中路加油站", "officer", 12, "改建完成后运营正常，南侧汽修厂未再滋扰。", []),
            ("创越化工有限责任公司", "officer", 4, "危化品仓库双人双锁，台账规范；专用停车区照明正常。", []),
        ]
        made = {}
        for name, author, days, observations, problems in visits:
            enterprise = self.enterprise(name)
            if Visit.objects.filter(enterprise=enterprise, observations=observations).exists():
                continue
            made[name] = self.visit(
                ago(days, 9, 30), enterprise=enterprise, author=author, observations=observations,
                received_by=enterprise.contact_name, received_by_position="负责人", security_guidance=True, problems=problems,
            )

        def item(name):
            visit = made.get(name)
            return visit.issues.first() if visit else None

        # Red, supervised and missing its note: accepted 22 working days ago with 15 days to go.
        if issue := item("长风物流有限公司"):
            self.act(ago(22, 15), services.issue_assign, issue, "office", responsible_unit=self.units["长风派出所"],
                     owner=self.users["officer2"], time_limit_days=15)
            self.act(ago(21, 9), services.issue_accept, issue, "officer2", measures="约谈双方，划定临时停车区域。")
            self.act(ago(14, 10), services.issue_supervise, issue, "leader", level=Issue.Supervision.LISTED,
                     instruction="矛盾有激化苗头，挂牌督办，限期化解。")
            self.act(ago(9, 17), services.issue_progress, issue, "officer2", text="已组织双方调解一次，未达成一致。")
        # Yellow: taken on 9 working days ago with the default 10.
        if issue := item("胜利烟花爆竹批发部"):
            self.act(ago(11, 16), services.issue_resolve, issue, "shengli", evidence="已更换温湿度监测设备并补记台账。")
        if issue := item("中原制药有限公司"):
            self.act(ago(6, 15), services.issue_assign, issue, "office", responsible_unit=self.units["中原路派出所"],
                     owner=self.users["zhongyuan"])
            self.act(ago(5, 9), services.issue_return, issue, "zhongyuan", reason="环评审批属生态环境部门职责，非公安机关管辖，建议移交。")
        if issue := item("福盛液化气站"):
            self.act(ago(15, 15), services.issue_assign, issue, "office", responsible_unit=self.units["福盛派出所"],
                     owner=self.users["fusheng"])
            self.act(ago(14, 9), services.issue_accept, issue, "fusheng")
            self.act(ago(13, 10), services.issue_transfer, issue, "fusheng", receiving_authority="山城区城市管理局",
                     reason="绿化带占用审批属城市管理部门。已告知企业。")
        if issue := item("福盛超市"):
            self.act(ago(1, 15), services.issue_assign, issue, "office", responsible_unit=self.units["福盛派出所"],
                     owner=self.users["fusheng"], time_limit_days=10)
        if issue := item("长风五金加工厂"):
            self.act(ago(1, 11), services.issue_extension_request, issue, "officer",
                     new_deadline=deadlines.deadline_from(self.today, 15), reason="补装摄像头需走企业采购流程，约需三周。")
        if issue := item("中原路农贸市场"):
            self.act(ago(2, 16), services.issue_unable_request, issue, "zhongyuan",
                     reason="占道经营由城管部门负责，公安机关仅能配合；已多次联合整治仍反复。")
        if issue := item("胜利商贸中心"):
            self.act(ago(20, 15), services.issue_progress, issue, "shengli", text="组织双方调解。")
            self.act(ago(15, 16), services.issue_resolve, issue, "shengli", evidence="双方签订调解协议，续租一年。")
            self.act(ago(12, 10), services.issue_close, issue, "office", satisfaction=Issue.Satisfaction.DISSATISFIED,
                     note="回访：一方认为协议条款不公平，要求重新协商。")
