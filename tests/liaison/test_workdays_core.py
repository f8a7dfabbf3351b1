import datetime as dt

import pytest

from liaison import workdays
from liaison.models import CalendarDay


@pytest.mark.django_db
def test_national_day_2026_is_not_working_and_deadline_skips_it():
    # 30 Sep 2026 (Wed) + 1 working day: 1–7 October are holidays.
    assert not workdays.is_workday(dt.date(2026, 10, 1))
    nxt = workdays.add_workdays(dt.date(2026, 9, 30), 1)
    assert nxt > dt.date(2026, 10, 7) or workdays.is_workday(nxt)
    assert all(not workdays.is_workday(dt.date(2026, 10, d)) for d in range(1, 8))


@pytest.mark.django_db
def test_unannounced_year_falls_back_to_weekdays_without_crashing():
    # 31 Dec 2027 is a Friday in a year the package does not know.
    assert workdays.add_workdays(dt.date(2027, 12, 30), 2) == dt.date(2028, 1, 3)
    assert 2028 in workdays.uncovered_years(2028)


@pytest.mark.django_db
def test_office_calendar_overrides_the_package_and_the_fallback():
    CalendarDay.objects.create(date=dt.date(2027, 1, 1), is_workday=False, note="元旦")
    CalendarDay.objects.create(date=dt.date(2027, 1, 2), is_workday=True, note="调休上班")
    assert not workdays.is_workday(dt.date(2027, 1, 1))
    assert workdays.is_workday(dt.date(2027, 1, 2))
    assert 2027 not in workdays.uncovered_years(2027)
    # 31 Dec 2026 (Thu) + 2 working days: 1 Jan off, 2 Jan (Sat) make-up workday, then Mon 4 Jan.
    assert workdays.add_workdays(dt.date(2026, 12, 31), 2) == dt.date(2027, 1, 4)
    assert workdays.workdays_between(dt.date(2026, 12, 31), dt.date(2027, 1, 4)) == 2
