import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from enterprises import services
from enterprises.models import Assignment, Enterprise
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db


def current_officers(enterprise):
    return list(enterprise.assignments.filter(kind=Assignment.Kind.OFFICER, ended_on__isnull=True))


def test_reassigning_the_community_officer_ends_the_old_assignment_and_keeps_it(world):
    colleague = UserFactory(unit=world.station_a)
    new = services.assignment_assign(
        enterprise=world.enterprise_a, kind=Assignment.Kind.OFFICER, officer=colleague, actor=world.coordinator
    )
    assert current_officers(world.enterprise_a) == [new]
    old = Assignment.objects.get(pk=world.assignment_a.pk)
    assert old.ended_on is not None and old.end_reason


def test_database_refuses_a_second_current_community_officer(world):
    colleague = UserFactory(unit=world.station_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(enterprise=world.enterprise_a, kind=Assignment.Kind.OFFICER, officer=colleague)


def test_community_officer_must_belong_to_the_enterprises_station(world):
    with pytest.raises(ValidationError):
        services.assignment_assign(
            enterprise=world.enterprise_a, kind=Assignment.Kind.OFFICER, officer=world.outsider, actor=world.coordinator
        )
    assert current_officers(world.enterprise_a)[0].officer == world.officer


def test_leaders_and_teams_can_be_added_alongside(world):
    services.assignment_assign(enterprise=world.enterprise_a, kind=Assignment.Kind.LEADER, officer=world.leader, actor=world.coordinator)
    services.assignment_assign(enterprise=world.enterprise_a, kind=Assignment.Kind.TEAM, team=world.team_unit, actor=world.coordinator)
    assert world.enterprise_a.assignments.filter(ended_on__isnull=True).count() == 3
    with pytest.raises(ValidationError):
        services.assignment_assign(enterprise=world.enterprise_a, kind=Assignment.Kind.TEAM, team=world.team_unit, actor=world.coordinator)


def test_a_leader_cannot_be_assigned_as_community_officer(world):
    with pytest.raises(ValidationError):
        services.assignment_assign(enterprise=world.enterprise_a, kind=Assignment.Kind.OFFICER, officer=world.leader, actor=world.coordinator)


def test_ending_twice_is_refused(world):
    services.assignment_end(assignment=world.assignment_a, actor=world.coordinator, reason="调岗")
    with pytest.raises(ValidationError):
        services.assignment_end(assignment=world.assignment_a, actor=world.coordinator)


def test_closing_an_enterprise_ends_its_assignments_and_keeps_the_record(world):
    services.enterprise_close(enterprise=world.enterprise_a, actor=world.coordinator)
    world.enterprise_a.refresh_from_db()
    assert world.enterprise_a.status == Enterprise.Status.CLOSED
    assert not world.enterprise_a.assignments.filter(ended_on__isnull=True).exists()
    with pytest.raises(ValidationError):
        services.assignment_assign(
            enterprise=world.enterprise_a, kind=Assignment.Kind.LEADER, officer=world.leader, actor=world.coordinator
        )
    services.enterprise_reopen(enterprise=world.enterprise_a, actor=world.coordinator)
    world.enterprise_a.refresh_from_db()
    assert world.enterprise_a.status == Enterprise.Status.ACTIVE


def test_invalid_credit_code_needs_a_recorded_reason(world):
    enterprise = EnterpriseFactory.build(station=world.station_a, credit_code="91350100M000100Y44")
    with pytest.raises(ValidationError):
        services.enterprise_save(enterprise=enterprise, actor=world.coordinator)
    enterprise.credit_code_override = "2015年前登记的旧代码，已核对营业执照"
    services.enterprise_save(enterprise=enterprise, actor=world.coordinator)
    assert Enterprise.objects.filter(credit_code="91350100M000100Y44").exists()


def test_team_officer_must_belong_to_a_team(world):
    user = User(username="x", name="x", role=User.Role.TEAM, unit=world.station_a)
    with pytest.raises(ValidationError):
        user.full_clean()
