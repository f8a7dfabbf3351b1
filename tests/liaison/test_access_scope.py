"""The enterprises an officer or a team sees: their stations' and those currently assigned to them, nothing else.

The scope lists the user's assigned enterprises by id (so that PostgreSQL can use its indexes), read once per
request: these tests hold that the rows stay exactly those of the rule, and that a change shows on the next request.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import StationLiaison
from enterprises import services
from enterprises.models import Assignment
from liaison import access
from tests.factories import AssignmentFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

LIST = reverse("enterprises:enterprise_list")


def listed(client):
    response = client.get(LIST, {"per_page": 100})
    assert response.status_code == 200
    return {row.record.pk for row in response.context["table"].page.object_list}


def detail_status(client, enterprise):
    return client.get(reverse("enterprises:enterprise_detail", args=[enterprise.pk])).status_code


def end(assignment):
    # Saved as the service does, without its check that a community officer belongs to the enterprise's station,
    # which an enterprise that moved to another station no longer meets.
    assignment.ended_on = timezone.localdate()
    assignment.save(update_fields=["ended_on", "updated_at"])


@pytest.fixture
def officer_world(world):
    """Besides the world's enterprises: one of station A unassigned, and in station B one still assigned to the
    officer (it moved there), one they answered for until today, one assigned to the team, one to someone else."""
    own_station = EnterpriseFactory(station=world.station_a)
    elsewhere = EnterpriseFactory(station=world.station_b)
    assignment = AssignmentFactory(enterprise=elsewhere, officer=world.officer)
    end(AssignmentFactory(enterprise=EnterpriseFactory(station=world.station_b), officer=world.officer))
    teams = EnterpriseFactory(station=world.station_b)
    AssignmentFactory(enterprise=teams, kind=Assignment.Kind.TEAM, officer=None, team=world.team_unit)
    AssignmentFactory(enterprise=EnterpriseFactory(station=world.station_b), officer=world.outsider)
    return own_station, elsewhere, assignment, teams


def test_an_officer_sees_their_stations_enterprises_and_those_assigned_to_them_elsewhere(world, officer_world, client_for):
    own_station, elsewhere, _, _ = officer_world
    expected = {world.enterprise_a.pk, own_station.pk, elsewhere.pk}
    assert set(access.enterprises(world.officer).values_list("pk", flat=True)) == expected
    assert listed(client_for(world.officer)) == expected


def test_an_ended_assignment_is_gone_on_the_next_request(world, officer_world, client_for):
    _, elsewhere, assignment, _ = officer_world
    client = client_for(world.officer)
    assert elsewhere.pk in listed(client)
    assert detail_status(client, elsewhere) == 200
    end(assignment)
    assert elsewhere.pk not in listed(client)
    assert detail_status(client, elsewhere) == 404


def test_a_new_assignment_shows_on_the_next_request(world, client_for):
    elsewhere = EnterpriseFactory(station=world.station_b)
    client = client_for(world.officer)
    assert detail_status(client, elsewhere) == 404
    AssignmentFactory(enterprise=elsewhere, officer=world.officer)
    assert detail_status(client, elsewhere) == 200
    assert elsewhere.pk in listed(client)


def test_a_team_assigned_by_the_office_sees_the_enterprise_on_the_next_request(world, client_for):
    elsewhere = EnterpriseFactory(station=world.station_b)
    client = client_for(world.team)
    assert detail_status(client, elsewhere) == 404
    services.assignment_assign(enterprise=elsewhere, kind=Assignment.Kind.TEAM, team=world.team_unit, actor=world.coordinator)
    assert detail_status(client, elsewhere) == 200


def test_a_team_sees_its_stations_enterprises_and_those_assigned_to_it_or_its_officer(world, officer_world, client_for):
    own_station, elsewhere, _, teams = officer_world
    personally = EnterpriseFactory(station=world.station_b)
    AssignmentFactory(enterprise=personally, kind=Assignment.Kind.LEADER, officer=world.team)
    # Station A is the team's (the world's liaison); the officer's enterprise in station B is not.
    expected = {world.enterprise_a.pk, own_station.pk, teams.pk, personally.pk}
    assert set(access.enterprises(world.team).values_list("pk", flat=True)) == expected
    assert listed(client_for(world.team)) == expected
    assert elsewhere.pk not in expected


def test_a_team_loses_an_ended_assignment_and_a_station_it_no_longer_answers_for(world, officer_world, client_for):
    own_station, _, _, teams = officer_world
    client = client_for(world.team)
    assert {teams.pk, own_station.pk} <= listed(client)
    services.assignment_end(assignment=teams.assignments.get(ended_on__isnull=True), actor=world.coordinator)
    assert teams.pk not in listed(client)
    StationLiaison.objects.filter(team=world.team_unit, station=world.station_a).delete()
    assert listed(client) == set()


def test_within_a_request_the_assignments_are_read_once(world, officer_world):
    with access.remembering_assignments(), CaptureQueriesContext(connection) as ctx:
        for _ in range(3):
            list(access.enterprises(world.officer))
            list(access.visits(world.officer))
            access.answers_for(world.officer, world.enterprise_a)
    reads = [q for q in ctx.captured_queries if 'FROM "enterprises_assignment"' in q["sql"]]
    assert len(reads) == 1, reads


def test_a_change_within_a_request_is_not_hidden_by_the_earlier_read(world, officer_world):
    _, elsewhere, assignment, teams = officer_world
    with access.remembering_assignments():
        assert access.enterprises(world.officer).filter(pk=elsewhere.pk).exists()
        end(assignment)
        assert not access.enterprises(world.officer).filter(pk=elsewhere.pk).exists()
        assert not access.answers_for(world.officer, elsewhere)
        assert access.answers_for(world.team, teams)
        services.assignment_end(assignment=teams.assignments.get(ended_on__isnull=True), actor=world.coordinator)
        assert not access.enterprises(world.team).filter(pk=teams.pk).exists()
        assert not access.answers_for(world.team, teams)


def test_outside_a_request_nothing_is_kept(world):
    """Services and commands reuse one user object across writes: each scope reads the assignments afresh."""
    elsewhere = EnterpriseFactory(station=world.station_b)
    assert not access.enterprises(world.officer).filter(pk=elsewhere.pk).exists()
    AssignmentFactory(enterprise=elsewhere, officer=world.officer)
    assert access.enterprises(world.officer).filter(pk=elsewhere.pk).exists()
    assert access.answers_for(world.officer, elsewhere)


@pytest.mark.parametrize("role", ["officer", "team"])
def test_the_assigned_enterprises_are_listed_not_looked_up_per_row(world, officer_world, role):
    # "station OR EXISTS(...)" cannot use an index on PostgreSQL; "station OR id IN (...)" can.
    assert "EXISTS" not in str(access.enterprises(world.user(role)).query).upper()


@pytest.mark.parametrize("role", ["officer", "team"])
def test_too_many_assignments_to_list_give_the_same_rows(world, officer_world, role, monkeypatch):
    user = world.user(role)
    listed_rows = set(access.enterprises(user).values_list("pk", flat=True))
    answered = {e.pk for e in access.enterprises(user) if access.answers_for(user, e)}
    monkeypatch.setattr(access, "MAX_LISTED_ASSIGNMENTS", 0)
    assert "EXISTS" in str(access.enterprises(user).query).upper()
    assert set(access.enterprises(user).values_list("pk", flat=True)) == listed_rows
    assert {e.pk for e in access.enterprises(user) if access.answers_for(user, e)} == answered
    assert answered
