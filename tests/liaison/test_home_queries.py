"""Every role's home stays within 15 queries, and the same number of queries whatever the amount of data."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from liaison import workdays
from liaison.models import CalendarDay
from tests.casework.factories import ChannelApprovalFactory, GreenChannelFactory, MeasureFactory
from tests.factories import EnterpriseFactory
from tests.plans.factories import PlanFactory, PlanTaskFactory
from tests.supervision.factories import MeetingActionFactory, referral_at
from tests.visits.factories import make_issue
from visits.models import Issue

pytestmark = pytest.mark.django_db

MAX_QUERIES = 15
ROLES = ("leader", "coordinator", "team", "legal", "officer")


def add_rows(world, rounds: int) -> None:
    """`rounds` more rows in every table a home panel reads: ledger items of each light, referrals in each
    queue, meeting decisions, measures, green channels, plans and their tasks."""
    today = timezone.localdate()
    S = Issue.Status
    for _ in range(rounds):
        make_issue(world, S.REGISTERED)
        make_issue(world, S.RETURNED)
        overdue = make_issue(world, S.ACCEPTED, supervised=True)
        Issue.objects.filter(pk=overdue.pk).update(deadline=today - dt.timedelta(days=4))
        make_issue(world, S.RESOLVED)
        referral_at("SUBMITTED", world=world)
        referral_at("REPORTED", world=world)
        late = referral_at("ASSIGNED", world=world, officer=world.officer)
        type(late).objects.filter(pk=late.pk).update(reply_deadline=today - dt.timedelta(days=2))
        for owner in (world.officer, world.team, world.coordinator):
            MeetingActionFactory(owner=owner, owner_unit=owner.unit)
        MeasureFactory(case__enterprise=world.enterprise_a, case__handling_unit=world.station_a)
        channel = GreenChannelFactory(enterprise=world.enterprise_a, officer=world.officer)
        ChannelApprovalFactory(channel=channel, date=today - dt.timedelta(days=2))
        plan = PlanFactory(enterprise=EnterpriseFactory(station=world.station_a), approved=True)
        for owner in (world.officer, world.team, world.leader, world.coordinator):
            PlanTaskFactory(plan=plan, owner=owner, overdue=True)
        PlanFactory(enterprise=plan.enterprise)


def home_queries(client, user) -> tuple[int, object]:
    client.force_login(user)
    client.get("/")  # the first request of a session writes it; measure a later one
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    return len(queries), response


def test_every_role_home_stays_within_the_limit_and_does_not_grow_with_the_data(client, world):
    CalendarDay.objects.create(date=timezone.localdate() + dt.timedelta(days=1), is_workday=False, note="调休")
    add_rows(world, 1)
    small = {role: home_queries(client, getattr(world, role))[0] for role in ROLES}
    add_rows(world, 19)
    large = {role: home_queries(client, getattr(world, role))[0] for role in ROLES}
    assert large == small
    assert max(large.values()) <= MAX_QUERIES, large


def test_the_office_home_numbers_stay_right_past_the_shown_rows(client, world):
    add_rows(world, 20)
    count, response = home_queries(client, world.coordinator)
    panels = {panel.template: panel.context for panel in response.context["panels"]}
    today = timezone.localdate()
    red = panels["visits/panels/red_list.html"]
    assert red["total"] == Issue.objects.light("red", today).count() == 20
    assert red["more"] and len(red["items"]) == 15
    assert [i.deadline for i in red["items"]] == sorted(i.deadline for i in red["items"])
    supervised = panels["visits/panels/supervised.html"]
    assert len(supervised["items"]) == 15 and supervised["more"]
    referrals = panels["supervision/panels/office.html"]
    assert referrals["to_report_count"] == 20 and len(referrals["to_report"]) == 5
    assert referrals["overdue_count"] == 20 and len(referrals["overdue"]) == 5
    measures = panels["casework/panels/measures.html"]
    assert measures["total"] == 20 and len(measures["rows"]) == 10
    tasks = panels["enterprises/panels/my_tasks.html"]
    assert tasks["overdue_count"] == 20 and len(tasks["tasks"]) == 10
    plans = panels["enterprises/panels/plan_office.html"]
    assert plans["overdue_tasks"] == 80 and plans["drafts"] == 20
    missed = panels["casework/panels/channels_missed.html"]
    assert len(missed["rows"]) == 20
    assert all(today - dt.timedelta(days=2) not in days for _channel, days in missed["rows"])
    waiting = {e["kind"]: e["count"] for e in panels["visits/panels/waiting.html"]["entries"]}
    assert waiting["assign"] == 40 and waiting["verify"] == 20


def test_a_request_reads_the_office_calendar_once_and_sees_its_own_changes(db):
    day = dt.date(2031, 3, 3)  # a Monday in a year the official calendar does not know
    with workdays.calendar_read_once():
        with CaptureQueriesContext(connection) as queries:
            assert workdays.is_workday(day)
            assert workdays.add_workdays(day, 3) == dt.date(2031, 3, 6)
            assert workdays.uncovered_years(2031) == [2031]
        assert len(queries) == 1
        CalendarDay.objects.create(date=day + dt.timedelta(days=1), is_workday=False, note="office closed")
        assert workdays.add_workdays(day, 3) == dt.date(2031, 3, 7)
        assert workdays.uncovered_years(2031) == []
