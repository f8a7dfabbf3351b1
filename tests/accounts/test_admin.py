import pytest
from django.urls import reverse

from accounts.models import User
from enterprises.models import Assignment
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(world, client):
    client.force_login(UserFactory(username="root", role="", unit=world.bureau, is_staff=True, is_superuser=True))
    return client


def test_every_admin_changelist_and_add_page_opens(admin_client_):
    from django.contrib import admin

    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        assert admin_client_.get(reverse("admin:{}_{}_changelist".format(*info)), {"q": "甲"}).status_code == 200, info
        if model_admin.has_add_permission(type("R", (), {"user": User(is_superuser=True, is_active=True, is_staff=True)})()):
            assert admin_client_.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200, info


def test_admin_creates_an_officer(world, admin_client_):
    response = admin_client_.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "newcop", "name": "新民警", "badge_number": "410999", "unit": world.station_a.pk,
            "role": "OFFICER", "phone": "13900000000", "usable_password": "true",
            "password1": "Strong#Pass1", "password2": "Strong#Pass1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(username="newcop").unit == world.station_a


def test_admin_refuses_a_second_current_community_officer(world, admin_client_):
    colleague = UserFactory(unit=world.station_a)
    response = admin_client_.post(
        reverse("admin:enterprises_assignment_add"),
        {"enterprise": world.enterprise_a.pk, "kind": "OFFICER", "officer": colleague.pk, "started_on": "2026-11-01"},
    )
    assert response.status_code == 200
    assert world.enterprise_a.assignments.filter(kind=Assignment.Kind.OFFICER, ended_on__isnull=True).count() == 1


def test_admin_refuses_an_officer_of_another_station(world, admin_client_):
    world.assignment_a.delete()
    response = admin_client_.post(
        reverse("admin:enterprises_assignment_add"),
        {"enterprise": world.enterprise_a.pk, "kind": "OFFICER", "officer": world.outsider.pk, "started_on": "2026-11-01"},
    )
    assert response.status_code == 200
    assert not world.enterprise_a.assignments.exists()


def test_admin_refuses_a_bad_credit_code_without_reason(world, admin_client_):
    from django.forms.models import model_to_dict

    data = {k: v for k, v in model_to_dict(world.enterprise_a).items() if v is not None}
    data.update(credit_code="91350100M000100Y44", credit_code_override="")
    data.update({"assignments-TOTAL_FORMS": 0, "assignments-INITIAL_FORMS": 0})
    response = admin_client_.post(reverse("admin:enterprises_enterprise_change", args=[world.enterprise_a.pk]), data)
    assert response.status_code == 200
    world.enterprise_a.refresh_from_db()
    assert world.enterprise_a.credit_code != "91350100M000100Y44"


def test_ledger_status_is_read_only_in_the_admin(world, admin_client_):
    from visits.admin import IssueAdmin

    assert "status" in IssueAdmin.readonly_fields and "closed_at" in IssueAdmin.readonly_fields
