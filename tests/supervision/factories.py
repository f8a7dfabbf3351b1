"""Factories for referrals, meetings, decisions and notices; `referral_at` walks a referral to any step."""

import datetime as dt
import itertools

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from supervision import services
from supervision.models import Meeting, MeetingAction, Notice, Referral
from tests.factories import EnterpriseFactory, UserFactory

_referral_serials = itertools.count(1000)
_meeting_serials = itertools.count(1000)


class ReferralFactory(DjangoModelFactory):
    class Meta:
        model = Referral

    year = factory.LazyFunction(lambda: timezone.localdate().year)
    serial = factory.LazyFunction(lambda: next(_referral_serials))
    enterprise = factory.SubFactory(EnterpriseFactory)
    raised_by_unit = factory.LazyAttribute(lambda r: r.enterprise.station)
    created_by = factory.LazyAttribute(lambda r: UserFactory(unit=r.raised_by_unit))
    title = "协调解决炸药库存放能力不足问题"
    request = "企业井下炸药库设计容量不足，无法满足每日生产用量。"
    requested_of = "市公安局治安管理支队"


def referral_at(status, *, world, referral=None, **kwargs):
    """A referral raised by the officer of station A about enterprise_a, walked through the services to `status`."""
    if referral is None:
        referral = services.referral_raise(
            actor=world.officer, title=kwargs.pop("title", "协调解决炸药库存放能力不足问题"),
            request="企业井下炸药库设计容量不足，无法满足每日生产用量。", requested_of="市公安局治安管理支队",
            enterprise=world.enterprise_a, issue=kwargs.pop("issue", None),
        )
    order = [s for s, _label in Referral.Status.choices]
    target = order.index(status)
    S = Referral.Status
    if target >= order.index(S.SUBMITTED) and referral.status == S.DRAFT:
        referral = services.referral_submit(referral=referral, actor=world.officer)
    if target >= order.index(S.REPORTED) and referral.status == S.SUBMITTED:
        referral = services.referral_report(
            referral=referral, actor=world.coordinator, addressee="市公安局护航经济发展专班办公室",
            body="现将有关情况报告如下。", sent_at=timezone.now(),
        )
    if target >= order.index(S.INSTRUCTED) and referral.status == S.REPORTED:
        referral = services.referral_instruct(referral=referral, actor=world.leader, instruction="请治安大队牵头办理。")
    if target >= order.index(S.ASSIGNED) and referral.status == S.INSTRUCTED:
        referral = services.referral_assign(
            referral=referral, actor=world.coordinator, unit=kwargs.pop("unit", world.station_a),
            officer=kwargs.pop("officer", None), reply_workdays=kwargs.pop("reply_workdays", 5),
        )
    if target >= order.index(S.DONE) and referral.status == S.ASSIGNED:
        referral = services.referral_reply(referral=referral, actor=world.officer, reply="已开辟绿色通道。")
    return referral


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    year = factory.LazyAttribute(lambda m: timezone.localtime(m.held_at).year)
    serial = factory.LazyFunction(lambda: next(_meeting_serials))
    held_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=7))
    place = "分局三楼会议室"
    chair = factory.SubFactory(UserFactory, leader=True)
    evaluation = "各单位走访工作推进有力。"


class MeetingActionFactory(DjangoModelFactory):
    class Meta:
        model = MeetingAction

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = "对辖区加油站开展安全检查"
    owner_unit = factory.LazyAttribute(lambda a: a.owner.unit if a.owner else UserFactory().unit)
    owner = None
    deadline = factory.LazyAttribute(lambda a: timezone.localtime(a.meeting.held_at).date() + dt.timedelta(days=14))


class NoticeFactory(DjangoModelFactory):
    class Meta:
        model = Notice

    kind = Notice.Kind.COMMENDATION
    title = "关于表扬长风派出所的通报"
    unit = factory.SubFactory("tests.factories.StationFactory")
    reason = "走访工作成效突出。"
    issued_on = factory.LazyFunction(timezone.localdate)
    issuer = factory.SubFactory(UserFactory, leader=True)
