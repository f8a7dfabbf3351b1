"""send_reminders for visits and the ledger: what is reminded, to whom, and only once a day."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from liaison import reminders as core
from liaison.models import Notification
from tests.visits.factories import make_issue, make_visit
from visits import services
from visits.models import Issue

TZ = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db
K = Notification.Kind


def at(day, hour=7):
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=TZ), tick=False)


def run():
    call_command("send_reminders")


def test_send_reminders_is_idempotent_per_day(world):
    with at(dt.date(2026, 11, 2)):
        make_issue(world, Issue.Status.ACCEPTED, supervised=True)
        make_issue(world, Issue.Status.ASSIGNED)
    with at(dt.date(2026, 11, 25)):
        run()
        first = Notification.objects.count()
        assert first > 0
        created, existing = core.send(dt.date(2026, 11, 25))
        assert created == 0 and existing > 0
        run()
        assert Notification.objects.count() == first


def test_visits_due_make_one_digest_per_community_officer(world):
    with at(dt.date(2026, 11, 2)):
        run()
    mine = Notification.objects.filter(recipient=world.officer, kind=K.VISIT_DUE)
    assert mine.count() == 1 and world.enterprise_a.name in mine.get().text
    with at(dt.date(2026, 11, 3)):
        make_visit(world)
        run()
    # Visited: nothing due the next day.
    assert Notification.objects.filter(recipient=world.officer, kind=K.VISIT_DUE).count() == 1


def test_an_item_turning_yellow_then_red_reminds_its_owner_once_each(world):
    with at(dt.date(2026, 11, 2)):
        issue = make_issue(world, Issue.Status.ACCEPTED, category=Issue.Category.SERVICE)  # 5 working days
    assert issue.deadline == dt.date(2026, 11, 9)
    owner_lights = Notification.objects.filter(recipient=world.officer, kind=K.ISSUE_LIGHT)
    with at(dt.date(2026, 11, 3)):
        run()
    assert not owner_lights.exists()  # still green
    for day in (4, 5, 6):  # yellow from 4 November (5, 6, 9 are the next three working days)
        with at(dt.date(2026, 11, day)):
            run()
    assert owner_lights.count() == 1 and "is due by 2026-11-09" in owner_lights.get().text
    for day in (10, 11, 12):
        with at(dt.date(2026, 11, day)):
            run()
    assert owner_lights.count() == 2 and "is overdue" in owner_lights.latest("created_at").text
    # Still red five working days later: reminded again.
    with at(dt.date(2026, 11, 17)):
        run()
    assert owner_lights.count() == 3
    # The office gets a daily count of red items.
    assert Notification.objects.filter(recipient=world.coordinator, key__endswith="office-red").count() == 4


def test_a_missing_supervision_note_reminds_the_owner_each_working_day(world):
    with at(dt.date(2026, 11, 2)):
        issue = make_issue(world, Issue.Status.ACCEPTED, supervised=True)
    notes = Notification.objects.filter(recipient=world.officer, kind=K.SUPERVISION)
    with at(dt.date(2026, 11, 9)):
        run()
    assert not notes.exists()
    with at(dt.date(2026, 11, 10)):
        run()
        run()
    assert notes.count() == 1
    with at(dt.date(2026, 11, 10), 15):
        services.issue_progress(issue=issue, actor=world.officer, text="督办进展")
    with at(dt.date(2026, 11, 11)):
        run()
    assert notes.count() == 1


def test_the_office_is_reminded_of_requests_awaiting_it(world):
    with at(dt.date(2026, 11, 2)):
        issue = make_issue(world, Issue.Status.ACCEPTED)
        services.issue_extension_request(issue=issue, actor=world.officer, new_deadline=dt.date(2026, 12, 4), reason="等配件")
    with at(dt.date(2026, 11, 3)):
        run()
    digest = Notification.objects.get(recipient=world.coordinator, kind=K.EXTENSION)
    assert "1 extension requests" in digest.text


def test_an_item_waiting_for_acceptance_reminds_its_owner(world):
    with at(dt.date(2026, 11, 2)):
        make_issue(world, Issue.Status.ASSIGNED)
    with at(dt.date(2026, 11, 4)):
        run()
    assert Notification.objects.filter(recipient=world.officer, key__contains=":accept:").count() == 1


def test_reminders_are_emailed_where_email_is_configured(world, settings):
    settings.EMAIL_HOST = "mail.intranet"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world.officer.email = "chen@ga.example"
    world.officer.save()
    with at(dt.date(2026, 11, 2)):
        run()
    assert any("chen@ga.example" in m.to for m in mail.outbox)
    assert Notification.objects.filter(recipient=world.officer, emailed=True).exists()


def test_the_office_is_told_on_mondays_when_next_years_holidays_are_missing(world):
    with at(dt.date(2026, 12, 14)):  # a Monday; deadlines now reach into 2027
        run()
    warning = Notification.objects.get(recipient=world.coordinator, key__endswith="calendar-uncovered")
    assert "2027" in warning.text
