import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.models import Case
from tests.casework.factories import CaseFactory
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db


def new_case(world, **fields):
    values = dict(
        enterprise=world.enterprise_a, case_type=Case.Type.EXTORTION, title="加油站改建施工被敲诈勒索案",
        summary="张某编造理由索要现金 4 万元", handling_unit=world.station_a,
        received_at=timezone.now() - dt.timedelta(hours=6),
    )
    values.update(fields)
    return services.case_save(case=Case(**values), actor=world.officer)


def test_a_registered_case_is_received_and_numbered_per_year(world):
    first = new_case(world)
    second = new_case(world, title="第二起")
    assert first.status == Case.Status.RECEIVED
    assert first.year == timezone.localdate().year
    assert (first.serial, second.serial) == (1, 2)
    assert first.number == f"{first.year}-0001"
    assert first.created_by == world.officer


def test_received_to_filed_records_the_hours_to_filing(world):
    case = new_case(world, received_at=timezone.now() - dt.timedelta(hours=5))
    services.case_file(case=case, actor=world.officer, filed_at=case.received_at + dt.timedelta(hours=2, minutes=30))
    case.refresh_from_db()
    assert case.status == Case.Status.FILED
    assert case.hours_to_filing == 2.5


def test_filed_to_solved_records_the_detentions(world):
    case = new_case(world)
    services.case_file(case=case, actor=world.officer)
    services.case_solve(case=case, actor=world.officer, criminal_detentions=2, administrative_detentions=0)
    case.refresh_from_db()
    assert case.status == Case.Status.SOLVED
    assert case.solved_at is not None and case.criminal_detentions == 2


def test_solved_to_closed(world):
    case = new_case(world)
    services.case_file(case=case, actor=world.officer)
    services.case_solve(case=case, actor=world.officer)
    services.case_close(case=case, actor=world.officer)
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.closed_at >= case.solved_at >= case.filed_at


def test_received_to_transferred_names_the_authority_and_the_notice_date(world):
    case = new_case(world)
    services.case_transfer(
        case=case, actor=world.officer, receiving_authority="山城市公安局西区分局", party_notified_on=timezone.localdate()
    )
    case.refresh_from_db()
    assert case.status == Case.Status.TRANSFERRED
    assert case.transferred_to == "山城市公安局西区分局"
    assert case.party_notified_on == timezone.localdate()
    assert not case.is_open


@pytest.mark.parametrize(
    "status, transition",
    [
        ("RECEIVED", "solve"), ("RECEIVED", "close"),
        ("FILED", "file"), ("FILED", "close"), ("FILED", "transfer"),
        ("SOLVED", "file"), ("SOLVED", "solve"), ("SOLVED", "transfer"),
        ("CLOSED", "file"), ("CLOSED", "solve"), ("CLOSED", "close"), ("CLOSED", "transfer"),
        ("TRANSFERRED", "file"), ("TRANSFERRED", "solve"), ("TRANSFERRED", "transfer"),
    ],
)
def test_transitions_out_of_order_are_refused(world, status, transition):
    case = new_case(world)
    if status in ("FILED", "SOLVED", "CLOSED"):
        services.case_file(case=case, actor=world.officer)
    if status in ("SOLVED", "CLOSED"):
        services.case_solve(case=case, actor=world.officer)
    if status == "CLOSED":
        services.case_close(case=case, actor=world.officer)
    if status == "TRANSFERRED":
        services.case_transfer(case=case, actor=world.officer, receiving_authority="外区分局", party_notified_on=timezone.localdate())
    calls = {
        "file": lambda: services.case_file(case=case, actor=world.officer),
        "solve": lambda: services.case_solve(case=case, actor=world.officer),
        "close": lambda: services.case_close(case=case, actor=world.officer),
        "transfer": lambda: services.case_transfer(
            case=case, actor=world.officer, receiving_authority="外区分局", party_notified_on=timezone.localdate()
        ),
    }
    with pytest.raises(ValidationError):
        calls[transition]()
    assert Case.objects.get(pk=case.pk).status == status


def test_a_case_cannot_be_filed_before_it_was_received(world):
    case = new_case(world)
    with pytest.raises(ValidationError, match="before it was received"):
        services.case_file(case=case, actor=world.officer, filed_at=case.received_at - dt.timedelta(minutes=1))


