import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from liaison import reminders
from liaison.models import Notification
from supervision import demo
from supervision.models import Meeting, MeetingAction, Notice, Referral
from tests.supervision.factories import MeetingActionFactory, MeetingFactory, referral_at
from visits.models import IssueUpdate

pytestmark = pytest.mark.django_db


def test_an_overdue_reply_reminds_the_assigned_unit_and_the_office_once_a_day(world):
    overdue = referral_at("ASSIGNED", world=world)
    Referral.objects.filter(pk=overdue.pk).update(reply_deadline=timezone.localdate() - dt.timedelta(days=1))
    referral_at("ASSIGNED", world=world)  # not yet due
    done = referral_at("DONE", world=world)
    Referral.objects.filter(pk=done.pk).update(reply_deadline=timezone.localdate() - dt.timedelta(days=3))
    created, existing = reminders.send(timezone.localdate())
    sent = Notification.objects.filter(kind=Notification.Kind.REFERRAL)
    # Station A's only member is the officer; the office is told too.
    assert {n.recipient for n in sent} == {world.officer, world.coordinator}
    assert all(overdue.number in n.text and n.url == overdue.get_absolute_url() for n in sent)
    # Other parts of the programme remind too (visits due …); this test counts the referral reminders.
    assert sent.count() == 2
    assert reminders.send(timezone.localdate())[0] == 0
    assert sent.count() == 2


def test_an_overdue_decision_reminds_its_owner(world):
    MeetingActionFactory(meeting=MeetingFactory(chair=world.leader), owner_unit=world.station_b, owner=world.outsider,
                         deadline=timezone.localdate() - dt.timedelta(days=1))
    reminders.send(timezone.localdate())
    # Visits due, and on a Monday late in the year the office's note on next year's unknown holidays, are other reminders.
    decisions = Notification.objects.exclude(kind=Notification.Kind.VISIT_DUE).exclude(key__endswith="calendar-uncovered")
    assert list(decisions.values_list("recipient", flat=True)) == [world.outsider.pk]


def test_the_leaders_home_shows_referrals_awaiting_instruction(world, client):
    waiting = referral_at("REPORTED", world=world, title="协调危化品运输路线")
    client.force_login(world.leader)
    page = client.get(reverse("home")).content.decode()
    assert "panel-awaiting-instruction" in page and "协调危化品运输路线" in page and waiting.get_absolute_url() in page


def test_the_officers_home_shows_what_awaits_their_reply(world, client):
    referral_at("ASSIGNED", world=world, title="协调消防通道整治")
    client.force_login(world.officer)
    page = client.get(reverse("home")).content.decode()
    assert "panel-my-tasks" in page and "协调消防通道整治" in page


def test_the_demo_tells_the_coal_mine_story_and_loads_twice_without_duplicates(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    demo.seed(units={}, users={})
    counts = (Referral.objects.count(), Meeting.objects.count(), MeetingAction.objects.count(), Notice.objects.count(), IssueUpdate.objects.count())
    demo.seed(units={}, users={})
    assert (Referral.objects.count(), Meeting.objects.count(), MeetingAction.objects.count(), Notice.objects.count(),
            IssueUpdate.objects.count()) == counts
    mine = Referral.objects.get(enterprise__name="山城区鑫源煤矿")
    assert mine.status == Referral.Status.DONE and "绿色通道" in mine.instruction and mine.issue_update.text == mine.reply
    assert set(Referral.objects.values_list("status", flat=True)) >= {"SUBMITTED", "REPORTED", "ASSIGNED", "DONE"}
    second = Meeting.objects.get(title__contains="第二次")
    assert second.carried_over().count() == 2
    assert set(Notice.objects.values_list("kind", flat=True)) == {Notice.Kind.COMMENDATION, Notice.Kind.CRITICISM}
