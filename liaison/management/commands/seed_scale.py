"""A city at scale for the benchmark: ~40 stations, ~3,000 officers, N enterprises and their history.

`manage.py seed_scale --enterprises 50000` builds the shape the city-scale targets are measured on:
N enterprises with valid GB 32100 credit codes and exactly one current community officer each (from the
enterprise's own station; some have a leader or a team as well, some a past officer), 10×N visits,
4×N ledger items with 8×N ledger updates, plans with 3–6 tasks for a third of the enterprises, and 500 photo
files for the sample enterprise. Everything is written with bulk inserts in batches, generated chunk by chunk so that
memory stays flat; no row goes through `save()`, so no audit entries are written for the load.

The city has its own units and accounts (names and usernames start with the city's name or `scale-`),
so it never collides with `seed_demo`. It refuses to run twice on the same database.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import random
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, reset_queries, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import StationLiaison, Unit, User
from enterprises.models import Assignment, Enterprise, Plan, PlanTask
from liaison import citywide
from liaison.creditcode import ALPHABET, check_character
from liaison.workdays import add_workdays
from visits.models import Issue, IssueUpdate, Visit

CITY = "江城市"
BUREAU = "江城市公安局"
OFFICE = "江城市护航经济发展专班办公室"
PASSWORD = "Scale#2026"
USER_PREFIX = "scale-"
# The enterprise whose file the benchmark opens: it always has 50 visits and 30 ledger items.
SAMPLE_NAME = "江城市规模样本机械制造有限公司"
SAMPLE_VISITS = 50
SAMPLE_ISSUES = 30
# Photos of its visits (files on disk), so that its Word file shows what a photo-heavy file costs.
SAMPLE_PHOTOS = 500
# Accounts the benchmark signs in as.
BENCH_LEADER = "scale-leader"
BENCH_OFFICE = "scale-office"
BENCH_OFFICER = "scale-officer"
BENCH_ADMIN = "scale-admin"

TZ = ZoneInfo("Asia/Shanghai")
DISTRICTS = [
    ("江岸", "420102"), ("江汉", "420103"), ("硚口", "420104"), ("汉阳", "420105"), ("武昌", "420106"),
    ("青山", "420107"), ("洪山", "420111"), ("东西湖", "420112"), ("汉南", "420113"), ("蔡甸", "420114"),
    ("江夏", "420115"), ("黄陂", "420116"), ("新洲", "420117"),
]
STATION_PLACES = [
    "大智", "一元", "车站", "永清", "球场", "新村", "民权", "前进", "满春", "汉正", "宝丰", "古田", "易家",
    "荣华", "五里", "琴台", "晴川", "月湖", "首义", "中华路", "紫阳", "水果湖", "红卫路", "钢都", "工人村",
    "关山", "珞南", "花山", "吴家山", "金银潭", "纱帽", "邓南", "蔡甸街", "索河", "纸坊", "庙山", "前川",
    "盘龙", "邾城", "阳逻", "光谷", "沌口", "军山", "常福",
]
TEAMS = [
    ("治安管理支队", Unit.Function.PUBLIC_ORDER),
    ("经济犯罪侦查支队", Unit.Function.ECONOMIC),
    ("刑事侦查支队", Unit.Function.CRIMINAL),
    ("法制支队", Unit.Function.LEGAL),
    ("指挥中心", Unit.Function.COMMAND),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉健志国建新海波宁斌俊峰文东晨亮飞凯浩然宇轩欣怡佳琪雪梅春兰立群卫振永庆德明清"
BRANDS = ["鑫源", "华丰", "恒达", "宏远", "金鼎", "长江", "汉江", "楚天", "东湖", "光谷", "荆楚", "江城", "黄鹤", "晴川", "龟山", "蛇山", "盘龙", "汉正", "新港", "天河", "凯瑞", "瑞丰", "嘉禾", "永盛", "和顺", "兴隆", "泰和", "安泰", "德润", "惠民", "博远", "银河", "星辰", "远航", "通达", "顺通", "畅达", "联合", "协力", "同心", "万家", "千禧", "百川", "众诚", "诚信", "信达", "正大", "中和", "华兴", "华冠", "冠华", "天宇", "宇宙", "晨光", "曙光", "朝阳", "红星", "红旗", "新华", "新兴", "九州", "四海", "三江", "五湖", "东方", "西城", "南湖", "北辰", "金桥", "银桥", "玉泉", "清泉", "碧水", "青山", "绿洲", "翠竹", "松柏", "梅园", "兰亭", "菊花"]
BRAND_CHARS = "安宝邦博昌晨诚达德鼎东丰福富冠光广国海汉昊浩恒宏华辉汇佳嘉建金锦景巨凯康坤力利联隆龙茂美明铭楠鹏奇启谦庆荣瑞润森盛胜泰天通同威伟鑫新信星兴旭雅亚扬耀一亿益银盈永宇元远源跃长振正志中众卓"
TRADES = {
    Enterprise.Industry.MANUFACTURING: ["机械制造", "汽车零部件", "五金加工", "电器", "精密铸造", "包装材料", "塑料制品"],
    Enterprise.Industry.CHEMICAL: ["化工", "涂料", "医药化工", "新材料", "制药"],
    Enterprise.Industry.MINING: ["矿业", "石材", "砂石"],
    Enterprise.Industry.ENERGY: ["加油站", "燃气", "能源", "液化气"],
    Enterprise.Industry.CONSTRUCTION: ["建筑工程", "建材", "装饰工程", "路桥"],
    Enterprise.Industry.LOGISTICS: ["物流", "运输", "冷链仓储", "货运代理"],
    Enterprise.Industry.RETAIL: ["商贸", "超市", "批发市场", "百货"],
    Enterprise.Industry.SERVICES: ["物业管理", "酒店管理", "餐饮管理", "汽车服务", "保安服务"],
    Enterprise.Industry.TEXTILE: ["纺织", "服装", "制衣"],
    Enterprise.Industry.FOOD: ["食品", "粮油", "饮料", "农贸"],
    Enterprise.Industry.TECHNOLOGY: ["科技", "电子", "软件", "光电", "信息技术"],
    Enterprise.Industry.OTHER: ["文化传媒", "广告", "咨询"],
}
INDUSTRY_WEIGHTS = {
    Enterprise.Industry.MANUFACTURING: 20, Enterprise.Industry.CHEMICAL: 4, Enterprise.Industry.MINING: 1,
    Enterprise.Industry.ENERGY: 3, Enterprise.Industry.CONSTRUCTION: 8, Enterprise.Industry.LOGISTICS: 8,
    Enterprise.Industry.RETAIL: 18, Enterprise.Industry.SERVICES: 16, Enterprise.Industry.TEXTILE: 5,
    Enterprise.Industry.FOOD: 7, Enterprise.Industry.TECHNOLOGY: 8, Enterprise.Industry.OTHER: 2,
}
FORMS = ["有限公司", "有限公司", "有限责任公司", "股份有限公司", "厂", "经营部"]
STREETS = ["解放大道", "中山大道", "建设大道", "发展大道", "青年路", "珞喻路", "武珞路", "和平大道", "工业一路", "工业二路", "创业路", "科技园路"]
OBSERVATIONS = [
    "检查了门卫值守和监控设备，监控覆盖厂区主要出入口，运转正常。",
    "查看了危险品仓库台账，出入库登记完整，双人双锁落实。",
    "企业反映夜间周边有可疑人员徘徊，已记录并安排巡逻。",
    "消防通道有杂物堆放，已当场提醒整改。",
    "企业新招员工较多，协助开展了流动人口登记。",
    "了解企业生产经营情况，近期订单稳定，无突出治安问题。",
    "企业与供应商存在货款纠纷，已告知调解途径。",
    "宣传了防范电信网络诈骗知识，发放宣传资料。",
]
OPINIONS = ["", "", "希望加强周边夜间巡逻。", "希望简化货车通行证办理流程。", "对民警服务表示满意。", "建议增设路口监控。"]
ISSUE_TEXT = {
    Issue.Category.HAZARD: ["厂区东侧围墙破损，存在盗窃隐患。", "仓库消防设施过期未更换。", "监控探头损坏三处，夜间无法覆盖。"],
    Issue.Category.DISPUTE: ["与相邻企业因通道使用发生纠纷。", "拖欠农民工工资引发矛盾，需协调。", "与承包方结算纠纷。"],
    Issue.Category.CRIME_LEAD: ["企业反映有人冒用公司名义诈骗客户。", "仓库原材料疑似被内部人员盗卖。"],
    Issue.Category.SERVICE: ["申请办理货车夜间通行证。", "员工集体户口迁移咨询。", "申请开展反诈宣传进企业。"],
    Issue.Category.OPINION: ["希望派出所窗口延长办证时间。", "建议公示社区民警联系方式。"],
    Issue.Category.OTHER: ["企业周边道路积水影响出行，需协调相关部门。"],
}
CATEGORY_WEIGHTS = {
    Issue.Category.HAZARD: 35, Issue.Category.DISPUTE: 20, Issue.Category.CRIME_LEAD: 5,
    Issue.Category.SERVICE: 25, Issue.Category.OPINION: 10, Issue.Category.OTHER: 5,
}
# Working days to fix, by category (the office's usual terms).
TERMS = {
    Issue.Category.HAZARD: 15, Issue.Category.DISPUTE: 10, Issue.Category.CRIME_LEAD: 20,
    Issue.Category.SERVICE: 5, Issue.Category.OPINION: 10, Issue.Category.OTHER: 20,
}
S = Issue.Status
# The way an item normally travels; the other end states branch off it.
PATH = [S.REGISTERED, S.ASSIGNED, S.ACCEPTED, S.IN_PROGRESS, S.RESOLVED, S.CLOSED]
UPDATE_WEIGHTS = {
    S.REGISTERED: 0.3, S.ASSIGNED: 0.8, S.ACCEPTED: 1.0, S.IN_PROGRESS: 2.2, S.RESOLVED: 2.5, S.CLOSED: 3.0,
    S.RETURNED: 1.2, S.TRANSFERRED: 1.5, S.UNABLE: 1.5,
}
NOTES = ["已联系企业负责人，约定整改时间。", "整改方案已制定，正在落实。", "部分整改完成，剩余工作本周内完成。", "现场复查，整改措施基本到位。", "已协调相关部门共同处理。"]


@dataclass
class City:
    bureau: Unit
    office: Unit
    teams: list[Unit]
    stations: list[Unit]
    station_weights: list[float]
    district_of: dict[int, str]
    leaders: list[int]
    coordinators: list[int]
    team_officers: dict[int, list[int]]
    officers_by_station: dict[int, list[int]]
    liaison_teams: dict[int, list[int]] = field(default_factory=dict)


@contextlib.contextmanager
def keep_given_times():
    """bulk_create would stamp auto_now/auto_now_add fields with the load time; keep the generated history."""
    touched = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, models.DateField) and (f.auto_now or f.auto_now_add):
                touched.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in touched:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def credit_code(index: int, category: str, area: str) -> str:
    """A unique, valid code: an organisation code that is a bijective scramble of `index`, plus the check."""
    if index % 10 < 7:
        # Newer registrations: MA + 7 characters of the code alphabet.
        value = (index * 7_919 + 104_729) % 31**7
        chars = []
        for _ in range(7):
            value, digit = divmod(value, 31)
            chars.append(ALPHABET[digit])
        org = "MA" + "".join(chars)
    else:
        org = f"{(index * 7_919 + 15_485_863) % 10**9:09d}"
    body = f"{category}{area}{org}"
    return body + check_character(body)


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def batched(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def allocate(rng: random.Random, total: int, weights: list[float]) -> list[int]:
    """Split `total` among len(weights) slots in proportion to the weights (a multinomial draw)."""
    if total <= 0 or not weights or not any(weights):
        return [0] * len(weights)
    counts = Counter(rng.choices(range(len(weights)), weights=weights, k=total))
    return [counts.get(i, 0) for i in range(len(weights))]


class Command(BaseCommand):
    help = "Builds a city-scale data set (bulk inserts) for the benchmark; run it on a database of its own."

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=5000, help="Number of enterprises (50000 for the city).")
        parser.add_argument("--batch-size", type=int, default=5000, help="Rows per INSERT.")
        parser.add_argument("--chunk", type=int, default=2500, help="Enterprises generated (and held in memory) at a time.")
        parser.add_argument("--random-seed", type=int, default=2026)
        parser.add_argument(
            "--sample-photos", type=int, default=SAMPLE_PHOTOS,
            help="Photo files written for the sample enterprise's visits (into MEDIA_ROOT).",
        )

    def handle(self, *args, **options):
        n = options["enterprises"]
        if n < 1:
            raise CommandError("--enterprises must be at least 1.")
        if Unit.objects.filter(name=BUREAU).exists():
            raise CommandError(f"{BUREAU} already exists here: seed_scale builds a city once, on a fresh database.")
        self.rng = random.Random(options["random_seed"])
        self.batch = options["batch_size"]
        self.now = timezone.now().replace(microsecond=0)
        self.today = timezone.localdate()
        # Ledger numbers continue after any items already on the database (the demo district's, say).
        self.serials: Counter = Counter(
            dict(Issue.objects.values_list("year").annotate(last=Max("serial")).values_list("year", "last"))
        )
        self.totals: Counter = Counter()
        started = time.monotonic()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # A bulk load that can be re-run from scratch: losing the last commit on a crash costs nothing.
                cursor.execute("SET synchronous_commit TO OFF")
        from auditlog.context import disable_auditlog

        with disable_auditlog(), keep_given_times():
            with transaction.atomic():
                city = self.build_city(n)
            chunk = max(1, options["chunk"])
            for start in range(0, n, chunk):
                with transaction.atomic():
                    self.build_chunk(city, start, min(chunk, n - start))
                # With DEBUG on, Django keeps every statement's text: megabytes per bulk insert.
                reset_queries()
                self.stdout.write(
                    f"  {start + min(chunk, n - start):>7} / {n} enterprises  ({time.monotonic() - started:6.1f} s)"
                )
        with disable_auditlog(), keep_given_times():
            self.build_sample_photos(max(0, options["sample_photos"]))
        if connection.vendor == "postgresql":
            # What autovacuum would reach soon after on a live server: statistics for the planner and a
            # visibility map, so that counts can use index-only scans.
            with connection.cursor() as cursor:
                if not connection.in_atomic_block:  # VACUUM cannot run inside a transaction (as in tests)
                    for model in (Enterprise, Assignment, Visit, Visit.officers.through, Issue, IssueUpdate, Plan, PlanTask, User, Unit):
                        cursor.execute(f'VACUUM ANALYZE "{model._meta.db_table}"')
                cursor.execute("ANALYZE")
        # Bulk inserts send no model signals: figures kept for the records before the load are dropped here.
        citywide.records_changed()
        elapsed = time.monotonic() - started
        summary = ", ".join(f"{count} {name}" for name, count in self.totals.items())
        self.stdout.write(self.style.SUCCESS(f"City built in {elapsed:.1f} s: {summary}."))

    # ------------------------------------------------------------------ units and people

    def build_city(self, n: int) -> City:
        rng = self.rng
        bureau = Unit.objects.create(name=BUREAU, kind=Unit.Kind.BUREAU, phone="027-85390000")
        office = Unit.objects.create(name=OFFICE, kind=Unit.Kind.OFFICE, parent=bureau, phone="027-85390110")
        teams = Unit.objects.bulk_create(
            [
                Unit(name=f"{CITY}{district}{team}", kind=Unit.Kind.TEAM, function=function, parent=bureau)
                for district, _ in DISTRICTS[:2]
                for team, function in TEAMS
            ]
        )
        station_count = min(40, max(2, n // 125))
        stations, district_of = [], {}
        for i in range(station_count):
            district, area = DISTRICTS[i % len(DISTRICTS)]
            place = STATION_PLACES[i % len(STATION_PLACES)]
            stations.append(Unit(name=f"{CITY}公安局{district}分局{place}派出所", kind=Unit.Kind.STATION, parent=bureau))
        stations = Unit.objects.bulk_create(stations)
        for i, station in enumerate(stations):
            district_of[station.pk] = DISTRICTS[i % len(DISTRICTS)][1]
        # Industrial parks make some stations much busier than others.
        weights = [rng.lognormvariate(0, 0.45) for _ in stations]
        self.totals["stations"] = len(stations)

        password = make_password(PASSWORD)
        badge = iter(range(1, 10**6))
        users: list[User] = []

        def user(username, role, unit, **extra):
            users.append(
                User(
                    username=username, name=person_name(rng), badge_number=f"42{next(badge):06d}", role=role, unit=unit,
                    phone=f"139{rng.randrange(10**8):08d}", password=password, date_joined=self.now, **extra,
                )
            )
            return users[-1]

        for i in range(max(2, min(8, n // 5000 + 2))):
            user(BENCH_LEADER if i == 0 else f"{USER_PREFIX}leader{i:02d}", User.Role.LEADER, bureau)
        for i in range(max(2, min(12, n // 4000 + 2))):
            user(BENCH_OFFICE if i == 0 else f"{USER_PREFIX}office{i:02d}", User.Role.COORDINATOR, office)
        per_team = max(1, round(n * 0.003 / len(teams)))
        for t, team in enumerate(teams):
            for i in range(per_team):
                user(f"{USER_PREFIX}team{t:02d}-{i:02d}", User.Role.TEAM, team)
        officer_total = max(2 * len(stations), round(n * 0.056))
        share = [w / sum(weights) for w in weights]
        for s, station in enumerate(stations):
            for i in range(max(2, round(officer_total * share[s]))):
                username = BENCH_OFFICER if (s, i) == (0, 0) else f"{USER_PREFIX}officer{s:02d}-{i:03d}"
                user(username, User.Role.OFFICER, station)
        user(BENCH_ADMIN, "", bureau, is_staff=True, is_superuser=True)
        for chunk in batched(users, self.batch):
            User.objects.bulk_create(chunk)
        self.totals["users"] = len(users)

        by_role: dict[str, list[User]] = {}
        for u in users:
            by_role.setdefault(u.role, []).append(u)
        officers_by_station: dict[int, list[int]] = {}
        for u in by_role[User.Role.OFFICER]:
            officers_by_station.setdefault(u.unit_id, []).append(u.pk)
        team_officers: dict[int, list[int]] = {}
        for u in by_role[User.Role.TEAM]:
            team_officers.setdefault(u.unit_id, []).append(u.pk)
        leaders = [u.pk for u in by_role[User.Role.LEADER]]
        city = City(
            bureau=bureau, office=office, teams=teams, stations=stations, station_weights=weights, district_of=district_of,
            leaders=leaders, coordinators=[u.pk for u in by_role[User.Role.COORDINATOR]], team_officers=team_officers,
            officers_by_station=officers_by_station,
        )
        liaisons = []
        for s, station in enumerate(stations):
            liaisons.append(StationLiaison(station=station, leader_id=leaders[s % len(leaders)]))
            chosen = rng.sample(teams, 2)
            city.liaison_teams[station.pk] = [t.pk for t in chosen]
            liaisons.extend(StationLiaison(station=station, team=t) for t in chosen)
        StationLiaison.objects.bulk_create(liaisons)
        return city

    # ------------------------------------------------------------------ enterprises and their history

    def when(self, day_from: dt.date, day_to: dt.date) -> dt.datetime:
        """A working-hours moment between two dates (Asia/Shanghai)."""
        span = max(0, (day_to - day_from).days)
        day = day_from + dt.timedelta(days=self.rng.randint(0, span))
        minute = self.rng.randint(8 * 60 + 30, 18 * 60)
        return dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=TZ)

    def build_chunk(self, city: City, first: int, count: int) -> None:
        rng, today = self.rng, self.today
        industries, industry_weights = zip(*INDUSTRY_WEIGHTS.items(), strict=True)
        horizon = today - dt.timedelta(days=730)

        # Enterprises, with the times of their visits decided first so that last_visit_at is known.
        enterprises: list[Enterprise] = []
        officer_of: list[int] = []
        visit_weights: list[float] = []
        for i in range(first, first + count):
            sample = i == 0
            station = city.stations[0] if sample else rng.choices(city.stations, weights=city.station_weights)[0]
            industry = Enterprise.Industry.MANUFACTURING if sample else rng.choices(industries, weights=industry_weights)[0]
            hazard = {}
            if industry in (Enterprise.Industry.CHEMICAL,) and rng.random() < 0.7:
                hazard["has_hazardous_chemicals"] = True
            elif industry == Enterprise.Industry.ENERGY:
                hazard["has_fuel"] = True
            elif industry in (Enterprise.Industry.MINING, Enterprise.Industry.CONSTRUCTION) and rng.random() < 0.3:
                hazard["has_explosives"] = True
            elif industry == Enterprise.Industry.RETAIL and rng.random() < 0.02:
                hazard["has_fireworks"] = True
            is_key = sample or bool(hazard) or rng.random() < 0.08
            category = rng.choices(("91", "92", "93"), weights=(88, 10, 2))[0]
            brand = rng.choice(BRANDS) if rng.random() < 0.5 else rng.choice(BRAND_CHARS) + rng.choice(BRAND_CHARS)
            trade = rng.choice(TRADES[industry])
            name = SAMPLE_NAME if sample else f"{CITY}{brand}{trade}{rng.choice(FORMS)}"
            if not sample and rng.random() < 0.35:
                name = f"{CITY}{DISTRICTS[i % len(DISTRICTS)][0]}{brand}{trade}{rng.choice(FORMS)}"
            created_days = rng.randint(5, 1500) if rng.random() < 0.15 else rng.randint(760, 2200)
            created_at = self.when(today - dt.timedelta(days=created_days), today - dt.timedelta(days=created_days))
            capacity = {}
            if hazard:
                capacity = {"storage_capacity": rng.choice((5, 20, 40, 120, 500, 2000)), "storage_unit": rng.choice(("kg", "t", "m3"))}
            enterprise = Enterprise(
                name=name, credit_code=credit_code(i, category, city.district_of[station.pk]), station=station,
                industry=industry, address=f"{CITY}{rng.choice(STREETS)}{rng.randint(1, 999)}号",
                legal_representative=person_name(rng), contact_name=person_name(rng),
                contact_position=rng.choice(("总经理", "安全主管", "办公室主任", "厂长", "")),
                contact_phone=f"13{rng.randint(3, 9)}{rng.randrange(10**8):08d}", employees=rng.choice((8, 25, 60, 150, 400, 1200)),
                is_key=is_key, visit_every_days=14 if is_key else 30, contact_every_days=7,
                status=Enterprise.Status.ACTIVE,
                created_at=created_at, updated_at=created_at, created_by_id=rng.choice(city.coordinators), **hazard, **capacity,
            )
            enterprises.append(enterprise)
            station_officers = city.officers_by_station[station.pk]
            officer_of.append(station_officers[0] if sample else station_officers[i % len(station_officers)])
            never = not sample and rng.random() < 0.03
            visit_weights.append(0.0 if never else (2.5 if is_key else 1.0))

        total_visits = 10 * count - (SAMPLE_VISITS if first == 0 else 0)
        visits_per = allocate(rng, total_visits, [0.0 if first == 0 and k == 0 else w for k, w in enumerate(visit_weights)])
        if first == 0:
            visits_per[0] = SAMPLE_VISITS
        visit_times: list[list[dt.datetime]] = []
        for enterprise, k in zip(enterprises, visits_per, strict=True):
            start = max(horizon, enterprise.created_at.astimezone(TZ).date() + dt.timedelta(days=1))
            times = sorted(self.when(min(start, today), today) for _ in range(k))
            times = [t if t <= self.now else self.now - dt.timedelta(hours=1) for t in times]
            visit_times.append(times)
            enterprise.last_visit_at = times[-1] if times else None
        for chunk in batched(enterprises, self.batch):
            Enterprise.objects.bulk_create(chunk)
        self.totals["enterprises"] += len(enterprises)

        self.build_assignments(city, enterprises, officer_of)
        visits_by_enterprise = self.build_visits(city, enterprises, officer_of, visit_times)
        self.build_issues(city, enterprises, officer_of, visits_by_enterprise, first)
        self.build_plans(city, enterprises, officer_of)

    def build_assignments(self, city: City, enterprises: list[Enterprise], officer_of: list[int]) -> None:
        rng, today = self.rng, self.today
        rows = []
        for enterprise, officer in zip(enterprises, officer_of, strict=True):
            created = enterprise.created_at
            began = created.astimezone(TZ).date()
            station_officers = city.officers_by_station[enterprise.station_id]
            if rng.random() < 0.12 and len(station_officers) > 1:
                # A past steward, replaced when they moved on.
                former = rng.choice([o for o in station_officers if o != officer])
                changed = began + dt.timedelta(days=rng.randint(30, max(31, (today - began).days - 1)))
                changed = min(changed, today)
                rows.append(Assignment(
                    enterprise=enterprise, kind=Assignment.Kind.OFFICER, officer_id=former, started_on=began, ended_on=changed,
                    end_reason="岗位调整", created_at=created, updated_at=created, created_by_id=city.coordinators[0],
                ))
                began = changed
            rows.append(Assignment(
                enterprise=enterprise, kind=Assignment.Kind.OFFICER, officer_id=officer, started_on=began,
                created_at=created, updated_at=created, created_by_id=city.coordinators[0],
            ))
            if enterprise.is_key and rng.random() < 0.35:
                rows.append(Assignment(
                    enterprise=enterprise, kind=Assignment.Kind.LEADER, officer_id=rng.choice(city.leaders), started_on=began,
                    created_at=created, updated_at=created, created_by_id=city.coordinators[0],
                ))
            if enterprise.is_key or rng.random() < 0.05:
                rows.append(Assignment(
                    enterprise=enterprise, kind=Assignment.Kind.TEAM, team_id=rng.choice(city.liaison_teams[enterprise.station_id]),
                    started_on=began, created_at=created, updated_at=created, created_by_id=city.coordinators[0],
                ))
        for chunk in batched(rows, self.batch):
            Assignment.objects.bulk_create(chunk)
        self.totals["assignments"] += len(rows)

    def build_visits(self, city, enterprises, officer_of, visit_times) -> list[list[Visit]]:
        rng = self.rng
        flat: list[Visit] = []
        per_enterprise: list[list[Visit]] = []
        for enterprise, officer, times in zip(enterprises, officer_of, visit_times, strict=True):
            station_officers = city.officers_by_station[enterprise.station_id]
            mine = []
            for at in times:
                author = officer if rng.random() < 0.85 else rng.choice(station_officers)
                visit = Visit(
                    enterprise=enterprise, author_id=author, visited_at=at,
                    channel=rng.choices(list(Visit.Channel.values), weights=(75, 20, 5))[0],
                    received_by=enterprise.contact_name, received_by_position=enterprise.contact_position,
                    observations=rng.choice(OBSERVATIONS), opinions=rng.choice(OPINIONS),
                    letter_delivered=rng.random() < 0.2, commitment_signed=rng.random() < 0.1,
                    legal_consultation=rng.random() < 0.15, security_guidance=rng.random() < 0.5,
                    registration_service=rng.random() < 0.05, people_served=rng.choice((0, 0, 0, 2, 5, 12)),
                    created_at=at, updated_at=at, created_by_id=author,
                )
                mine.append(visit)
            flat.extend(mine)
            per_enterprise.append(mine)
        for chunk in batched(flat, self.batch):
            Visit.objects.bulk_create(chunk)
        present = Visit.officers.through
        links = []
        for v in flat:
            links.append(present(visit_id=v.pk, user_id=v.author_id))
            if rng.random() < 0.25:
                station_officers = city.officers_by_station[v.enterprise.station_id]
                other = rng.choice(station_officers)
                if other != v.author_id:
                    links.append(present(visit_id=v.pk, user_id=other))
        for chunk in batched(links, self.batch):
            present.objects.bulk_create(chunk)
        self.totals["visits"] += len(flat)
        self.totals["visit officers"] += len(links)
        return per_enterprise

    def build_sample_photos(self, count: int) -> None:
        """Visit photos of the sample enterprise: real JPEG files of a phone photo's size (1600×1200, ~200 KB).

        A few distinct pictures are drawn and each is stored under many names, as uploads would be (every
        upload is its own file); drawing 500 different ones would only cost time.
        """
        if not count:
            return
        from django.core.files.base import ContentFile
        from PIL import Image, ImageDraw, ImageFilter

        from visits.models import VisitPhoto

        rng = random.Random(self.rng.random())
        pictures = []
        for _ in range(6):
            image = Image.new("RGB", (1600, 1200), tuple(rng.randrange(256) for _ in range(3)))
            draw = ImageDraw.Draw(image)
            for _ in range(300):
                x, y = rng.randrange(1600), rng.randrange(1200)
                draw.rectangle((x, y, x + rng.randrange(20, 300), y + rng.randrange(20, 200)),
                               fill=tuple(rng.randrange(256) for _ in range(3)))
            noise = Image.effect_noise((1600, 1200), 24).convert("RGB")
            image = Image.blend(image, noise, 0.15).filter(ImageFilter.GaussianBlur(1))
            full, thumb = io.BytesIO(), io.BytesIO()
            image.save(full, "JPEG", quality=88)
            image.thumbnail((320, 320))
            image.save(thumb, "JPEG", quality=80)
            pictures.append((full.getvalue(), thumb.getvalue()))
        visits = list(Visit.objects.filter(enterprise__name=SAMPLE_NAME).order_by("visited_at", "pk"))
        photos = []
        for k in range(count):
            visit = visits[k % len(visits)]
            full, thumb = pictures[k % len(pictures)]
            photo = VisitPhoto(visit=visit, caption=f"现场照片 {k + 1}", created_at=visit.visited_at,
                               updated_at=visit.visited_at, created_by_id=visit.author_id)
            photo.image.save("photo.jpg", ContentFile(full), save=False)
            photo.thumbnail.save("thumb.jpg", ContentFile(thumb), save=False)
            photos.append(photo)
        for chunk in batched(photos, self.batch):
            VisitPhoto.objects.bulk_create(chunk)
        self.totals["sample photos"] += len(photos)

    @lru_cache(maxsize=8192)  # noqa: B019 - the command lives for one run; the calendar does not change during it
    def deadline(self, accepted: dt.date, days: int) -> dt.date:
        return add_workdays(accepted, days)

    def pick_status(self, age_days: int) -> str:
        # Old items are nearly all settled; what is still open is mostly recent, a part of it overdue.
        if age_days > 365:
            table = {S.CLOSED: 93, S.TRANSFERRED: 3, S.UNABLE: 3, S.IN_PROGRESS: 0.6, S.RESOLVED: 0.4}
        elif age_days > 120:
            table = {S.CLOSED: 86, S.TRANSFERRED: 4, S.UNABLE: 3, S.IN_PROGRESS: 4, S.RESOLVED: 2, S.RETURNED: 1}
        elif age_days > 30:
            table = {S.CLOSED: 55, S.IN_PROGRESS: 22, S.RESOLVED: 9, S.ACCEPTED: 5, S.TRANSFERRED: 3, S.RETURNED: 2, S.UNABLE: 2, S.ASSIGNED: 2}
        else:
            table = {S.REGISTERED: 14, S.ASSIGNED: 18, S.ACCEPTED: 20, S.IN_PROGRESS: 30, S.RESOLVED: 10, S.CLOSED: 6, S.RETURNED: 2}
        return self.rng.choices(list(table), weights=list(table.values()))[0]

    def build_issues(self, city, enterprises, officer_of, visits_by_enterprise, first: int) -> None:
        rng, now, today = self.rng, self.now, self.today
        count = len(enterprises)
        total = 4 * count - (SAMPLE_ISSUES if first == 0 else 0)
        weights = [
            0.0 if (first == 0 and k == 0) else (len(v) + 0.5 if v else 0.3) for k, v in enumerate(visits_by_enterprise)
        ]
        per = allocate(rng, total, weights)
        if first == 0:
            per[0] = SAMPLE_ISSUES
        categories, category_weights = zip(*CATEGORY_WEIGHTS.items(), strict=True)
        issues: list[Issue] = []
        for enterprise, officer, visits, k in zip(enterprises, officer_of, visits_by_enterprise, per, strict=True):
            for _ in range(k):
                visit = rng.choice(visits) if visits and rng.random() < 0.9 else None
                if visit is not None:
                    created = visit.visited_at + dt.timedelta(hours=rng.randint(1, 30))
                else:
                    created = self.when(today - dt.timedelta(days=700), today)
                created = min(created, now - dt.timedelta(hours=2))
                issues.append(self.make_issue(city, enterprise, officer, visit, created, categories, category_weights))
        # Numbers run in the order items were registered within each year.
        issues.sort(key=lambda item: item.created_at)
        for item in issues:
            self.serials[item.year] += 1
            item.serial = self.serials[item.year]
        for chunk in batched(issues, self.batch):
            Issue.objects.bulk_create(chunk)
        self.totals["ledger items"] += len(issues)
        self.build_updates(city, issues, 8 * count)

    def make_issue(self, city, enterprise, officer, visit, created, categories, category_weights) -> Issue:
        rng, now, today = self.rng, self.now, self.today
        category = rng.choices(categories, weights=category_weights)[0]
        local = created.astimezone(TZ)
        age = (today - local.date()).days
        status = self.pick_status(age)
        item = Issue(
            year=local.year, serial=0, enterprise=enterprise, visit=visit, category=category,
            description=rng.choice(ISSUE_TEXT[category]), status=status, created_at=created, updated_at=created,
            created_by_id=visit.author_id if visit is not None else officer,
        )
        if status != S.REGISTERED:
            if rng.random() < 0.7:
                item.responsible_unit_id, item.owner_id = enterprise.station_id, officer
            else:
                team = rng.choice(city.teams)
                item.responsible_unit_id = team.pk
                item.owner_id = rng.choice(city.team_officers[team.pk])
            item.measures = "制定整改方案，明确责任人和完成时限。"
        reached = PATH.index(status) if status in PATH else rng.choice((2, 3))
        if status in (S.RETURNED,):
            reached = 1
        if reached >= 2:
            accepted = created + dt.timedelta(days=rng.choice((0, 1, 1, 2, 3)), hours=rng.randint(1, 5))
            accepted = min(accepted, now - dt.timedelta(hours=1))
            item.accepted_at = accepted
            item.deadline = self.deadline(accepted.astimezone(TZ).date(), TERMS[category])
            if rng.random() < 0.05:
                item.original_deadline = item.deadline
                item.deadline = self.deadline(item.deadline, 10)
        if reached >= 4 or status == S.CLOSED:
            limit = item.deadline or today
            on_time = rng.random() < 0.85
            resolved_day = (
                (item.accepted_at or created).astimezone(TZ).date() + dt.timedelta(days=rng.randint(1, 12))
                if on_time else limit + dt.timedelta(days=rng.randint(1, 20))
            )
            resolved = min(self.when(resolved_day, resolved_day), now - dt.timedelta(minutes=30))
            item.resolved_at = max(resolved, item.accepted_at or created)
            item.resolution = "隐患已整改到位，经复查符合要求。"
        if status == S.CLOSED:
            closed = item.resolved_at + dt.timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 6))
            item.closed_at = min(closed, now - dt.timedelta(minutes=10))
            item.closed_by_id = rng.choice(city.coordinators)
            item.satisfaction = rng.choices(list(Issue.Satisfaction.values), weights=(70, 20, 4, 6))[0]
        elif status == S.RETURNED:
            item.reason = "不属于本单位职责范围，建议转交属地派出所。"
        elif status == S.TRANSFERRED:
            item.transferred_to = rng.choice(("区市场监督管理局", "区应急管理局", "街道办事处", "区人力资源和社会保障局"))
            item.reason = "属其他部门职责，已移交。"
        elif status == S.UNABLE:
            item.reason = "企业已停产，问题无法核实。"
        if item.status in Issue.OPEN_STATES and status != S.REGISTERED and rng.random() < 0.05:
            item.supervision = rng.choice((Issue.Supervision.KEY, Issue.Supervision.KEY, Issue.Supervision.LISTED))
            item.supervision_instruction = "请责任单位加快整改进度，按期销号。"
            item.supervised_since = min(created + dt.timedelta(days=rng.randint(3, 20)), now - dt.timedelta(minutes=5))
        last = item.closed_at or item.resolved_at or item.accepted_at or created
        item.updated_at = last
        return item

    def build_updates(self, city, issues: list[Issue], total: int) -> None:
        rng, now = self.rng, self.now
        per = allocate(rng, total, [UPDATE_WEIGHTS[item.status] for item in issues])
        rows = []
        for item, k in zip(issues, per, strict=True):
            if not k:
                continue
            if item.status in PATH:
                steps = PATH[1:PATH.index(item.status) + 1]
            elif item.status == S.RETURNED:
                steps = [S.ASSIGNED, S.RETURNED]
            else:
                steps = [S.ASSIGNED, S.ACCEPTED, item.status]
            # The latest transitions are the ones kept; progress notes fill the rest.
            events = steps[-k:]
            notes = k - len(events)
            start = item.created_at
            end = item.closed_at or item.resolved_at or min(now, item.created_at + dt.timedelta(days=30))
            span = max(60.0, (end - start).total_seconds())
            moments = sorted(start + dt.timedelta(seconds=rng.uniform(0, span)) for _ in range(k))
            previous = PATH[PATH.index(events[0]) - 1] if events and events[0] in PATH[1:] else S.ASSIGNED
            entries = [("note", None)] * notes + [("move", s) for s in events]
            if notes and events:
                # Notes sit between acceptance and the last transition, as work progresses.
                entries = [("move", s) for s in events[:-1]] + [("note", None)] * notes + [("move", events[-1])]
            actor_default = item.owner_id or item.created_by_id
            for (kind, status), at in zip(entries, moments, strict=True):
                if kind == "move":
                    actor = item.closed_by_id if status == S.CLOSED else actor_default
                    rows.append(IssueUpdate(issue_id=item.pk, actor_id=actor, at=at, from_status=previous, to_status=status,
                                            text=item.reason if status in (S.RETURNED, S.TRANSFERRED, S.UNABLE) else ""))
                    previous = status
                else:
                    rows.append(IssueUpdate(issue_id=item.pk, actor_id=actor_default, at=at, text=rng.choice(NOTES),
                                            partly_fixed=rng.random() < 0.3))
        for chunk in batched(rows, self.batch):
            IssueUpdate.objects.bulk_create(chunk)
        self.totals["ledger updates"] += len(rows)

    # ------------------------------------------------------------------ plans (一企一策)

    PLAN_TASKS = ("完善视频监控覆盖", "组织消防应急演练", "清理厂区周边治安隐患", "开展员工法治宣传", "落实危化品专人管理",
                  "走访周边群众收集意见", "复查内部安保制度落实")

    def build_plans(self, city: City, enterprises: list[Enterprise], officer_of: list[int]) -> None:
        """A plan for about a third of the enterprises (every sample), 80 % approved, with 3–6 tasks each."""
        rng, today = self.rng, self.today
        chosen = [(e, o) for e, o in zip(enterprises, officer_of, strict=True) if rng.random() < 1 / 3 or e.name == SAMPLE_NAME]
        plans = []
        for enterprise, officer in chosen:
            written = self.when(today - dt.timedelta(days=300), today - dt.timedelta(days=10))
            approved = rng.random() < 0.8 or enterprise.name == SAMPLE_NAME
            plans.append(Plan(
                enterprise=enterprise, title=f"{enterprise.name}护航方案", situation=rng.choice(OBSERVATIONS),
                goals="问题隐患动态清零，企业安全稳定。", measures="加强重点部位安全防范，落实人防、物防、技防措施；定期走访，及时化解矛盾纠纷。",
                review_on=today + dt.timedelta(days=rng.randint(-20, 180)),
                status=Plan.Status.APPROVED if approved else Plan.Status.DRAFT,
                approved_at=written + dt.timedelta(days=3) if approved else None,
                approved_by_id=rng.choice(city.leaders) if approved else None,
                created_at=written, updated_at=written, created_by_id=officer,
            ))
        for chunk in batched(plans, self.batch):
            Plan.objects.bulk_create(chunk)
        tasks = []
        for plan, (_enterprise, officer) in zip(plans, chosen, strict=True):
            start = plan.created_at.astimezone(TZ).date()
            for title in rng.sample(self.PLAN_TASKS, rng.randint(3, 6)):
                days = rng.choice((5, 10, 20, 30))
                deadline = self.deadline(start, days)
                done = plan.status == Plan.Status.APPROVED and deadline < today and rng.random() < 0.7
                done_at = dt.datetime.combine(deadline, dt.time(16), tzinfo=TZ) if done else None
                tasks.append(PlanTask(
                    plan=plan, title=title, owner_id=officer, starts_on=start, workdays=days, deadline=deadline,
                    done_at=done_at, done_by_id=officer if done else None, completion_note="已完成" if done else "",
                    created_at=plan.created_at, updated_at=done_at or plan.created_at, created_by_id=officer,
                ))
                start = deadline
        for chunk in batched(tasks, self.batch):
            PlanTask.objects.bulk_create(chunk)
        self.totals["plans"] += len(plans)
        self.totals["plan tasks"] += len(tasks)