def test_a_transfer_needs_the_receiving_authority(world):
    case = new_case(world)
    with pytest.raises(ValidationError, match="authority"):
        services.case_transfer(case=case, actor=world.officer, receiving_authority="  ", party_notified_on=timezone.localdate())


def test_the_party_is_not_notified_before_the_transfer(world):
    case = new_case(world)
    with pytest.raises(ValidationError, match="on or after"):
        services.case_transfer(
            case=case, actor=world.officer, receiving_authority="外区分局",
            party_notified_on=timezone.localdate() - dt.timedelta(days=3),
        )


def test_only_the_handling_unit_or_the_office_moves_a_case_along(world):
    case = new_case(world)
    for stranger in (world.team, world.outsider, world.leader, world.legal):
        with pytest.raises(ValidationError, match="handling unit"):
            services.case_file(case=case, actor=stranger)
    services.case_file(case=case, actor=world.coordinator)
    assert Case.objects.get(pk=case.pk).status == Case.Status.FILED


def test_editing_a_case_never_moves_its_state(world):
    case = new_case(world)
    case.title = "改名"
    case.status = Case.Status.SOLVED
    case.solved_at = timezone.now()
    services.case_save(case=case, actor=world.officer)
    case.refresh_from_db()
    assert case.title == "改名" and case.status == Case.Status.RECEIVED and case.solved_at is None


