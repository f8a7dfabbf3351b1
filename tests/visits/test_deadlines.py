"""Working-day deadlines on the official calendar, and the green / yellow / red lights, on a frozen clock."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from liaison.models import CalendarDay
from liaison.workdays import add_workdays, workdays_between
from tests.visits.factories import make_issue
from visits import deadlines, services
from visits.models import Issue

S = Issue.Status
TZ = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int = 10):
    """The clock frozen at `hour` o'clock Beijing time on `day`."""
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=TZ), tick=False)


def accepted_item(world, accepted_on: dt.date, limit: int, **kwargs) -> Issue:
    issue = make_issue(world, **kwargs)
    services.issue_assign(issue=issue, actor=world.coordinator, responsible_unit=world.station_a, owner=world.officer,
                          time_limit_days=limit)
    with at(accepted_on):
        return services.issue_accept(issue=issue, actor=world.officer)


# ---------------------------------------------------------------- the official calendar of 2026


def test_national_day_2026_is_seven_days_off_and_its_make_up_days_are_worked(db):
    # 1–7 October 2026 off; Sunday 20 September and Saturday 10 October are make-up workdays.
    assert add_workdays(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)
    assert add_workdays(dt.date(2026, 9, 18), 1) == dt.date(2026, 9, 20)
    assert add_workdays(dt.date(2026, 10, 9), 1) == dt.date(2026, 10, 10)
    assert add_workdays(dt.date(2026, 10, 10), 1) == dt.date(2026, 10, 12)
    assert workdays_between(dt.date(2026, 9, 30), dt.date(2026, 10, 8)) == 1


def test_a_ten_day_limit_accepted_before_national_day_runs_past_the_holiday(world):
    issue = accepted_item(world, dt.date(2026, 9, 25), 10)
    # 28, 29, 30 Sep; 8, 9, 10 (Sat, make-up), 12, 13, 14, 15 Oct.
    assert issue.deadline == dt.date(2026, 10, 15)


def test_deadline_counting_back_and_forth_agree_across_the_holiday(db):
    for start in (dt.date(2026, 9, 18), dt.date(2026, 9, 29), dt.date(2026, 10, 1), dt.date(2026, 10, 9)):
        for n in (1, 3, 5, 10):
            end = add_workdays(start, n)
            assert workdays_between(start, end) == n
            assert workdays_between(deadlines.subtract_workdays(end, n), end) == n


def test_the_office_calendar_overrides_the_official_one(world):
    CalendarDay.objects.create(date=dt.date(2026, 10, 12), is_workday=False, note="区防汛调休")
    issue = accepted_item(world, dt.date(2026, 10, 9), 2)
    # 10 Oct (make-up Saturday), then 13 Oct because the office took 12 Oct off.
    assert issue.deadline == dt.date(2026, 10, 13)


# ---------------------------------------------------------------- into a year nobody has announced


def test_a_deadline_in_2027_falls_back_to_monday_to_friday_without_failing(world):
    issue = accepted_item(world, dt.date(2026, 12, 30), 3)
    # 31 Dec (Thu), 1 Jan 2027 (Fri, not yet known to be a holiday), 4 Jan (Mon).
    assert issue.deadline == dt.date(2027, 1, 4)
    assert deadlines.uncovered_years(issue.deadline) == [2027]
    # Counting back works there too: 12, 11, 8, 7, 6, 5 January are the six working days before the 12th.
    assert deadlines.supervision_note_threshold(dt.date(2027, 1, 12)) == dt.date(2027, 1, 5)
    with at(dt.date(2027, 1, 5)):
        assert Issue.objects.get(pk=issue.pk).light == "red"
        assert list(Issue.objects.light("red")) == [issue]


def test_the_office_is_warned_when_working_days_are_counted_monday_to_friday(world, client):
    issue = accepted_item(world, dt.date(2026, 12, 30), 3)
    with at(dt.date(2026, 12, 31)):
        client.force_login(world.coordinator)
        for url in (reverse("visits:issue_detail", args=[issue.pk]), reverse("visits:issue_list"), reverse("home")):
            page = client.get(url).content.decode()
            assert 'id="calendar-warning"' in page and "2027" in page, url
        client.force_login(world.officer)
        assert 'id="calendar-warning"' not in client.get(reverse("visits:issue_detail", args=[issue.pk])).content.decode()


