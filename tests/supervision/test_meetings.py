import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from supervision import services
from supervision.models import Meeting, MeetingAction
from tests.supervision.factories import MeetingActionFactory, MeetingFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args):
    return dt.datetime(*args, tzinfo=SHANGHAI)


def new_meeting(world, when, **kwargs):
    return services.meeting_save(
        meeting=Meeting(held_at=when, place="分局三楼会议室", chair=world.leader, **kwargs), actor=world.coordinator,
        attendees=[world.officer],
    )


def decide(world, meeting, text, *, due, unit=None):
    return services.meetingaction_save(
        action=MeetingAction(meeting=meeting, text=text, owner_unit=unit or world.station_a, deadline=due), actor=world.coordinator
    )


def test_open_decisions_carry_over_to_the_next_meeting_by_themselves(world, client):
    first = new_meeting(world, at(2026, 5, 6, 15))
    open_one = decide(world, first, "全覆盖走访", due=dt.date(2026, 5, 30))
    settled = decide(world, first, "开辟绿色通道", due=dt.date(2026, 5, 10))
    cancelled = decide(world, first, "联合整治", due=dt.date(2026, 5, 30))
    with time_machine.travel(at(2026, 5, 9, 17), tick=False):
        services.meetingaction_done(action=settled, actor=world.officer, result="已开辟")
        services.meetingaction_cancel(action=cancelled, actor=world.coordinator, result="并入市局统一行动")
    second = new_meeting(world, at(2026, 6, 3, 15))
    assert list(second.carried_over()) == [open_one]
    # Done after the second meeting: it stays on the second meeting's agenda, and no later one.
    with time_machine.travel(at(2026, 6, 10, 9), tick=False):
        services.meetingaction_done(action=open_one, actor=world.officer, result="已全部走访")
    third = new_meeting(world, at(2026, 7, 1, 15))
    fresh = decide(world, second, "推广集中办理居住登记", due=dt.date(2026, 7, 30))
    assert list(second.carried_over()) == [open_one]
    assert list(third.carried_over()) == [fresh]
    assert list(first.carried_over()) == []
    client.force_login(world.officer)
    page = client.get(second.get_absolute_url())
    assert [a.pk for a in page.context["carried"]] == [open_one.pk]
    assert "全覆盖走访" in page.content.decode()


def test_a_decision_recorded_late_on_an_earlier_meeting_still_carries_over(world):
    first = new_meeting(world, at(2026, 5, 6, 15))
    second = new_meeting(world, at(2026, 6, 3, 15))
    late = decide(world, first, "补记的议定事项", due=dt.date(2026, 6, 30))
    assert list(second.carried_over()) == [late]


def test_meetings_are_numbered_per_year_and_titled(world):
    one = new_meeting(world, at(2026, 12, 20, 15))
    two = new_meeting(world, at(2027, 1, 5, 15))
    assert (one.year, one.display_title) == (2026, f"2026年第{one.serial}次推进会议")
    assert (two.year, two.serial) == (2027, 1)


def test_decisions_are_numbered_in_order_and_may_not_be_due_before_the_meeting(world, client):
    meeting = new_meeting(world, at(2026, 5, 6, 15))
    client.force_login(world.coordinator)
    url = reverse("supervision:meetingaction_add", args=[meeting.pk])
    response = client.post(url, {"text": "对加油站开展检查", "owner_unit": world.station_a.pk, "deadline": "2026-05-01"})
    assert response.status_code == 200 and "cannot be before the meeting" in response.content.decode()
    assert "对加油站开展检查" in response.content.decode()
    response = client.post(url, {"text": "对加油站开展检查", "owner_unit": world.station_a.pk, "deadline": "2026-05-20", "another": "1"})
    assert response.status_code == 302 and response["Location"] == url
    client.post(url, {"text": "宣传", "owner": world.team.pk, "deadline": "2026-05-21"})
    assert list(meeting.actions.values_list("position", "owner_unit")) == [(1, world.station_a.pk), (2, world.team_unit.pk)]


def test_a_decision_links_a_ledger_item_by_its_number(world, client):
    from tests.factories import IssueFactory

    issue = IssueFactory(enterprise=world.enterprise_a)
    meeting = new_meeting(world, at(2026, 5, 6, 15))
    client.force_login(world.coordinator)
    client.post(reverse("supervision:meetingaction_add", args=[meeting.pk]), {
        "text": "督促整改", "owner_unit": world.station_a.pk, "deadline": "2026-05-20", "issue": issue.number,
    })
    assert meeting.actions.get().issue == issue


