"""The demo district: the sub-bureau of the programme, its units, demo accounts and ~30 enterprises.

Running it again changes nothing: every row is looked up by its natural key first.
"""

import datetime as dt
from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import StationLiaison, Unit, User
from enterprises.models import Assignment, Enterprise
from liaison import citywide
from liaison.creditcode import check_character

PASSWORD = "Demo#2026"
DEMO_APPS = ("visits", "enterprises", "supervision", "casework", "reports")
BUREAU = "山城区公安分局"
OFFICE = "护航经济发展专班办公室"
TEAMS = [
    ("治安管理大队", Unit.Function.PUBLIC_ORDER),
    ("经济犯罪侦查大队", Unit.Function.ECONOMIC),
    ("刑事侦查大队", Unit.Function.CRIMINAL),
    ("法制大队", Unit.Function.LEGAL),
    ("指挥保障室", Unit.Function.COMMAND),
]
STATIONS = ["长风派出所", "胜利派出所", "福盛派出所", "中原路派出所"]

# username, name, badge, unit, role, phone, staff
ACCOUNTS = [
    ("leader", "周振华", "410001", BUREAU, User.Role.LEADER, "13803710001", False),
    ("leader2", "郑立群", "410002", BUREAU, User.Role.LEADER, "13803710002", False),
    ("office", "李晓梅", "410011", OFFICE, User.Role.COORDINATOR, "13803710011", False),
    ("team", "赵刚", "410021", "治安管理大队", User.Role.TEAM, "13803710021", False),
    ("ecoteam", "吴海燕", "410022", "经济犯罪侦查大队", User.Role.TEAM, "13803710022", False),
    ("legal", "孙丽", "410031", "法制大队", User.Role.TEAM, "13803710031", False),
    ("officer", "陈立新", "410101", "长风派出所", User.Role.OFFICER, "13903710101", False),
    ("officer2", "黄卫东", "410102", "长风派出所", User.Role.OFFICER, "13903710102", False),
    ("shengli", "马建国", "410201", "胜利派出所", User.Role.OFFICER, "13903710201", False),
    ("fusheng", "杨雪", "410301", "福盛派出所", User.Role.OFFICER, "13903710301", False),
    ("zhongyuan", "林涛", "410401", "中原路派出所", User.Role.OFFICER, "13903710401", False),
    ("auditor", "何静", "410501", BUREAU, User.Role.AUDITOR, "13803710501", False),
    ("admin", "系统管理员", None, BUREAU, "", "", True),
]

LIAISONS = [
    ("长风派出所", "leader", None),
    ("胜利派出所", "leader2", None),
    ("福盛派出所", "leader", None),
    ("中原路派出所", "leader2", None),
    ("长风派出所", None, "治安管理大队"),
    ("胜利派出所", None, "治安管理大队"),
    ("福盛派出所", None, "经济犯罪侦查大队"),
    ("中原路派出所", None, "刑事侦查大队"),
    ("长风派出所", None, "指挥保障室"),
]