def test_the_database_refuses_a_solved_case_without_a_time(world):
    case = CaseFactory(enterprise=world.enterprise_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(status=Case.Status.SOLVED)


def test_a_case_is_registered_through_the_form_and_its_enterprise_preselected(client, world):
    client.force_login(world.officer)
    page = client.get(reverse("casework:case_add") + f"?enterprise={world.enterprise_a.pk}")
    assert page.status_code == 200
    assert page.context["form"].initial["enterprise"] == str(world.enterprise_a.pk)
    data = {
        "enterprise": world.enterprise_a.pk, "enterprise_role": "VICTIM", "case_type": "EXTORTION", "nature": "CRIMINAL",
        "title": "施工被阻挠案", "summary": "索要现金", "handling_unit": world.station_a.pk,
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "criminal_detentions": 0,
        "administrative_detentions": 0, "_submit_token": page.context["submit_token"],
    }
    response = client.post(reverse("casework:case_add"), data)
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    # A double click sends the same form twice: one case.
    client.post(reverse("casework:case_add"), data)
    assert Case.objects.count() == 1


def test_a_case_form_with_an_enterprise_outside_the_scope_is_refused(client, world):
    client.force_login(world.officer)
    data = {
        "enterprise": world.enterprise_b.pk, "enterprise_role": "VICTIM", "case_type": "EXTORTION", "nature": "CRIMINAL",
        "title": "越权登记", "summary": "x", "handling_unit": world.station_a.pk,
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "criminal_detentions": 0, "administrative_detentions": 0,
    }
    response = client.post(reverse("casework:case_add"), data)
    assert response.status_code == 200 and "enterprise" in response.context["form"].errors
    assert not Case.objects.exists()


def test_the_case_list_filtered_by_enterprise_shows_only_its_cases(client, world):
    mine = CaseFactory(enterprise=world.enterprise_a, title="甲企业的案件")
    CaseFactory(enterprise=EnterpriseFactory(station=world.station_a), title="别家的案件")
    client.force_login(world.officer)
    response = client.get(reverse("casework:case_list") + f"?enterprise={world.enterprise_a.pk}")
    assert list(response.context["table"].data) == [mine]
    assert response.context["enterprise"] == world.enterprise_a


def test_the_case_list_filtered_by_an_enterprise_out_of_scope_shows_nothing(client, world):
    CaseFactory(enterprise=world.enterprise_b, title="乙企业的案件")
    client.force_login(world.officer)
    response = client.get(reverse("casework:case_list") + f"?enterprise={world.enterprise_b.pk}")
    assert response.status_code == 200
    assert "乙企业的案件" not in response.content.decode()


def test_the_enterprise_file_has_a_cases_tab_that_links_to_the_filtered_case_list(client, world):
    case = CaseFactory(enterprise=world.enterprise_a, title="加油站被敲诈勒索案")
    client.force_login(world.officer)
    url = reverse("enterprises:enterprise_detail", args=[world.enterprise_a.pk])
    assert 'id="tab-cases"' in client.get(url).content.decode()
    page = client.get(url + "?tab=cases").content.decode()
    assert 'id="dossier-cases"' in page and case.get_absolute_url() in page
    assert f'{reverse("casework:case_list")}?enterprise={world.enterprise_a.pk}' in page


def test_the_handling_unit_solves_a_case_on_its_form_with_the_detentions(client, world):
    case = CaseFactory(enterprise=world.enterprise_a, handling_unit=world.station_a, filed=True)
    client.force_login(world.officer)
    response = client.post(
        reverse("casework:case_solve", args=[case.pk]),
        {"solved_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "criminal_detentions": 2, "administrative_detentions": 1},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.criminal_detentions, case.administrative_detentions) == ("SOLVED", 2, 1)


def test_a_team_seeing_a_case_cannot_move_it_when_another_unit_handles_it(client, world):
    case = CaseFactory(enterprise=world.enterprise_a, handling_unit=world.station_a)
    client.force_login(world.team)
    assert client.get(reverse("casework:case_detail", args=[case.pk])).status_code == 200
    assert client.post(reverse("casework:case_file", args=[case.pk])).status_code == 403
    assert Case.objects.get(pk=case.pk).status == Case.Status.RECEIVED


def test_hours_to_filing_appear_on_the_case_page(client, world):
    received = timezone.now() - dt.timedelta(hours=10)
    case = CaseFactory(enterprise=world.enterprise_a, received_at=received, filed_at=received + dt.timedelta(hours=4), status="FILED")
    client.force_login(world.officer)
    page = client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    assert 'id="hours-to-filing"' in page and "4.0" in page


def test_a_team_officer_registering_a_case_defaults_to_their_unit(client, world):
    client.force_login(world.team)
    form = client.get(reverse("casework:case_add")).context["form"]
    assert form.initial["handling_unit"] == world.team_unit.pk


def test_a_handling_unit_must_be_a_station_or_a_team(world):
    with pytest.raises(ValidationError, match="handling unit"):
        new_case(world, handling_unit=world.office)


def test_a_case_cannot_be_received_in_the_future(world):
    with pytest.raises(ValidationError, match="future"):
        new_case(world, received_at=timezone.now() + dt.timedelta(days=1))


def test_an_officer_of_another_station_does_not_see_the_case(client, world):
    case = CaseFactory(enterprise=world.enterprise_a, handling_unit=world.station_a)
    client.force_login(UserFactory(unit=world.station_b))
    assert client.get(reverse("casework:case_detail", args=[case.pk])).status_code == 404


def test_the_handling_unit_may_hand_a_case_on_to_another_unit_but_not_take_one_over(world):
    case = new_case(world)
    case.handling_unit = world.team_unit
    services.case_save(case=case, actor=world.officer)
    assert Case.objects.get(pk=case.pk).handling_unit == world.team_unit
    other = new_case(world, handling_unit=world.team_unit)
    other.handling_unit = world.station_a
    with pytest.raises(ValidationError, match="handling unit"):
        services.case_save(case=other, actor=world.officer)
    assert Case.objects.get(pk=other.pk).handling_unit == world.team_unit


def test_a_measure_is_not_proposed_on_a_closed_or_transferred_case_nor_before_receipt(world):
    from casework.models import CoerciveMeasure

    case = new_case(world)
    with pytest.raises(ValidationError, match="before the case was received"):
        services.measure_propose(
            case=case, actor=world.officer, kind=CoerciveMeasure.Kind.SEAL, target="厂房", grounds="x",
            proposed_on=timezone.localdate() - dt.timedelta(days=30),
        )
    services.case_transfer(case=case, actor=world.officer, receiving_authority="外区分局", party_notified_on=timezone.localdate())
    with pytest.raises(ValidationError, match="open cases"):
        services.measure_propose(case=case, actor=world.officer, kind=CoerciveMeasure.Kind.SEAL, target="厂房", grounds="x")
    assert not CoerciveMeasure.objects.exists()
