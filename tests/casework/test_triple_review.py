"""三个一律: a coercive measure passes three collective reviews, in order, before it can be executed.

Every path around a stage is tried here and must fail: the services out of order, the wrong people, too few
participants, a direct model save, a raw queryset update, the admin, and crafted POSTs.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from casework import services
from casework.models import CoerciveMeasure, MeasureReview
from tests.casework.factories import (
    CaseFactory,
    MeasureFactory,
    approved_measure,
    leader_member,
    legal_member,
    people,
    review,
    unit_member,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
S = MeasureReview.Stage
D = MeasureReview.Decision


def status_of(measure):
    return CoerciveMeasure.objects.get(pk=measure.pk).status


# ---------------------------------------------------------------- the way it should go


def test_three_approving_reviews_in_order_approve_and_then_it_can_be_executed_and_lifted():
    measure = MeasureFactory()
    review(measure, S.UNIT)
    measure.refresh_from_db()
    assert measure.status == CoerciveMeasure.Status.PROPOSED and measure.next_stage == S.LEGAL
    review(measure, S.LEGAL)
    measure.refresh_from_db()
    assert measure.next_stage == S.LEADERSHIP
    review(measure, S.LEADERSHIP)
    measure.refresh_from_db()
    assert measure.status == CoerciveMeasure.Status.APPROVED
    assert measure.decisions == ["APPROVE"] * 3
    actor = unit_member(measure)
    services.measure_execute(measure=measure, actor=actor, note="已送达协助冻结通知书")
    assert status_of(measure) == CoerciveMeasure.Status.EXECUTED
    services.measure_lift(measure=measure, actor=actor, reason="企业退赔，解除冻结")
    measure.refresh_from_db()
    assert measure.status == CoerciveMeasure.Status.LIFTED and measure.lift_reason == "企业退赔，解除冻结"


@pytest.mark.parametrize("stage", [S.UNIT, S.LEGAL, S.LEADERSHIP])
def test_a_rejection_at_any_stage_rejects_the_measure_and_ends_the_reviews(stage):
    measure = MeasureFactory()
    for earlier in range(1, stage):
        review(measure, earlier)
    review(measure, stage, decision=D.REJECT)
    measure.refresh_from_db()
    assert measure.status == CoerciveMeasure.Status.REJECTED
    assert measure.next_stage is None
    if stage < S.LEADERSHIP:
        with pytest.raises(ValidationError):
            review(measure, stage + 1)
    with pytest.raises(ValidationError, match="three collective reviews"):
        services.measure_execute(measure=measure, actor=unit_member(measure))


# ---------------------------------------------------------------- services out of order


def test_the_legal_review_cannot_come_before_the_handling_units():
    measure = MeasureFactory()
    with pytest.raises(ValidationError, match="in order"):
        review(measure, S.LEGAL)
    assert not measure.reviews.exists()


def test_the_leadership_review_cannot_skip_the_legal_review():
    measure = MeasureFactory()
    review(measure, S.UNIT)
    with pytest.raises(ValidationError, match="in order"):
        review(measure, S.LEADERSHIP)
    assert measure.reviews.count() == 1
    assert status_of(measure) == CoerciveMeasure.Status.PROPOSED


def test_a_stage_cannot_be_reviewed_twice():
    measure = MeasureFactory()
    review(measure, S.UNIT)
    with pytest.raises(ValidationError):
        review(measure, S.UNIT)
    assert measure.reviews.count() == 1


@pytest.mark.parametrize("reviews_done", [0, 1, 2])
def test_executing_a_measure_before_its_three_reviews_raises(reviews_done):
    measure = MeasureFactory()
    for stage in range(1, reviews_done + 1):
        review(measure, stage)
    with pytest.raises(ValidationError, match="three collective reviews"):
        services.measure_execute(measure=measure, actor=unit_member(measure))
    assert status_of(measure) == CoerciveMeasure.Status.PROPOSED


def test_an_approved_measure_that_was_not_executed_cannot_be_lifted():
    measure = approved_measure()
    with pytest.raises(ValidationError, match="executed"):
        services.measure_lift(measure=measure, actor=unit_member(measure), reason="不需要了")


def test_a_measure_is_executed_once():
    measure = approved_measure()
    services.measure_execute(measure=measure, actor=unit_member(measure))
    with pytest.raises(ValidationError):
        services.measure_execute(measure=measure, actor=unit_member(measure))


# ---------------------------------------------------------------- who records which review


def test_a_non_legal_team_member_cannot_record_the_legal_review():
    measure = MeasureFactory()
    review(measure, S.UNIT)
    for outsider in (unit_member(measure), leader_member(), UserFactory(coordinator=True), UserFactory(role=User.Role.TEAM, unit=people(1)[0].unit)):
        with pytest.raises(ValidationError, match="legal team"):
            review(measure, S.LEGAL, actor=outsider)
    assert measure.reviews.count() == 1


def test_only_a_leader_records_the_leadership_review():
    measure = MeasureFactory()
    review(measure, S.UNIT)
    review(measure, S.LEGAL)
    for not_a_leader in (legal_member(), UserFactory(coordinator=True), unit_member(measure)):
        with pytest.raises(ValidationError, match="leaders"):
            review(measure, S.LEADERSHIP, actor=not_a_leader)
    review(measure, S.LEADERSHIP, actor=leader_member())
    assert status_of(measure) == CoerciveMeasure.Status.APPROVED


def test_the_first_review_is_recorded_by_the_handling_unit_or_the_office_only():
    measure = MeasureFactory()
    other_station_officer = UserFactory()
    for stranger in (other_station_officer, legal_member(), leader_member()):
        with pytest.raises(ValidationError, match="handling unit"):
            review(measure, S.UNIT, actor=stranger)
    review(measure, S.UNIT, actor=UserFactory(coordinator=True))
    assert measure.reviews.get().stage == S.UNIT


def test_a_review_needs_at_least_three_participants():
    measure = MeasureFactory()
    with pytest.raises(ValidationError, match="at least 3"):
        review(measure, S.UNIT, participants=people(2))
    # The same person named three times is one participant.
    someone = people(1)[0]
    with pytest.raises(ValidationError, match="at least 3"):
        review(measure, S.UNIT, participants=[someone, someone, someone])
    assert not measure.reviews.exists()


def test_a_review_needs_minutes_and_an_economic_impact_note():
    measure = MeasureFactory()
    actor = unit_member(measure)
    base = dict(measure=measure, actor=actor, stage=S.UNIT, held_on=timezone.localdate(), participants=people(), decision=D.APPROVE)
    with pytest.raises(ValidationError, match="minutes"):
        services.measure_review(**base, minutes="  ", economic_impact="影响可控")
    with pytest.raises(ValidationError, match="impact"):
        services.measure_review(**base, minutes="同意", economic_impact="")


def test_a_review_cannot_be_dated_before_the_previous_one_or_in_the_future():
    measure = MeasureFactory()
    review(measure, S.UNIT, held_on=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="before the previous"):
        review(measure, S.LEGAL, held_on=timezone.localdate() - dt.timedelta(days=2))
    with pytest.raises(ValidationError, match="future"):
        review(measure, S.LEGAL, held_on=timezone.localdate() + dt.timedelta(days=1))


# ---------------------------------------------------------------- the model refuses unjustified states


def test_saving_a_new_measure_as_approved_is_refused_by_the_model():
    case = CaseFactory(filed=True)
    measure = CoerciveMeasure(case=case, kind="SEAL", target="厂房", grounds="x", status=CoerciveMeasure.Status.APPROVED)
    with pytest.raises(ValidationError):
        measure.save()
    assert not CoerciveMeasure.objects.exists()


def test_setting_status_approved_and_saving_is_refused_by_the_model():
    measure = MeasureFactory()
    measure.status = CoerciveMeasure.Status.APPROVED
    with pytest.raises(ValidationError, match="approved by the handling unit, the legal team and the bureau leadership"):
        measure.save()
    assert status_of(measure) == CoerciveMeasure.Status.PROPOSED


def test_forging_the_three_decisions_without_reviews_is_refused_by_the_model():
    measure = MeasureFactory()
    measure.unit_decision = measure.legal_decision = measure.leadership_decision = "APPROVE"
    measure.status = CoerciveMeasure.Status.APPROVED
    with pytest.raises(ValidationError, match="No collective review"):
        measure.save()
    assert status_of(measure) == CoerciveMeasure.Status.PROPOSED


def test_executing_by_direct_save_without_approval_is_refused_by_the_model():
    measure = MeasureFactory()
    review(measure, S.UNIT)
    review(measure, S.LEGAL)
    measure.refresh_from_db()
    measure.status = CoerciveMeasure.Status.EXECUTED
    measure.executed_at = timezone.now()
    with pytest.raises(ValidationError):
        measure.save()
    assert status_of(measure) == CoerciveMeasure.Status.PROPOSED


def test_a_review_with_two_participants_cannot_justify_a_decision():
    """A review row written around the service with two participants: the measure still cannot move on it."""
    measure = MeasureFactory()
    row = MeasureReview(
        measure=measure, stage=S.UNIT, held_on=timezone.localdate(), minutes="m", economic_impact="e",
        decision=D.APPROVE, recorded_by=unit_member(measure),
    )
    row.save()  # allowed in itself: the order and the recorder are right
    row.participants.set(people(2))
    measure.unit_decision = "APPROVE"
    with pytest.raises(ValidationError, match="fewer than 3 participants"):
        measure.save()


def test_a_review_row_written_out_of_order_or_by_the_wrong_person_is_refused_by_the_model():
    measure = MeasureFactory()
    with pytest.raises(ValidationError, match="in order"):
        MeasureReview(
            measure=measure, stage=S.LEADERSHIP, held_on=timezone.localdate(), minutes="m", economic_impact="e",
            decision=D.APPROVE, recorded_by=leader_member(),
        ).save()
    with pytest.raises(ValidationError, match="handling unit"):
        MeasureReview(
            measure=measure, stage=S.UNIT, held_on=timezone.localdate(), minutes="m", economic_impact="e",
            decision=D.APPROVE, recorded_by=legal_member(),
        ).save()
    assert not measure.reviews.exists()


def test_a_recorded_review_cannot_be_changed_or_deleted():
    measure = MeasureFactory()
    recorded = review(measure, S.UNIT)
    recorded.decision = D.REJECT
    with pytest.raises(ValidationError, match="cannot be changed"):
        recorded.save()
    with pytest.raises(ValidationError, match="cannot be deleted"):
        recorded.delete()


def test_an_approved_measure_cannot_be_put_back_under_review():
    measure = approved_measure()
    measure.status = CoerciveMeasure.Status.PROPOSED
    measure.unit_decision = measure.legal_decision = measure.leadership_decision = ""
    with pytest.raises(ValidationError):
        measure.save()


def test_a_hand_built_instance_of_an_existing_row_is_judged_against_the_row():
    measure = approved_measure()
    services.measure_execute(measure=measure, actor=unit_member(measure))
    forged = CoerciveMeasure(
        pk=measure.pk, case=measure.case, kind=measure.kind, target="x", grounds="x", proposed_on=measure.proposed_on,
        created_at=measure.created_at,
    )
    with pytest.raises(ValidationError):
        forged.save()
    assert status_of(measure) == CoerciveMeasure.Status.EXECUTED


# ---------------------------------------------------------------- the database refuses unjustified states


def test_the_database_refuses_a_raw_update_to_approved():
    measure = MeasureFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CoerciveMeasure.objects.filter(pk=measure.pk).update(status=CoerciveMeasure.Status.APPROVED)
    assert status_of(measure) == CoerciveMeasure.Status.PROPOSED


def test_the_database_refuses_a_raw_update_to_executed():
    measure = MeasureFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CoerciveMeasure.objects.filter(pk=measure.pk).update(status=CoerciveMeasure.Status.EXECUTED, executed_at=timezone.now())


def test_the_database_refuses_a_legal_decision_without_the_units():
    measure = MeasureFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CoerciveMeasure.objects.filter(pk=measure.pk).update(legal_decision="APPROVE")


def test_the_database_refuses_a_second_review_of_the_same_stage():
    measure = MeasureFactory()
    first = review(measure, S.UNIT)
    with pytest.raises(IntegrityError), transaction.atomic():
        MeasureReview.objects.bulk_create(
            [MeasureReview(measure=measure, stage=S.UNIT, held_on=first.held_on, minutes="m", economic_impact="e", decision="APPROVE", recorded_by=first.recorded_by)]
        )


# ---------------------------------------------------------------- the admin


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(username="root", password="Root#2026x", name="管理员")


def test_the_admin_cannot_add_change_or_delete_a_measure(client, superuser):
    measure = MeasureFactory()
    client.force_login(superuser)
    assert client.get(reverse("admin:casework_coercivemeasure_add")).status_code == 403
    response = client.post(
        reverse("admin:casework_coercivemeasure_change", args=[measure.pk]),
        {"status": "APPROVED", "unit_decision": "APPROVE", "legal_decision": "APPROVE", "leadership_decision": "APPROVE"},
    )
    assert response.status_code == 403
    assert client.post(reverse("admin:casework_coercivemeasure_delete", args=[measure.pk]), {"post": "yes"}).status_code == 403
    assert status_of(measure) == CoerciveMeasure.Status.PROPOSED
    # It may be looked at, read-only.
    page = client.get(reverse("admin:casework_coercivemeasure_change", args=[measure.pk]))
    assert page.status_code == 200
    assert b'name="status"' not in page.content


def test_the_admin_has_no_page_to_write_a_review(client, superuser):
    client.force_login(superuser)
    assert client.get("/admin/casework/measurereview/add/").status_code == 404


def test_the_admin_shows_the_case_state_read_only(client, superuser):
    case = CaseFactory()
    client.force_login(superuser)
    url = reverse("admin:casework_case_change", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200 and b'name="status"' not in page.content
    data = {
        "enterprise": case.enterprise_id, "enterprise_role": case.enterprise_role, "case_type": case.case_type,
        "nature": case.nature, "title": case.title, "summary": case.summary, "handling_unit": case.handling_unit_id,
        "criminal_detentions": 0, "administrative_detentions": 0,
        "status": "SOLVED", "solved_at_0": "2026-01-01", "solved_at_1": "10:00",
    }
    response = client.post(url, data)
    assert response.status_code == 302  # the descriptive fields were saved ...
    case.refresh_from_db()
    assert case.status == "RECEIVED" and case.solved_at is None  # ... the state was not


# ---------------------------------------------------------------- crafted POSTs


def test_a_crafted_post_to_execute_a_measure_under_review_changes_nothing(client, world):
    case = CaseFactory(enterprise=world.enterprise_a, handling_unit=world.station_a, filed=True)
    measure = MeasureFactory(case=case)
    review(measure, S.UNIT)
    review(measure, S.LEGAL)
    client.force_login(world.officer)
    response = client.post(reverse("casework:measure_execute", args=[measure.pk]), {"note": "强行执行"}, follow=True)
    assert status_of(measure) == CoerciveMeasure.Status.PROPOSED
    assert "three collective reviews" in response.content.decode()


def test_a_crafted_post_to_the_review_page_by_a_non_legal_user_is_forbidden(client, world):
    case = CaseFactory(enterprise=world.enterprise_a, handling_unit=world.station_a, filed=True)
    measure = MeasureFactory(case=case)
    review(measure, S.UNIT)
    participants = people()
    data = {
        "stage": S.LEGAL, "held_on": timezone.localdate().isoformat(), "participants": [p.pk for p in participants],
        "minutes": "同意", "economic_impact": "可控", "decision": "APPROVE",
    }
    for user in (world.officer, world.team, world.coordinator, world.leader):
        client.force_login(user)
        assert client.post(reverse("casework:measure_review", args=[measure.pk]), data).status_code == 403
    assert measure.reviews.count() == 1


def test_a_crafted_post_naming_a_later_stage_records_nothing(client, world):
    """The review page records the stage that is due; a form claiming another stage is refused."""
    case = CaseFactory(enterprise=world.enterprise_a, handling_unit=world.station_a, filed=True)
    measure = MeasureFactory(case=case)
    client.force_login(world.officer)
    data = {
        "stage": S.LEADERSHIP, "held_on": timezone.localdate().isoformat(), "participants": [p.pk for p in people()],
        "minutes": "同意", "economic_impact": "可控", "decision": "APPROVE",
    }
    response = client.post(reverse("casework:measure_review", args=[measure.pk]), data)
    assert response.status_code == 200
    assert "in order" in response.content.decode()
    assert not measure.reviews.exists()


def test_a_review_form_with_two_participants_is_refused_and_keeps_what_was_typed(client, world):
    case = CaseFactory(enterprise=world.enterprise_a, handling_unit=world.station_a, filed=True)
    measure = MeasureFactory(case=case)
    client.force_login(world.officer)
    data = {
        "stage": S.UNIT, "held_on": timezone.localdate().isoformat(), "participants": [p.pk for p in people(2)],
        "minutes": "所务会集体研究的记录", "economic_impact": "可控", "decision": "APPROVE",
    }
    response = client.post(reverse("casework:measure_review", args=[measure.pk]), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "at least 3 participants" in body and "所务会集体研究的记录" in body
    assert not measure.reviews.exists()


def test_the_unit_reviews_through_the_page_and_the_measure_moves_to_the_legal_team(client, world):
    case = CaseFactory(enterprise=world.enterprise_a, handling_unit=world.station_a, filed=True)
    measure = MeasureFactory(case=case)
    client.force_login(world.officer)
    page = client.get(reverse("casework:measure_review", args=[measure.pk]))
    assert page.status_code == 200
    data = {
        "stage": S.UNIT, "held_on": timezone.localdate().isoformat(),
        "participants": [world.officer.pk, world.outsider.pk, world.team.pk],
        "minutes": "所务会研究同意", "economic_impact": "可控", "decision": "APPROVE",
        "_submit_token": page.context["submit_token"],
    }
    response = client.post(reverse("casework:measure_review", args=[measure.pk]), data)
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.next_stage == S.LEGAL
    # A double submit of the same form records nothing more.
    client.post(reverse("casework:measure_review", args=[measure.pk]), data)
    assert measure.reviews.count() == 1
