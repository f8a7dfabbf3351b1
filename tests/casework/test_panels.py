import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from casework import reminders
from casework.models import Activity, Case, ChannelApproval, CoerciveMeasure, GreenChannel, MeasureReview
from casework.panels import dossier_tabs, dossier_timeline
from tests.casework.factories import ActivityFactory, CaseFactory, GreenChannelFactory, MeasureFactory, review

pytestmark = pytest.mark.django_db
S = MeasureReview.Stage


def measure_in_station_a(world, reviews=0):
    measure = MeasureFactory(case=CaseFactory(enterprise=world.enterprise_a, handling_unit=world.station_a, filed=True))
    for stage in range(1, reviews + 1):
        review(measure, stage)
    return measure


def home(client, user):
    client.force_login(user)
    return client.get(reverse("home")).content.decode()


def test_leaders_see_the_measures_awaiting_their_review(client, world):
    waiting = measure_in_station_a(world, reviews=2)
    measure_in_station_a(world, reviews=1)  # still with the legal team
    page = home(client, world.leader)
    assert 'id="panel-measures-stage-3"' in page
    assert waiting.get_absolute_url() in page
    assert 'id="panel-measures-stage-2"' not in page


def test_the_legal_team_sees_the_measures_awaiting_the_legal_review(client, world):
    waiting = measure_in_station_a(world, reviews=1)
    page = home(client, world.legal)
    assert 'id="panel-measures-stage-2"' in page and waiting.get_absolute_url() in page
    assert 'id="panel-measures-stage-2"' not in home(client, world.team)


def test_the_handling_unit_sees_the_measures_awaiting_its_own_review(client, world):
    waiting = measure_in_station_a(world)
    assert waiting.get_absolute_url() in home(client, world.officer)
    assert 'id="panel-measures-stage-1"' not in home(client, world.outsider)


def test_no_panel_when_nothing_waits(client, world):
    assert "panel-measures" not in home(client, world.leader)


def test_the_file_tabs_show_cases_with_their_measures_channels_and_activities(client, rf, world):
    measure = measure_in_station_a(world, reviews=1)
    CaseFactory(enterprise=world.enterprise_b, title="乙企业的案件")
    channel = GreenChannelFactory(enterprise=world.enterprise_a, officer=world.officer)
    activity = ActivityFactory(enterprises=[world.enterprise_a], units=[world.station_a])
    request = rf.get("/")
    request.user = world.officer
    tabs = dossier_tabs(request, world.enterprise_a)
    assert [(t.key, t.count) for t in tabs] == [("cases", 1), ("green-channel", 1), ("activities", 1)]
    assert all(t.template == "casework/_dossier_tab.html" and callable(t.context) for t in tabs)
    client.force_login(world.officer)
    url = reverse("enterprises:enterprise_detail", args=[world.enterprise_a.pk])
    page = client.get(url + "?tab=cases").content.decode()
    assert measure.get_absolute_url() in page and measure.case.get_absolute_url() in page
    assert "乙企业的案件" not in page
    assert channel.get_absolute_url() in client.get(url + "?tab=green-channel").content.decode()
    assert activity.get_absolute_url() in client.get(url + "?tab=activities").content.decode()


def test_the_file_tabs_follow_the_readers_scope(rf, world):
    CaseFactory(enterprise=world.enterprise_a)
    request = rf.get("/")
    request.user = world.legal  # no measure on it: the legal team does not see the case
    tab = dossier_tabs(request, world.enterprise_a)[0]
    assert tab.count is None and tab.context()["casework_rows"] == []