# name, station, industry, address, contact, phone, key, hazards, capacity, officer username, extra
ENTERPRISES = [
    ("山城区长风中路加油站", "长风派出所", "ENERGY", "长风中路 88 号", "刘建设", "13937100001", True, {"has_fuel": True}, ("120", "m3"), "officer"),
    ("长风汽车修理厂", "长风派出所", "SERVICES", "长风中路 90 号（加油站南侧）", "张某", "13937100002", False, {}, None, "officer"),
    ("创越化工有限责任公司", "长风派出所", "CHEMICAL", "长风工业园 3 号", "王创越", "13937100003", True, {"has_hazardous_chemicals": True}, ("40", "t"), "officer"),
    ("天马制衣厂", "长风派出所", "TEXTILE", "长风北路 12 号", "马天宇", "13937100004", False, {}, None, "officer"),
    ("山城区鑫源煤矿", "中原路派出所", "MINING", "西山乡鑫源村", "赵矿山", "13937100005", True, {"has_explosives": True}, ("2000", "kg"), "zhongyuan"),
    ("长风物流有限公司", "长风派出所", "LOGISTICS", "长风南路 66 号", "钱通达", "13937100006", False, {}, None, "officer2"),
    ("长风食品厂", "长风派出所", "FOOD", "长风东路 5 号", "孙美味", "13937100007", False, {}, None, "officer2"),
    ("山城电子科技有限公司", "长风派出所", "TECHNOLOGY", "长风工业园 8 号", "李芯", "13937100008", False, {}, None, "officer2"),
    ("长风建材市场", "长风派出所", "RETAIL", "长风西路 100 号", "周建材", "0371-66880008", False, {}, None, None),
    ("胜利纺织有限公司", "胜利派出所", "TEXTILE", "胜利二巷 21 号", "吴纺", "13937100010", False, {}, None, "shengli"),
    ("胜利烟花爆竹批发部", "胜利派出所", "RETAIL", "胜利路 45 号", "郑红火", "13937100011", True, {"has_fireworks": True}, ("5", "t"), "shengli"),
    ("福盛家园物业管理有限公司", "福盛派出所", "SERVICES", "福盛家园小区", "冯物业", "13937100012", False, {}, None, "fusheng"),
    ("胜利商贸中心", "胜利派出所", "RETAIL", "胜利路 1 号", "陈商", "13937100013", False, {}, None, "shengli"),
    ("胜利机械制造有限公司", "胜利派出所", "MANUFACTURING", "胜利工业区 7 号", "褚机", "13937100014", False, {}, None, "shengli"),
    ("胜利建筑工程有限公司", "胜利派出所", "CONSTRUCTION", "胜利路 300 号", "卫建", "13937100015", False, {}, None, None),
    ("福盛超市", "福盛派出所", "RETAIL", "福盛路 18 号", "蒋超", "13937100016", False, {}, None, "fusheng"),
    ("福盛液化气站", "福盛派出所", "ENERGY", "福盛路 200 号", "沈气", "13937100017", True, {"has_fuel": True}, ("30", "m3"), "fusheng"),
    ("福盛印刷厂", "福盛派出所", "MANUFACTURING", "福盛路 60 号", "韩印", "13937100018", False, {}, None, "fusheng"),
    ("福盛酒店管理有限公司", "福盛派出所", "SERVICES", "福盛路 2 号", "杨住", "13937100019", False, {}, None, None),
    ("中原路汽车销售服务有限公司", "中原路派出所", "RETAIL", "中原路 500 号", "朱车", "13937100020", False, {}, None, "zhongyuan"),
    ("中原制药有限公司", "中原路派出所", "CHEMICAL", "中原路 800 号", "秦药", "13937100021", True, {"has_hazardous_chemicals": True}, ("15", "t"), "zhongyuan"),
    ("中原路农贸市场", "中原路派出所", "FOOD", "中原路 120 号", "尤农", "13937100022", False, {}, None, "zhongyuan"),
    ("山城水泥有限公司", "中原路派出所", "MANUFACTURING", "西山乡水泥厂路", "许泥", "13937100023", True, {"has_explosives": True}, ("500", "kg"), "zhongyuan"),
    ("中原路软件园运营有限公司", "中原路派出所", "TECHNOLOGY", "中原路 1 号", "何软", "13937100024", False, {}, None, None),
    ("长风包装材料厂", "长风派出所", "MANUFACTURING", "长风工业园 15 号", "吕包", "13937100025", False, {}, None, "officer2"),
    ("长风五金加工厂", "长风派出所", "MANUFACTURING", "长风工业园 20 号", "施金", "13937100026", False, {}, None, "officer"),
    ("胜利家具厂", "胜利派出所", "MANUFACTURING", "胜利工业区 9 号", "张木", "13937100027", False, {}, None, "shengli"),
    ("福盛服装城", "福盛派出所", "TEXTILE", "福盛路 99 号", "孔衣", "13937100028", False, {}, None, "fusheng"),
    ("中原冷链仓储有限公司", "中原路派出所", "LOGISTICS", "中原路 700 号", "曹冷", "13937100029", False, {}, None, "zhongyuan"),
    ("长风新能源科技有限公司", "长风派出所", "TECHNOLOGY", "长风工业园 30 号", "严能", "13937100030", False, {}, None, "officer"),
]


