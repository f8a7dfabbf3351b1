"""Factories for every model, with traits for the edge cases tests need."""

import datetime as dt
import itertools

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import StationLiaison, Unit, User
from enterprises.models import Assignment, Enterprise
from liaison.creditcode import check_character
from visits.models import Issue, Visit

factory.Faker._DEFAULT_LOCALE = "zh_CN"
_codes = itertools.count(1)


def valid_credit_code(n=None):
    body = f"91410100MA{(n if n is not None else next(_codes)) % 10_000_000:07d}"
    return body + check_character(body)


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"单位{n}")
    kind = Unit.Kind.STATION
    function = ""

    class Params:
        bureau = factory.Trait(kind=Unit.Kind.BUREAU, name="测试分局")
        office = factory.Trait(kind=Unit.Kind.OFFICE, name="测试专班办公室")
        team = factory.Trait(kind=Unit.Kind.TEAM, function=Unit.Function.PUBLIC_ORDER)
        legal = factory.Trait(kind=Unit.Kind.TEAM, function=Unit.Function.LEGAL)


class StationFactory(UnitFactory):
    name = factory.Sequence(lambda n: f"测试{n}派出所")
    kind = Unit.Kind.STATION


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Faker("name")
    badge_number = factory.Sequence(lambda n: f"{500000 + n}")
    role = User.Role.OFFICER
    unit = factory.SubFactory(StationFactory)
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    password = factory.PostGenerationMethodCall("set_password", "Demo#2026")

    class Params:
        leader = factory.Trait(role=User.Role.LEADER, unit=factory.SubFactory(UnitFactory, bureau=True))
        coordinator = factory.Trait(role=User.Role.COORDINATOR, unit=factory.SubFactory(UnitFactory, office=True))
        auditor = factory.Trait(role=User.Role.AUDITOR, unit=factory.SubFactory(UnitFactory, bureau=True))

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


class EnterpriseFactory(DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    credit_code = factory.LazyFunction(valid_credit_code)
    station = factory.SubFactory(StationFactory)
    industry = Enterprise.Industry.MANUFACTURING
    address = factory.Faker("street_address")
    contact_name = factory.Faker("name")
    contact_phone = factory.Sequence(lambda n: f"137{n:08d}")

    class Params:
        key = factory.Trait(is_key=True, visit_every_days=14)
        explosives = factory.Trait(has_explosives=True, storage_capacity=2000, storage_unit="kg")
        closed = factory.Trait(status=Enterprise.Status.CLOSED)


class AssignmentFactory(DjangoModelFactory):
    class Meta:
        model = Assignment

    enterprise = factory.SubFactory(EnterpriseFactory)
    kind = Assignment.Kind.OFFICER
    officer = factory.LazyAttribute(lambda a: UserFactory(unit=a.enterprise.station))
    started_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=60))


class StationLiaisonFactory(DjangoModelFactory):
    class Meta:
        model = StationLiaison


class VisitFactory(DjangoModelFactory):
    class Meta:
        model = Visit

    enterprise = factory.SubFactory(EnterpriseFactory)
    author = factory.SubFactory(UserFactory)
    visited_at = factory.LazyFunction(timezone.now)
    observations = "生产秩序正常"


_serials = itertools.count(1)


class IssueFactory(DjangoModelFactory):
    class Meta:
        model = Issue

    year = factory.LazyFunction(lambda: timezone.localdate().year)
    serial = factory.LazyFunction(lambda: next(_serials))
    enterprise = factory.SubFactory(EnterpriseFactory)
    category = Issue.Category.HAZARD
    description = "消防通道堵塞"
