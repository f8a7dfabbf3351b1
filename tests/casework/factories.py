"""Factories for casework, and helpers that move a measure through its reviews by the services."""

import datetime as dt
import itertools
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import User
from casework import services
from casework.models import Activity, Case, ChannelApproval, CoerciveMeasure, GreenChannel, MeasureReview
from tests.factories import EnterpriseFactory, UnitFactory, UserFactory

_serials = itertools.count(5000)


class CaseFactory(DjangoModelFactory):
    class Meta:
        model = Case

    year = factory.LazyFunction(lambda: timezone.localdate().year)
    serial = factory.LazyFunction(lambda: next(_serials))
    enterprise = factory.SubFactory(EnterpriseFactory)
    enterprise_role = Case.Role.VICTIM
    case_type = Case.Type.EXTORTION
    title = factory.Sequence(lambda n: f"测试案件{n}")
    summary = "施工被阻挠，索要钱财"
    handling_unit = factory.LazyAttribute(lambda c: c.enterprise.station)
    received_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=10))

    class Params:
        filed = factory.Trait(
            status=Case.Status.FILED, filed_at=factory.LazyAttribute(lambda c: c.received_at + dt.timedelta(hours=3))
        )
        solved = factory.Trait(
            status=Case.Status.SOLVED,
            filed_at=factory.LazyAttribute(lambda c: c.received_at + dt.timedelta(hours=3)),
            solved_at=factory.LazyAttribute(lambda c: c.received_at + dt.timedelta(days=2)),
        )


class MeasureFactory(DjangoModelFactory):
    """A fresh proposal (the only state a measure may be created in)."""

    class Meta:
        model = CoerciveMeasure

    case = factory.SubFactory(CaseFactory, filed=True)
    kind = CoerciveMeasure.Kind.FREEZE
    target = "企业一般存款账户（尾号 0001）"
    amount = Decimal("500000")
    grounds = "防止涉案资金转移"
    proposed_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=5))


class GreenChannelFactory(DjangoModelFactory):
    class Meta:
        model = GreenChannel

    enterprise = factory.SubFactory(EnterpriseFactory, explosives=True)
    subject = "民用爆炸物品使用审批"
    frequency = GreenChannel.Frequency.DAILY
    officer = factory.LazyAttribute(lambda c: UserFactory(unit=c.enterprise.station))
    started_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))


class ChannelApprovalFactory(DjangoModelFactory):
    class Meta:
        model = ChannelApproval

    channel = factory.SubFactory(GreenChannelFactory)
    date = factory.LazyFunction(timezone.localdate)
    quantity = Decimal("1000")
    approver = factory.LazyAttribute(lambda a: a.channel.officer)


class ActivityFactory(DjangoModelFactory):
    class Meta:
        model = Activity
        skip_postgeneration_save = True

    kind = Activity.Kind.PUBLICITY
    title = factory.Sequence(lambda n: f"宣传活动{n}")
    held_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=3))
    place = "福盛家园小区"
    theme = Activity.Theme.CONSUMER_DAY
    audience = 100

    class Params:
        campaign = factory.Trait(
            kind=Activity.Kind.CAMPAIGN, theme="", audience=0, target=Activity.Target.OBSTRUCTION, hazards_found=5,
            hazards_removed=4, disputes_resolved=2,
        )
        service = factory.Trait(
            kind=Activity.Kind.SERVICE, theme="", audience=0, service_kind=Activity.ServiceKind.RESIDENCE, people_served=40,
        )
        escort = factory.Trait(
            kind=Activity.Kind.ESCORT, theme="", audience=0, escort_kind=Activity.EscortKind.CAMERAS, cameras_installed=6,
        )

    @factory.post_generation
    def units(self, create, extracted, **kwargs):
        if create and extracted:
            self.units.set(extracted)

    @factory.post_generation
    def enterprises(self, create, extracted, **kwargs):
        if create and extracted:
            self.enterprises.set(extracted)

    @factory.post_generation
    def officers(self, create, extracted, **kwargs):
        if create and extracted:
            self.officers.set(extracted)


def people(n=3):
    """n colleagues to sit on a collective review."""
    unit = UnitFactory(name="评议参加单位", team=True)
    return [UserFactory(role=User.Role.TEAM, unit=unit) for _ in range(n)]


def legal_member():
    return UserFactory(role=User.Role.TEAM, unit=UnitFactory(name="法制大队（测试）", legal=True))


def leader_member():
    return UserFactory(leader=True)


def unit_member(measure):
    return UserFactory(role=User.Role.OFFICER, unit=measure.case.handling_unit)


def review(measure, stage, actor=None, *, decision=MeasureReview.Decision.APPROVE, participants=None, held_on=None):
    if actor is None:
        actor = {
            MeasureReview.Stage.UNIT: lambda: unit_member(measure),
            MeasureReview.Stage.LEGAL: legal_member,
            MeasureReview.Stage.LEADERSHIP: leader_member,
        }[stage]()
    return services.measure_review(
        measure=measure, actor=actor, stage=stage, held_on=held_on or timezone.localdate() - dt.timedelta(days=4 - stage),
        participants=participants or people(), minutes="集体研究，同意", economic_impact="影响可控", decision=decision,
    )


def approved_measure(**kwargs):
    measure = MeasureFactory(**kwargs)
    for stage in MeasureReview.Stage.values:
        review(measure, stage)
    measure.refresh_from_db()
    return measure