def test_the_responsible_unit_reports_a_decision_done_and_another_unit_may_not(world, client):
    action = MeetingActionFactory(meeting=MeetingFactory(chair=world.leader), owner_unit=world.station_a)
    client.force_login(world.outsider)
    assert client.post(reverse("supervision:meetingaction_done", args=[action.pk]), {"result": "x"}).status_code == 403
    client.force_login(world.officer)
    response = client.post(reverse("supervision:meetingaction_done", args=[action.pk]), {"result": ""})
    assert response.status_code == 200  # the meeting page again, with the error
    action.refresh_from_db()
    assert action.status == MeetingAction.Status.OPEN
    client.post(reverse("supervision:meetingaction_done", args=[action.pk]), {"result": "已检查完毕"})
    action.refresh_from_db()
    assert (action.status, action.result, action.closed_by) == (MeetingAction.Status.DONE, "已检查完毕", world.officer)
    # Done once; a second report changes nothing.
    response = client.post(reverse("supervision:meetingaction_done", args=[action.pk]), {"result": "again"}, follow=True)
    action.refresh_from_db()
    assert action.result == "已检查完毕" and "no longer open" in response.content.decode()


def test_only_an_open_decision_can_be_edited(world, client):
    action = MeetingActionFactory(meeting=MeetingFactory(chair=world.leader), owner_unit=world.station_a)
    services.meetingaction_cancel(action=action, actor=world.coordinator, result="取消")
    client.force_login(world.coordinator)
    assert client.get(reverse("supervision:meetingaction_edit", args=[action.pk])).status_code == 403


def test_recording_a_meeting_saves_its_attendees(world, client):
    client.force_login(world.coordinator)
    response = client.post(reverse("supervision:meeting_add"), {
        "held_at": "2026-05-06T15:00", "place": "分局三楼会议室", "chair": world.leader.pk,
        "attendees": [world.officer.pk, world.team.pk], "evaluation": "讲评", "discussion": "会商",
    })
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert set(meeting.attendees.all()) == {world.officer, world.team} and meeting.created_by == world.coordinator


def test_the_decision_list_filters_by_meeting_status_and_overdue(world, client):
    meeting = MeetingFactory(chair=world.leader)
    overdue = MeetingActionFactory(meeting=meeting, owner_unit=world.station_a, deadline=dt.date(2020, 1, 1))
    MeetingActionFactory(meeting=meeting, owner_unit=world.station_b)
    MeetingActionFactory(owner_unit=world.station_a)
    client.force_login(world.leader)
    url = reverse("supervision:meetingaction_list")
    assert client.get(f"{url}?meeting={meeting.pk}").context["table"].paginator.count == 2
    assert [a.pk for a in client.get(f"{url}?meeting={meeting.pk}&overdue=yes").context["table"].data] == [overdue.pk]
    assert client.get(f"{url}?owner_unit={world.station_a.pk}&status=OPEN").context["table"].paginator.count == 2


@pytest.mark.parametrize("rows", [5, 50])
def test_meeting_pages_query_count_does_not_grow(rows, world, client, django_assert_max_num_queries):
    meetings = [MeetingFactory(chair=world.leader) for _i in range(max(2, rows // 5))]
    for index in range(rows):
        MeetingActionFactory(meeting=meetings[index % len(meetings)], owner_unit=world.station_a, owner=world.officer)
    latest = MeetingFactory(chair=world.leader)
    latest.attendees.set([world.officer, world.team, world.coordinator])
    client.force_login(world.coordinator)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("supervision:meeting_list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("supervision:meetingaction_list")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(latest.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("supervision:meeting_minutes", args=[latest.pk])).status_code == 200


def test_a_decision_can_push_a_plan_task_along(world, client_for):
    from django.urls import reverse

    from supervision.models import MeetingAction
    from tests.plans.factories import PlanFactory, PlanTaskFactory

    plan = PlanFactory(enterprise=world.enterprise_a, approved=True)
    task = PlanTaskFactory(plan=plan, owner=world.officer)
    meeting = MeetingFactory(chair=world.leader)
    response = client_for(world.coordinator).post(
        reverse("supervision:meetingaction_add", args=[meeting.pk]),
        {"text": "督促完成炸药库扩建手续", "owner_unit": world.station_a.pk, "deadline": "2026-12-31", "plan_task": task.pk},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    action = MeetingAction.objects.get(meeting=meeting)
    assert action.plan_task == task
    page = client_for(world.coordinator).get(meeting.get_absolute_url()).content.decode()
    assert task.title in page