def demo_credit_code(index: int) -> str:
    """A well-formed code with a correct GB 32100 check character: 91 (company) + 410100 (a Henan area)."""
    body = f"91410100MA{index:07d}"[:17]
    return body + check_character(body)


class Command(BaseCommand):
    help = "Loads the demo district (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        bureau, _ = Unit.objects.get_or_create(name=BUREAU, defaults={"kind": Unit.Kind.BUREAU, "phone": "0371-66000000"})
        units = {BUREAU: bureau}
        units[OFFICE], _ = Unit.objects.get_or_create(name=OFFICE, defaults={"kind": Unit.Kind.OFFICE, "parent": bureau})
        for name, function in TEAMS:
            units[name], _ = Unit.objects.get_or_create(
                name=name, defaults={"kind": Unit.Kind.TEAM, "function": function, "parent": bureau}
            )
        for name in STATIONS:
            units[name], _ = Unit.objects.get_or_create(name=name, defaults={"kind": Unit.Kind.STATION, "parent": bureau})

        users = {}
        for username, name, badge, unit, role, phone, staff in ACCOUNTS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(
                    username=username, name=name, badge_number=badge, unit=units[unit], role=role, phone=phone,
                    is_staff=staff, is_superuser=staff,
                )
                user.set_password(PASSWORD)
                user.save()
            users[username] = user

        for station, leader, team in LIAISONS:
            StationLiaison.objects.get_or_create(
                station=units[station], leader=users.get(leader) if leader else None, team=units.get(team) if team else None
            )

        start = timezone.localdate() - dt.timedelta(days=150)
        for index, row in enumerate(ENTERPRISES, start=1):
            name, station, industry, address, contact, phone, key, hazards, capacity, officer = row
            enterprise = Enterprise.objects.filter(name=name).first()
            if enterprise is not None:
                continue
            enterprise = Enterprise(
                name=name, credit_code=demo_credit_code(index), station=units[station], industry=industry,
                address=f"山城区{address}", contact_name=contact, contact_phone=phone, is_key=key,
                visit_every_days=14 if key else 30, created_by=users["office"], **hazards,
            )
            if capacity:
                enterprise.storage_capacity, enterprise.storage_unit = capacity
            enterprise.full_clean()
            enterprise.save()
            if officer:
                Assignment.objects.create(
                    enterprise=enterprise, kind=Assignment.Kind.OFFICER, officer=users[officer], started_on=start,
                    created_by=users["office"],
                )
            if name in ("创越化工有限责任公司", "天马制衣厂"):
                Assignment.objects.create(
                    enterprise=enterprise, kind=Assignment.Kind.LEADER, officer=users["leader"], started_on=start,
                    created_by=users["office"],
                )
            if key:
                team = "刑事侦查大队" if station == "中原路派出所" else "治安管理大队"
                Assignment.objects.create(
                    enterprise=enterprise, kind=Assignment.Kind.TEAM, team=units[team], started_on=start,
                    created_by=users["office"],
                )
        for app in DEMO_APPS:
            try:
                module = import_module(f"{app}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{app}.demo":
                    raise
                continue
            module.seed(units=units, users=users)
        citywide.records_changed()  # the demo back-dates some records with update(), which sends no signal
        self.stdout.write(self.style.SUCCESS(f"Demo district ready. Demo accounts (password {PASSWORD}):"))
        for username, name, _badge, unit, role, _phone, staff in ACCOUNTS:
            label = "system admin" if staff else role
            self.stdout.write(f"  {username:<10} {name}  {unit}  {label}")