def test_the_file_timeline_lists_dated_entries_newest_first(client, rf, world):
    received = timezone.now() - dt.timedelta(days=3)
    case = CaseFactory(enterprise=world.enterprise_a, received_at=received, title="敲诈勒索案", filed=True)
    ActivityFactory(enterprises=[world.enterprise_a], units=[world.station_a], title="宣传",
                    held_on=timezone.localdate() - dt.timedelta(days=10))
    request = rf.get("/")
    request.user = world.officer
    entries = list(dossier_timeline(request, world.enterprise_a))
    assert [e.key for e in entries] == [f"case:{case.pk}:filed", f"case:{case.pk}:received", entries[-1].key]
    assert entries[-1].kind == "activity"
    older = rf.get("/", {"before": (received + dt.timedelta(minutes=1)).isoformat()})
    older.user = world.officer
    assert [e.kind for e in dossier_timeline(older, world.enterprise_a)] == ["case", "activity"]
    client.force_login(world.officer)
    page = client.get(reverse("enterprises:enterprise_detail", args=[world.enterprise_a.pk]) + "?tab=timeline").content.decode()
    assert f'data-key="case:{case.pk}:received"' in page


def test_measures_awaiting_a_review_remind_those_who_hold_it(world):
    measure_in_station_a(world, reviews=1)
    measure_in_station_a(world, reviews=2)
    found = [r for r in reminders.reminders(timezone.localdate()) if r.subject_key.startswith("measure:")]
    from accounts.models import User

    legal_recipients = User.objects.filter(pk__in={r.recipient_id for r in found if r.subject_key.endswith(":stage:2")})
    assert world.legal in legal_recipients and all(user.is_legal for user in legal_recipients)
    assert {r.recipient_id for r in found if r.subject_key.endswith(":stage:3")} == {world.leader.pk}


def test_the_demo_data_loads_twice_without_duplicates(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    from accounts.models import Unit, User
    from casework import demo

    units = {u.name: u for u in Unit.objects.all()}
    users = {u.username: u for u in User.objects.all()}
    demo.seed(units=units, users=users)
    counts = [m.objects.count() for m in (Case, CoerciveMeasure, MeasureReview, GreenChannel, ChannelApproval, Activity)]
    demo.seed(units=units, users=users)
    assert [m.objects.count() for m in (Case, CoerciveMeasure, MeasureReview, GreenChannel, ChannelApproval, Activity)] == counts
    extortion = Case.objects.get(title="长风中路加油站改建施工被敲诈勒索案")
    assert extortion.criminal_detentions == 2 and extortion.status == Case.Status.SOLVED
    assert Case.objects.filter(case_type=Case.Type.OFFICE_ORDER).exists()
    assert Case.objects.filter(case_type=Case.Type.ENVIRONMENTAL).exists() and Case.objects.filter(case_type=Case.Type.FOOD).exists()
    freeze = CoerciveMeasure.objects.get(kind=CoerciveMeasure.Kind.FREEZE)
    assert freeze.next_stage == S.LEADERSHIP and freeze.reviews.count() == 2
    channel = GreenChannel.objects.get(enterprise__name="山城区鑫源煤矿")
    year = timezone.localdate().year
    assert channel.approvals.filter(date=dt.date(year, 6, 6)).exists()
    assert "端午" in channel.approvals.get(date=dt.date(year, 6, 7)).note
    assert Activity.objects.filter(held_on=dt.date(year, 6, 11), place="福盛家园小区").exists()
    assert Activity.objects.filter(held_on=dt.date(year, 7, 2), service_kind=Activity.ServiceKind.RESIDENCE).exists()


@pytest.mark.parametrize("role", ["leader", "officer", "legal", "coordinator"])
def test_the_file_tab_counts_are_those_of_the_readers_lists(rf, world, role):
    from casework.panels import _counts
    from liaison import access

    for _ in range(2):
        CaseFactory(enterprise=world.enterprise_a)
        ActivityFactory(enterprises=[world.enterprise_a, world.enterprise_b], units=[world.station_a, world.team_unit])
    GreenChannelFactory(enterprise=world.enterprise_a, officer=world.officer)
    CaseFactory(enterprise=world.enterprise_b)
    user = world.user(role)
    expected = (
        access.cases(user).filter(enterprise=world.enterprise_a).count(),
        access.green_channels(user).filter(enterprise=world.enterprise_a).count(),
        access.activities(user).filter(enterprises=world.enterprise_a).distinct().count(),
    )
    assert _counts(user, world.enterprise_a) == expected
    if role == "leader":
        assert expected == (2, 1, 2)