def test_once_the_office_enters_2027s_holidays_they_count_and_the_warning_goes(world, client):
    CalendarDay.objects.create(date=dt.date(2027, 1, 1), is_workday=False, note="元旦")
    issue = accepted_item(world, dt.date(2026, 12, 30), 3)
    assert issue.deadline == dt.date(2027, 1, 5)
    assert deadlines.uncovered_years(issue.deadline) == []
    with at(dt.date(2026, 12, 31)):
        client.force_login(world.coordinator)
        assert 'id="calendar-warning"' not in client.get(reverse("visits:issue_detail", args=[issue.pk])).content.decode()


# ---------------------------------------------------------------- lights on a frozen clock


LIGHT_DAYS = [
    # deadline Friday 9 October 2026 (accepted 28 Sep with 4 working days: 29, 30 Sep, 8, 9 Oct)
    (dt.date(2026, 9, 28), "green"),   # 3 working days ahead reach only 8 Oct
    (dt.date(2026, 9, 29), "yellow"),  # 30 Sep, 8, 9 Oct: eleven calendar days early, yellow because of the holiday
    (dt.date(2026, 10, 5), "yellow"),  # in the holiday
    (dt.date(2026, 10, 9), "yellow"),  # the deadline day itself
    (dt.date(2026, 10, 10), "red"),    # the make-up Saturday after it
    (dt.date(2026, 11, 2), "red"),
]


@pytest.mark.parametrize(("today", "light"), LIGHT_DAYS, ids=[d.isoformat() for d, _l in LIGHT_DAYS])
def test_the_light_of_an_item_on_a_frozen_clock(world, today, light):
    issue = accepted_item(world, dt.date(2026, 9, 28), 4)
    assert issue.deadline == dt.date(2026, 10, 9)
    with at(today):
        fresh = Issue.objects.get(pk=issue.pk)
        assert fresh.light == light  # computed in Python
        assert Issue.objects.with_light().get(pk=issue.pk).light_code == light  # computed in SQL
        assert list(Issue.objects.light(light)) == [issue]  # filtered in SQL
        assert all(not Issue.objects.light(other).exists() for other in ("green", "yellow", "red") if other != light)


def test_items_without_a_running_clock_have_no_light(world):
    registered = make_issue(world)
    assigned = make_issue(world, S.ASSIGNED)
    closed = make_issue(world, S.CLOSED)
    transferred = make_issue(world, S.TRANSFERRED)
    for issue in (registered, assigned, closed, transferred):
        assert Issue.objects.get(pk=issue.pk).light == ""
        assert Issue.objects.with_light().get(pk=issue.pk).light_code == ""


def test_an_item_stays_on_its_deadline_until_it_is_verified_and_closed(world):
    """销号 is the closing: a reported rectification waiting for verification past the deadline is red."""
    issue = accepted_item(world, dt.date(2026, 9, 28), 4)
    with at(dt.date(2026, 10, 9), 16):
        services.issue_resolve(issue=issue, actor=world.officer, evidence="按期整改")
        assert Issue.objects.get(pk=issue.pk).light == "yellow"
    with at(dt.date(2026, 10, 12)):
        assert Issue.objects.get(pk=issue.pk).light == "red"
        assert list(Issue.objects.light("red")) == [issue]
        services.issue_close(issue=issue, actor=world.coordinator)
        assert Issue.objects.get(pk=issue.pk).light == ""
        assert not Issue.objects.light("red").exists()


def test_an_extension_turns_a_yellow_item_green(world):
    issue = accepted_item(world, dt.date(2026, 11, 2), 5)
    with at(dt.date(2026, 11, 6)):
        assert Issue.objects.get(pk=issue.pk).light == "yellow"
        services.issue_extension_request(issue=issue, actor=world.officer, new_deadline=dt.date(2026, 11, 30), reason="等配件")
        services.issue_extension_approve(issue=issue, actor=world.coordinator)
        assert Issue.objects.get(pk=issue.pk).light == "green"
