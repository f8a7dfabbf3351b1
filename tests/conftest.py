"""One fixture per role and an outsider, in a small world with two stations."""

from dataclasses import dataclass

import pytest
from django.utils import translation

from accounts.models import Unit, User
from enterprises.models import Assignment
from tests.factories import (
    AssignmentFactory,
    EnterpriseFactory,
    StationFactory,
    StationLiaisonFactory,
    UnitFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _english():
    """Tests read messages in English (the msgids); tests of the Chinese interface ask for it explicitly."""
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def chinese_client(db):
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="zh-hans")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploaded files of a test go to its own temporary folder, never into the working tree."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@dataclass
class World:
    bureau: Unit
    office: Unit
    team_unit: Unit
    legal_unit: Unit
    station_a: Unit
    station_b: Unit
    leader: User
    coordinator: User
    team: User
    legal: User
    officer: User
    outsider: User
    auditor: User
    enterprise_a: object
    enterprise_b: object
    assignment_a: object

    def user(self, role):
        return getattr(self, role) if role != "anonymous" else None


@pytest.fixture
def world(db):
    bureau = UnitFactory(bureau=True)
    office = UnitFactory(office=True, parent=bureau)
    team_unit = UnitFactory(name="测试治安大队", team=True, parent=bureau)
    legal_unit = UnitFactory(name="测试法制大队", legal=True, parent=bureau)
    station_a = StationFactory(name="甲派出所", parent=bureau)
    station_b = StationFactory(name="乙派出所", parent=bureau)
    leader = UserFactory(username="leader", leader=True, unit=bureau)
    coordinator = UserFactory(username="office", coordinator=True, unit=office)
    team = UserFactory(username="team", role=User.Role.TEAM, unit=team_unit)
    legal = UserFactory(username="legal", role=User.Role.TEAM, unit=legal_unit)
    officer = UserFactory(username="officer", unit=station_a)
    outsider = UserFactory(username="outsider", unit=station_b)
    auditor = UserFactory(username="auditor", auditor=True, unit=bureau)
    StationLiaisonFactory(station=station_a, team=team_unit)
    StationLiaisonFactory(station=station_a, leader=leader)
    enterprise_a = EnterpriseFactory(name="甲企业", station=station_a)
    enterprise_b = EnterpriseFactory(name="乙企业", station=station_b)
    assignment_a = AssignmentFactory(enterprise=enterprise_a, officer=officer)
    AssignmentFactory(enterprise=enterprise_b, officer=outsider, kind=Assignment.Kind.OFFICER)
    return World(
        bureau, office, team_unit, legal_unit, station_a, station_b, leader, coordinator, team, legal, officer,
        outsider, auditor, enterprise_a, enterprise_b, assignment_a,
    )


@pytest.fixture
def leader(world):
    return world.leader


@pytest.fixture
def coordinator(world):
    return world.coordinator


@pytest.fixture
def team(world):
    return world.team


@pytest.fixture
def legal(world):
    return world.legal


@pytest.fixture
def officer(world):
    return world.officer


@pytest.fixture
def outsider(world):
    return world.outsider


@pytest.fixture
def auditor(world):
    return world.auditor


@pytest.fixture
def client_for(client):
    """client_for(user) → a test client signed in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login
