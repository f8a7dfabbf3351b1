"""The ledger's state machine: every transition, by whom it is allowed and refused, and from which states."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from liaison.models import Notification
from tests.factories import EnterpriseFactory, UserFactory
from tests.visits.factories import make_issue, make_visit, photo
from visits import deadlines, services
from visits.models import Issue, IssuePhoto, IssueRequest, IssueUpdate, Visit

S = Issue.Status
pytestmark = pytest.mark.django_db


def _request_extension(world, issue):
    services.issue_extension_request(
        issue=issue, actor=world.officer, new_deadline=issue.deadline + dt.timedelta(days=14), reason="设备采购需时间"
    )
    issue.refresh_from_db()
    return issue


def _request_unable(world, issue):
    services.issue_unable_request(issue=issue, actor=world.officer, reason="企业已搬离本区")
    issue.refresh_from_db()
    return issue


# action: (starting status, preparation, call(issue, user), expected status after, roles allowed)
TRANSITIONS = {
    "assign": (S.REGISTERED, None,
               lambda w, i, u: services.issue_assign(issue=i, actor=u, responsible_unit=w.station_a, owner=w.officer),
               S.ASSIGNED, {"coordinator"}),
    "accept": (S.ASSIGNED, None, lambda w, i, u: services.issue_accept(issue=i, actor=u), S.ACCEPTED, {"officer"}),
    "progress": (S.ACCEPTED, None, lambda w, i, u: services.issue_progress(issue=i, actor=u, text="已约谈企业负责人"),
                 S.IN_PROGRESS, {"officer"}),
    "resolve": (S.IN_PROGRESS, None, lambda w, i, u: services.issue_resolve(issue=i, actor=u, evidence="已整改完毕"),
                S.RESOLVED, {"officer"}),
    "close": (S.RESOLVED, None, lambda w, i, u: services.issue_close(issue=i, actor=u), S.CLOSED, {"coordinator", "leader"}),
    "reject": (S.RESOLVED, None, lambda w, i, u: services.issue_reject(issue=i, actor=u, reason="复查仍有堵塞"),
               S.IN_PROGRESS, {"coordinator", "leader"}),
    "reopen": (S.CLOSED, None, lambda w, i, u: services.issue_reopen(issue=i, actor=u, reason="企业再次反映"),
               S.IN_PROGRESS, {"coordinator", "leader"}),
    "return": (S.ASSIGNED, None, lambda w, i, u: services.issue_return(issue=i, actor=u, reason="不属我所管辖"),
               S.RETURNED, {"officer"}),
    "transfer": (S.ACCEPTED, None,
                 lambda w, i, u: services.issue_transfer(issue=i, actor=u, receiving_authority="区市场监管局"),
                 S.TRANSFERRED, {"officer", "coordinator"}),
    "unable_request": (S.ACCEPTED, None, lambda w, i, u: services.issue_unable_request(issue=i, actor=u, reason="企业已停产"),
                       S.ACCEPTED, {"officer"}),
    "unable": (S.ACCEPTED, None, lambda w, i, u: services.issue_unable(issue=i, actor=u, reason="企业已注销"),
               S.UNABLE, {"coordinator"}),
    "unable_refuse": (S.ACCEPTED, _request_unable,
                      lambda w, i, u: services.issue_unable_refuse(issue=i, actor=u, note="请继续协调"),
                      S.ACCEPTED, {"coordinator"}),
    "extension_request": (S.ACCEPTED, None,
                          lambda w, i, u: services.issue_extension_request(
                              issue=i, actor=u, new_deadline=(i.deadline or timezone.localdate()) + dt.timedelta(days=10), reason="需采购设备"),
                          S.ACCEPTED, {"officer"}),
    "extension_approve": (S.ACCEPTED, _request_extension,
                          lambda w, i, u: services.issue_extension_approve(issue=i, actor=u), S.ACCEPTED, {"coordinator"}),
    "extension_refuse": (S.ACCEPTED, _request_extension,
                         lambda w, i, u: services.issue_extension_refuse(issue=i, actor=u, note="时间足够"),
                         S.ACCEPTED, {"coordinator"}),
    "supervise": (S.ACCEPTED, None,
                  lambda w, i, u: services.issue_supervise(issue=i, actor=u, level=Issue.Supervision.KEY, instruction="限期整改"),
                  S.ACCEPTED, {"leader", "coordinator"}),
    "satisfaction": (S.CLOSED, None,
                     lambda w, i, u: services.issue_satisfaction(issue=i, actor=u, satisfaction=Issue.Satisfaction.SATISFIED),
                     S.CLOSED, {"coordinator"}),
    "comment": (S.ACCEPTED, None, lambda w, i, u: services.issue_comment(issue=i, actor=u, text="请加快进度"),
                S.ACCEPTED, {"leader", "coordinator", "team", "officer"}),
}
USERS = ("leader", "coordinator", "team", "legal", "officer", "outsider", "auditor")
CASES = [(action, role) for action in TRANSITIONS for role in USERS]


def snapshot(issue):
    issue.refresh_from_db()
    return (issue.status, issue.version, issue.deadline, issue.supervision, issue.satisfaction,
            IssueUpdate.objects.filter(issue=issue).count(), IssueRequest.objects.filter(issue=issue).values_list("status").count(),
            list(IssueRequest.objects.filter(issue=issue).values_list("status", flat=True)))


@pytest.mark.parametrize(("action", "role"), CASES, ids=[f"{a}-{r}" for a, r in CASES])
def test_each_transition_is_allowed_to_its_roles_and_refused_to_everyone_else(world, action, role):
    start, prepare, call, after, allowed = TRANSITIONS[action]
    issue = make_issue(world, start)
    if prepare:
        issue = prepare(world, issue)
    user = world.user(role)
    before = snapshot(issue)
    if role in allowed:
        call(world, issue, user)
        issue.refresh_from_db()
        assert issue.status == after
        assert snapshot(issue) != before
        last = IssueUpdate.objects.filter(issue=issue).order_by("-at", "-pk").first()
        assert last.actor == user
    else:
        with pytest.raises(PermissionDenied):
            call(world, issue, user)
        assert snapshot(issue) == before


WRONG_STATE = [
    ("accept", S.REGISTERED), ("accept", S.ACCEPTED), ("progress", S.ASSIGNED), ("resolve", S.ASSIGNED),
    ("resolve", S.RESOLVED), ("close", S.IN_PROGRESS), ("close", S.CLOSED), ("reject", S.ACCEPTED),
    ("reopen", S.RESOLVED), ("return", S.ACCEPTED), ("assign", S.ACCEPTED), ("transfer", S.CLOSED),
    ("unable", S.CLOSED), ("extension_request", S.ASSIGNED), ("satisfaction", S.RESOLVED), ("supervise", S.CLOSED),
]


@pytest.mark.parametrize(("action", "status"), WRONG_STATE, ids=[f"{a}-from-{s}" for a, s in WRONG_STATE])
def test_a_transition_from_the_wrong_state_is_refused_with_a_message_and_changes_nothing(world, action, status):
    _start, _prepare, call, _after, allowed = TRANSITIONS[action]
    issue = make_issue(world, status)
    role = sorted(allowed)[0]
    before = snapshot(issue)
    with pytest.raises((ValidationError, PermissionDenied)):
        call(world, issue, world.user(role))
    assert snapshot(issue) == before


def test_refused_transition_message_names_the_item_and_its_state(world):
    issue = make_issue(world, S.REGISTERED)
    with pytest.raises(ValidationError) as error:
        services.issue_close(issue=issue, actor=world.coordinator)
    assert issue.number in error.value.messages[0]


# ---------------------------------------------------------------- numbering and registration


def test_items_are_numbered_per_year_from_0001(world):
    with time_machine.travel(dt.datetime(2026, 12, 31, 12, tzinfo=dt.UTC), tick=False):
        first = make_issue(world)
        second = make_issue(world)
    with time_machine.travel(dt.datetime(2027, 1, 4, 3, tzinfo=dt.UTC), tick=False):
        third = make_issue(world)
    assert (first.number, second.number) == ("2026-0001", "2026-0002")
    assert third.number == "2027-0001"


def test_an_officer_may_take_on_a_problem_they_raised_and_the_clock_starts(world):
    with time_machine.travel(dt.datetime(2026, 9, 28, 2, tzinfo=dt.UTC), tick=False):
        issue = services.issue_register(
            actor=world.officer, enterprise=world.enterprise_a, category=Issue.Category.SERVICE,
            description="外地员工居住登记", take_on=True,
        )
    assert issue.status == S.ACCEPTED
    assert issue.owner == world.officer and issue.responsible_unit == world.station_a
    # SERVICE: 5 working days from Monday 28 September 2026, across the National Day holiday (1–7 October)
    # and its make-up workday on Saturday 10 October: 29, 30 Sep, 8, 9, 10 Oct.
    assert issue.deadline == dt.date(2026, 10, 10)
    assert [u.to_status for u in issue.updates.all()] == [S.REGISTERED, S.ACCEPTED]


def test_a_leader_cannot_take_a_problem_on_themselves(world):
    with pytest.raises(PermissionDenied):
        services.issue_register(actor=world.leader, enterprise=world.enterprise_a, category="HAZARD", description="x", take_on=True)


def test_nobody_registers_an_item_for_an_enterprise_outside_their_scope(world):
    with pytest.raises(PermissionDenied):
        services.issue_register(actor=world.officer, enterprise=world.enterprise_b, category="HAZARD", description="x")
    assert not Issue.objects.exists()


# ---------------------------------------------------------------- deadlines, extensions, returns


def test_assignment_sets_the_time_limit_and_acceptance_starts_the_clock(world):
    issue = make_issue(world)
    with time_machine.travel(dt.datetime(2026, 9, 30, 2, tzinfo=dt.UTC), tick=False):
        issue = services.issue_assign(issue=issue, actor=world.coordinator, responsible_unit=world.station_a,
                                      owner=world.officer, time_limit_days=3)
        assert issue.deadline is None and issue.accepted_at is None
    with time_machine.travel(dt.datetime(2026, 10, 8, 1, tzinfo=dt.UTC), tick=False):
        issue = services.issue_accept(issue=issue, actor=world.officer)
    # Accepted Thursday 8 October: 9 (Fri), 10 (make-up Saturday), 12 (Mon).
    assert issue.deadline == dt.date(2026, 10, 12)
    assert issue.accepted_at == dt.datetime(2026, 10, 8, 1, tzinfo=dt.UTC)


def test_the_default_time_limit_depends_on_the_category(world):
    issue = make_issue(world, S.ACCEPTED, category=Issue.Category.CRIME_LEAD)
    assert issue.time_limit_days == deadlines.DEFAULT_LIMITS["CRIME_LEAD"] == 20
    accepted = timezone.localtime(issue.accepted_at).date()
    assert issue.deadline == deadlines.deadline_from(accepted, 20)


def test_an_approved_extension_keeps_the_original_deadline_on_record(world):
    issue = make_issue(world, S.ACCEPTED)
    first = issue.deadline
    wanted = first + dt.timedelta(days=20)
    services.issue_extension_request(issue=issue, actor=world.officer, new_deadline=wanted, reason="需采购监控设备")
    services.issue_extension_approve(issue=issue, actor=world.coordinator)
    issue.refresh_from_db()
    assert (issue.deadline, issue.original_deadline) == (wanted, first)
    assert issue.was_extended
    request = issue.requests.get()
    assert request.status == IssueRequest.Status.APPROVED and request.decided_by == world.coordinator
    # A second extension still remembers the very first deadline.
    services.issue_extension_request(issue=issue, actor=world.officer, new_deadline=wanted + dt.timedelta(days=7), reason="再延")
    services.issue_extension_approve(issue=issue, actor=world.coordinator, new_deadline=wanted + dt.timedelta(days=3))
    issue.refresh_from_db()
    assert (issue.deadline, issue.original_deadline) == (wanted + dt.timedelta(days=3), first)


def test_an_extension_must_be_requested_before_the_deadline(world):
    issue = make_issue(world, S.ACCEPTED)
    late = dt.datetime.combine(issue.deadline + dt.timedelta(days=1), dt.time(10), tzinfo=dt.UTC)
    with time_machine.travel(late), pytest.raises(ValidationError, match="before the deadline"):
        services.issue_extension_request(issue=issue, actor=world.officer,
                                         new_deadline=issue.deadline + dt.timedelta(days=30), reason="迟了")
    assert not issue.requests.exists()


def test_an_extension_must_move_the_deadline_later_and_only_one_waits_at_a_time(world):
    issue = make_issue(world, S.ACCEPTED)
    with pytest.raises(ValidationError):
        services.issue_extension_request(issue=issue, actor=world.officer, new_deadline=issue.deadline, reason="同一天")
    _request_extension(world, issue)
    with pytest.raises(ValidationError, match="already waiting"):
        services.issue_extension_request(issue=issue, actor=world.officer,
                                         new_deadline=issue.deadline + dt.timedelta(days=30), reason="又一次")
    assert issue.requests.count() == 1


def test_a_returned_item_goes_back_to_the_office_and_can_be_assigned_again(world):
    issue = make_issue(world, S.RETURNED)
    assert issue.responsible_unit is None and issue.owner is None and issue.reason == "不属我单位"
    issue = services.issue_assign(issue=issue, actor=world.coordinator, responsible_unit=world.team_unit, owner=world.team)
    assert issue.status == S.ASSIGNED
    assert issue.reason == ""
    services.issue_accept(issue=issue, actor=world.team)


def test_reasons_are_required_for_return_reject_reopen_and_unable(world):
    assigned = make_issue(world, S.ASSIGNED)
    with pytest.raises(ValidationError):
        services.issue_return(issue=assigned, actor=world.officer, reason="  ")
    resolved = make_issue(world, S.RESOLVED)
    with pytest.raises(ValidationError):
        services.issue_reject(issue=resolved, actor=world.coordinator, reason="")
    accepted = make_issue(world, S.ACCEPTED)
    with pytest.raises(ValidationError):
        services.issue_unable(issue=accepted, actor=world.coordinator, reason="")
    with pytest.raises(ValidationError):
        services.issue_resolve(issue=accepted, actor=world.officer, evidence="")


def test_the_owner_must_belong_to_the_responsible_unit(world):
    issue = make_issue(world)
    with pytest.raises(ValidationError):
        services.issue_assign(issue=issue, actor=world.coordinator, responsible_unit=world.team_unit, owner=world.officer)
    issue.refresh_from_db()
    assert issue.status == S.REGISTERED


def test_an_item_assigned_to_a_unit_without_owner_is_accepted_by_any_member_who_becomes_owner(world):
    colleague = UserFactory(username="colleague", unit=world.station_a)
    issue = make_issue(world)
    services.issue_assign(issue=issue, actor=world.coordinator, responsible_unit=world.station_a)
    issue = services.issue_accept(issue=issue, actor=colleague)
    assert issue.owner == colleague


def test_unable_is_signed_off_by_the_office_from_the_units_request(world):
    issue = _request_unable(world, make_issue(world, S.ACCEPTED))
    assert issue.status == S.ACCEPTED  # a request only, until the office signs it off
    services.issue_unable(issue=issue, actor=world.coordinator)
    issue.refresh_from_db()
    assert issue.status == S.UNABLE and issue.reason == "企业已搬离本区"
    assert issue.requests.get().status == IssueRequest.Status.APPROVED


def test_settling_an_item_lapses_its_pending_requests(world):
    issue = _request_extension(world, make_issue(world, S.ACCEPTED))
    services.issue_transfer(issue=issue, actor=world.officer, receiving_authority="区应急管理局")
    assert issue.requests.get().status == IssueRequest.Status.REFUSED


# ---------------------------------------------------------------- verification and satisfaction


def test_verification_failed_sends_the_item_back_to_work_and_clears_the_reported_result(world):
    issue = make_issue(world, S.RESOLVED)
    services.issue_reject(issue=issue, actor=world.leader, reason="复查仍堵塞")
    issue.refresh_from_db()
    assert issue.status == S.IN_PROGRESS and issue.resolved_at is None and issue.resolution == ""
    assert "复查仍堵塞" in issue.updates.last().text


def test_closing_records_who_verified_and_when(world):
    issue = make_issue(world, S.RESOLVED)
    services.issue_close(issue=issue, actor=world.leader)
    issue.refresh_from_db()
    assert issue.closed_by == world.leader and issue.closed_at is not None
    assert issue.satisfaction == ""  # the leader closes; the office calls back later


def test_the_office_records_satisfaction_at_closing_from_its_call_back(world):
    issue = make_issue(world, S.RESOLVED)
    services.issue_close(issue=issue, actor=world.coordinator, satisfaction=Issue.Satisfaction.BASICALLY)
    issue.refresh_from_db()
    assert issue.satisfaction == Issue.Satisfaction.BASICALLY and not issue.needs_followup


def test_a_leader_closing_an_item_cannot_record_satisfaction(world):
    issue = make_issue(world, S.RESOLVED)
    with pytest.raises(PermissionDenied):
        services.issue_close(issue=issue, actor=world.leader, satisfaction=Issue.Satisfaction.SATISFIED)
    issue.refresh_from_db()
    assert issue.status == S.RESOLVED


def test_the_officer_being_rated_never_records_satisfaction_even_from_the_office(world):
    """An office member who handled the item (its owner) may not rate their own work."""
    issue = make_issue(world, S.ASSIGNED, owner=world.coordinator, unit=world.office)
    services.issue_accept(issue=issue, actor=world.coordinator)
    services.issue_resolve(issue=issue, actor=world.coordinator, evidence="已办结")
    with pytest.raises(PermissionDenied):
        services.issue_close(issue=issue, actor=world.coordinator, satisfaction=Issue.Satisfaction.SATISFIED)
    services.issue_close(issue=issue, actor=world.leader)
    with pytest.raises(PermissionDenied):
        services.issue_satisfaction(issue=issue, actor=world.coordinator, satisfaction=Issue.Satisfaction.SATISFIED)
    issue.refresh_from_db()
    assert issue.satisfaction == ""


def test_the_call_back_entry_of_the_timeline_is_in_chinese(world):
    issue = make_issue(world, S.CLOSED)
    with translation.override("zh-hans"):
        services.issue_satisfaction(issue=issue, actor=world.coordinator, satisfaction=Issue.Satisfaction.SATISFIED)
    assert issue.updates.order_by("-pk").first().text.startswith("回访: 满意")


def test_a_dissatisfied_call_back_flags_the_item_for_the_office_and_reopening_clears_it(world):
    issue = make_issue(world, S.CLOSED)
    office_before = Notification.objects.filter(recipient=world.coordinator).count()
    services.issue_satisfaction(issue=issue, actor=world.coordinator, satisfaction=Issue.Satisfaction.DISSATISFIED,
                                note="企业认为未根本解决")
    issue.refresh_from_db()
    assert issue.needs_followup
    assert Issue.objects.filter(needs_followup=True).count() == 1
    # The office itself recorded it, so no notification to itself is needed.
    assert Notification.objects.filter(recipient=world.coordinator).count() == office_before
    services.issue_reopen(issue=issue, actor=world.coordinator, reason="不满意，重新整改", time_limit_days=5)
    issue.refresh_from_db()
    assert issue.status == S.IN_PROGRESS and not issue.needs_followup and issue.satisfaction == ""
    assert issue.closed_at is None and issue.original_deadline is not None
    assert issue.deadline == deadlines.deadline_from(timezone.localdate(), 5)


# ---------------------------------------------------------------- supervision


def test_supervision_needs_an_instruction_and_records_since_when(world):
    issue = make_issue(world, S.ACCEPTED)
    with pytest.raises(ValidationError):
        services.issue_supervise(issue=issue, actor=world.leader, level=Issue.Supervision.KEY, instruction="")
    services.issue_supervise(issue=issue, actor=world.leader, level=Issue.Supervision.LISTED, instruction="挂牌督办")
    issue.refresh_from_db()
    assert issue.supervision == Issue.Supervision.LISTED and issue.supervised_since is not None
    services.issue_supervise(issue=issue, actor=world.leader, level="", instruction="已解决")
    issue.refresh_from_db()
    assert issue.supervision == "" and issue.supervised_since is None


def test_progress_notes_on_a_supervised_item_are_supervision_notes(world):
    issue = make_issue(world, S.ACCEPTED, supervised=True)
    note = services.issue_progress(issue=issue, actor=world.officer, text="已整改一半", partly_fixed=True)
    assert note.is_supervision_note and note.partly_fixed
    plain = make_issue(world, S.ACCEPTED)
    assert not services.issue_progress(issue=plain, actor=world.officer, text="进展").is_supervision_note


def test_a_supervised_item_without_a_note_for_more_than_5_working_days_is_flagged(world):
    # Supervised on Monday 14 September 2026; no note since.
    with time_machine.travel(dt.datetime(2026, 9, 14, 2, tzinfo=dt.UTC), tick=False):
        issue = make_issue(world, S.ACCEPTED, supervised=True)
    # Monday 21 September is the 5th working day (Sunday 20 September is a make-up workday: 15,16,17,18,20):
    # note due; Monday 21 it is missing.
    with time_machine.travel(dt.datetime(2026, 9, 20, 2, tzinfo=dt.UTC), tick=False):
        assert not Issue.objects.note_due().exists()
        assert not Issue.objects.get(pk=issue.pk).supervision_note_due
    with time_machine.travel(dt.datetime(2026, 9, 21, 2, tzinfo=dt.UTC), tick=False):
        assert list(Issue.objects.note_due()) == [issue]
        assert Issue.objects.get(pk=issue.pk).supervision_note_due
        services.issue_progress(issue=issue, actor=world.officer, text="本周进展")
        assert not Issue.objects.note_due().exists()


def test_a_supervision_note_counts_across_the_national_day_holiday(world):
    with time_machine.travel(dt.datetime(2026, 9, 30, 2, tzinfo=dt.UTC), tick=False):
        issue = make_issue(world, S.ACCEPTED, supervised=True)
    # After 30 September: 8, 9, 10 (make-up), 12, 13 October are the five working days.
    with time_machine.travel(dt.datetime(2026, 10, 13, 2, tzinfo=dt.UTC), tick=False):
        assert not Issue.objects.note_due().filter(pk=issue.pk).exists()
    with time_machine.travel(dt.datetime(2026, 10, 14, 2, tzinfo=dt.UTC), tick=False):
        assert Issue.objects.note_due().filter(pk=issue.pk).exists()


# ---------------------------------------------------------------- optimistic locking


def test_two_people_acting_at_once_one_wins_and_the_other_gets_a_clear_message(world):
    issue = make_issue(world, S.RESOLVED)
    seen = issue.version
    services.issue_close(issue=issue, actor=world.leader, expected_version=seen)
    with pytest.raises(ValidationError) as error:
        services.issue_reject(issue=issue, actor=world.coordinator, reason="仍有隐患", expected_version=seen)
    assert error.value.code == "conflict"
    assert "Someone else changed" in error.value.messages[0]
    issue.refresh_from_db()
    assert issue.status == S.CLOSED and issue.closed_by == world.leader
    assert issue.version == seen + 1


def test_a_stale_write_is_refused_even_when_the_row_was_read_before_the_other_commit(world):
    """The version is bumped with a conditional update: a writer holding an old copy cannot overwrite."""
    issue = make_issue(world, S.ACCEPTED)
    stale = Issue.objects.get(pk=issue.pk)
    Issue.objects.filter(pk=issue.pk).update(version=issue.version + 1)
    stale.status = S.IN_PROGRESS
    with pytest.raises(ValidationError):
        services._save(stale)


def test_progress_notes_written_at_once_are_both_kept(world):
    issue = make_issue(world, S.IN_PROGRESS)
    seen = issue.version
    services.issue_progress(issue=issue, actor=world.officer, text="第一条", expected_version=seen)
    services.issue_progress(issue=issue, actor=world.officer, text="第二条", expected_version=seen)
    texts = list(issue.updates.values_list("text", flat=True))
    assert "第一条" in texts and "第二条" in texts


# ---------------------------------------------------------------- timeline, notifications, photos


def test_every_transition_and_note_leaves_an_entry_on_the_timeline(world):
    issue = make_issue(world, S.CLOSED)
    statuses = [(u.from_status, u.to_status) for u in issue.updates.all() if u.to_status]
    assert statuses == [
        ("", S.REGISTERED), (S.REGISTERED, S.ASSIGNED), (S.ASSIGNED, S.ACCEPTED), (S.ACCEPTED, S.IN_PROGRESS),
        (S.IN_PROGRESS, S.RESOLVED), (S.RESOLVED, S.CLOSED),
    ]


def test_assignment_notifies_the_owner_and_a_resolution_notifies_the_office(world):
    issue = make_issue(world, S.ASSIGNED)
    assert Notification.objects.filter(recipient=world.officer, url=issue.get_absolute_url()).exists()
    services.issue_accept(issue=issue, actor=world.officer)
    services.issue_resolve(issue=issue, actor=world.officer, evidence="已整改")
    assert Notification.objects.filter(recipient=world.coordinator, url=issue.get_absolute_url()).exists()


def test_resolution_evidence_photos_are_attached_to_the_timeline_entry(world):
    issue = make_issue(world, S.IN_PROGRESS)
    services.issue_resolve(issue=issue, actor=world.officer, evidence="已清理通道", photos=[photo(), photo()])
    update = issue.updates.get(to_status=S.RESOLVED)
    assert update.photos.count() == 2
    assert IssuePhoto.objects.filter(issue=issue).count() == 2


# ---------------------------------------------------------------- visits


def test_recording_a_visit_turns_every_problem_into_a_ledger_item_and_updates_the_last_visit(world):
    when = timezone.now() - dt.timedelta(hours=2)
    visit = make_visit(
        world, visited_at=when, officers=[world.team], letter_delivered=True,
        problems=[services.Problem("HAZARD", "消防通道堵塞"), services.Problem("SERVICE", "居住登记", take_on=True)],
        photos=[photo()],
    )
    assert set(visit.officers.all()) == {world.officer, world.team}
    assert [i.status for i in visit.issues.order_by("serial")] == [S.REGISTERED, S.ACCEPTED]
    assert visit.photos.count() == 1
    world.enterprise_a.refresh_from_db()
    assert world.enterprise_a.last_visit_at == when


def test_a_phone_call_is_a_contact_and_does_not_count_as_the_last_visit(world):
    on_site = make_visit(world, visited_at=timezone.now() - dt.timedelta(days=3))
    make_visit(world, visited_at=timezone.now() - dt.timedelta(hours=1), channel=Visit.Channel.PHONE)
    world.enterprise_a.refresh_from_db()
    assert world.enterprise_a.last_visit_at == on_site.visited_at


def test_a_failing_problem_leaves_no_half_saved_visit(world):
    with pytest.raises(ValidationError):
        make_visit(world, problems=[services.Problem("HAZARD", "隐患"), services.Problem("HAZARD", "   ")])
    assert not Visit.objects.exists() and not Issue.objects.exists()
    world.enterprise_a.refresh_from_db()
    assert world.enterprise_a.last_visit_at is None


def test_a_visit_cannot_be_in_the_future_or_to_a_closed_enterprise(world):
    with pytest.raises(ValidationError):
        make_visit(world, visited_at=timezone.now() + dt.timedelta(days=1))
    closed = EnterpriseFactory(station=world.station_a, closed=True)
    with pytest.raises(ValidationError):
        make_visit(world, enterprise=closed)


def test_people_served_go_with_the_registration_service(world):
    with pytest.raises(ValidationError):
        make_visit(world, registration_service=True, people_served=0)
    with pytest.raises(ValidationError):
        make_visit(world, people_served=12)
    assert make_visit(world, registration_service=True, people_served=46).people_served == 46


def test_nobody_records_a_visit_to_an_enterprise_outside_their_scope(world):
    with pytest.raises(PermissionDenied):
        make_visit(world, author=world.outsider, enterprise=world.enterprise_a)


def test_the_author_corrects_a_visit_within_24_hours_then_only_the_office(world):
    from auditlog.models import LogEntry

    with time_machine.travel(dt.datetime(2026, 11, 2, 2, tzinfo=dt.UTC), tick=False):
        visit = make_visit(world, visited_at=timezone.now())
    audited = LogEntry.objects.get_for_object(visit).filter(action=LogEntry.Action.UPDATE).count()
    with time_machine.travel(dt.datetime(2026, 11, 3, 1, 59, tzinfo=dt.UTC), tick=False):
        services.visit_update(visit=visit, actor=world.officer, changes={"observations": "补充：仓库整洁"})
    with time_machine.travel(dt.datetime(2026, 11, 3, 2, 1, tzinfo=dt.UTC), tick=False):
        with pytest.raises(PermissionDenied):
            services.visit_update(visit=visit, actor=world.officer, changes={"observations": "再改"})
        services.visit_update(visit=visit, actor=world.coordinator, changes={"observations": "专办更正"})
    visit.refresh_from_db()
    assert visit.observations == "专办更正"
    # Every correction is in the audit log.
    corrections = LogEntry.objects.get_for_object(visit).filter(action=LogEntry.Action.UPDATE)
    assert corrections.count() == audited + 2


def test_a_team_officer_cannot_correct_someone_elses_visit(world):
    visit = make_visit(world)
    with pytest.raises(PermissionDenied):
        services.visit_update(visit=visit, actor=world.team, changes={"observations": "x"})


def test_correcting_the_time_of_a_visit_updates_the_enterprises_last_visit(world):
    visit = make_visit(world, visited_at=timezone.now() - dt.timedelta(hours=3))
    earlier = timezone.now() - dt.timedelta(days=2)
    services.visit_update(visit=visit, actor=world.officer, changes={"visited_at": earlier})
    world.enterprise_a.refresh_from_db()
    assert world.enterprise_a.last_visit_at == earlier
