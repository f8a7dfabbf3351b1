import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from casework import reminders, selectors, services
from casework.models import ChannelApproval, GreenChannel
from liaison import reminders as core_reminders
from liaison.models import CalendarDay, Notification
from tests.casework.factories import ChannelApprovalFactory, GreenChannelFactory
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(world):
    """The coal mine: explosives, a 2000 kg magazine, in station A."""
    return EnterpriseFactory(name="鑫源煤矿", station=world.station_a, explosives=True)


@pytest.fixture
def channel(world, mine):
    return services.channel_save(
        channel=GreenChannel(
            enterprise=mine, subject="乳化炸药使用审批", officer=world.officer,
            started_on=timezone.localdate() - dt.timedelta(days=20),
        ),
        actor=world.coordinator,
    )


def test_the_designated_officer_approves_the_days_quantity(world, channel):
    approval = services.channel_approve(channel=channel, actor=world.officer, date=timezone.localdate(), quantity=Decimal("1800"))
    assert approval.approver == world.officer and approval.quantity == Decimal("1800")


def test_a_quantity_above_the_storage_capacity_is_refused_with_the_capacity_and_its_unit(world, channel):
    with pytest.raises(ValidationError) as refused:
        services.channel_approve(channel=channel, actor=world.officer, date=timezone.localdate(), quantity=Decimal("2000.01"))
    message = " ".join(refused.value.messages)
    assert "2000.01" in message and "2000" in message and "kg" in message
    assert not ChannelApproval.objects.exists()


def test_the_full_capacity_itself_may_be_approved(world, channel):
    services.channel_approve(channel=channel, actor=world.officer, date=timezone.localdate(), quantity=Decimal("2000"))
    assert ChannelApproval.objects.count() == 1


def test_the_capacity_is_checked_by_the_model_too(world, channel):
    approval = ChannelApproval(channel=channel, date=timezone.localdate(), quantity=Decimal("2500"), approver=world.officer)
    with pytest.raises(ValidationError, match="design capacity"):
        approval.full_clean()


def test_only_the_designated_officer_or_the_office_approves(world, channel):
    for other in (world.team, world.leader, UserFactory(unit=world.station_a)):
        with pytest.raises(ValidationError, match="designated officer"):
            services.channel_approve(channel=channel, actor=other, date=timezone.localdate(), quantity=Decimal("100"))
    services.channel_approve(channel=channel, actor=world.coordinator, date=timezone.localdate(), quantity=Decimal("100"))
    assert ChannelApproval.objects.get().approver == world.coordinator


def test_one_approval_per_day(world, channel):
    services.channel_approve(channel=channel, actor=world.officer, date=timezone.localdate(), quantity=Decimal("100"))
    with pytest.raises(ValidationError, match="already recorded"):
        services.channel_approve(channel=channel, actor=world.officer, date=timezone.localdate(), quantity=Decimal("100"))


def test_no_approval_outside_the_channels_days_or_far_ahead(world, channel):
    with pytest.raises(ValidationError, match="not open"):
        services.channel_approve(channel=channel, actor=world.officer, date=channel.started_on - dt.timedelta(days=1), quantity=Decimal("1"))
    with pytest.raises(ValidationError, match="today or tomorrow"):
        services.channel_approve(channel=channel, actor=world.officer, date=timezone.localdate() + dt.timedelta(days=3), quantity=Decimal("1"))


def test_a_channel_needs_a_recorded_storage_capacity(world):
    shop = EnterpriseFactory(station=world.station_a)
    with pytest.raises(ValidationError, match="storage capacity"):
        services.channel_save(channel=GreenChannel(enterprise=shop, subject="审批", officer=world.officer), actor=world.coordinator)


def test_only_the_office_opens_a_channel(world, mine):
    with pytest.raises(ValidationError, match="programme office"):
        services.channel_save(channel=GreenChannel(enterprise=mine, subject="审批", officer=world.officer), actor=world.officer)


def test_the_approval_form_refuses_too_much_and_keeps_the_typed_quantity(client, world, channel):
    client.force_login(world.officer)
    response = client.post(
        reverse("casework:channel_approve", args=[channel.pk]),
        {"date": timezone.localdate().isoformat(), "quantity": "2600", "note": "端午节当天"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "design capacity" in body and 'value="2600"' in body and "端午节当天" in body
    assert not ChannelApproval.objects.exists()


def test_another_officer_cannot_open_the_approval_form(client, world, channel):
    client.force_login(UserFactory(unit=world.station_a))
    assert client.get(reverse("casework:channel_approve", args=[channel.pk])).status_code == 403


# ---------------------------------------------------------------- missed days


def test_a_daily_channel_misses_each_past_day_without_an_approval(world, channel):
    today = timezone.localdate()
    for back in (1, 2, 4, 5, 6, 7):
        ChannelApprovalFactory(channel=channel, date=today - dt.timedelta(days=back), approver=world.officer)
    missed = selectors.missed_days([channel], today)
    assert missed == {channel.pk: [today - dt.timedelta(days=3)]}


def test_today_is_not_missed_yet(world, channel):
    today = timezone.localdate()
    for back in range(1, 8):
        ChannelApprovalFactory(channel=channel, date=today - dt.timedelta(days=back), approver=world.officer)
    assert selectors.missed_days([channel], today) == {}


def test_a_working_day_channel_does_not_miss_holidays(world, mine):
    # 2026-10-01 to 10-07 is the National Day holiday; 10-10 (Saturday) a make-up working day on the official calendar.
    channel = GreenChannelFactory(
        enterprise=mine, officer=world.officer, frequency=GreenChannel.Frequency.WORKDAYS, started_on=dt.date(2026, 9, 1)
    )
    CalendarDay.objects.create(date=dt.date(2026, 10, 9), is_workday=False, note="调休（单位安排）")
    missed = selectors.missed_days([channel], dt.date(2026, 10, 12))
    assert missed == {channel.pk: [dt.date(2026, 10, 8), dt.date(2026, 10, 10)]}


def test_a_weekly_channel_misses_a_whole_week_without_an_approval(world, mine):
    channel = GreenChannelFactory(
        enterprise=mine, officer=world.officer, frequency=GreenChannel.Frequency.WEEKLY, started_on=dt.date(2026, 11, 2)
    )
    assert selectors.missed_days([channel], dt.date(2026, 11, 10)) == {channel.pk: [dt.date(2026, 11, 8)]}
    ChannelApprovalFactory(channel=channel, date=dt.date(2026, 11, 4), approver=world.officer)
    assert selectors.missed_days([channel], dt.date(2026, 11, 10)) == {}


def test_a_closed_channel_misses_nothing_after_it_ended(world, channel):
    today = timezone.localdate()
    channel.ended_on = today - dt.timedelta(days=10)
    channel.save()
    assert selectors.missed_days([channel], today) == {}


def test_a_missed_day_is_flagged_to_the_office_on_its_home(client, world, channel):
    client.force_login(world.coordinator)
    page = client.get(reverse("home")).content.decode()
    assert 'id="panel-channels-missed"' in page and "鑫源煤矿" in page
    client.force_login(world.leader)
    assert 'id="panel-channels-missed"' not in client.get(reverse("home")).content.decode()


def test_the_designated_officer_sees_todays_approval_to_give(client, world, channel):
    client.force_login(world.officer)
    page = client.get(reverse("home")).content.decode()
    assert 'id="panel-channels-due"' in page
    services.channel_approve(channel=channel, actor=world.officer, date=timezone.localdate(), quantity=Decimal("100"))
    assert 'id="panel-channels-due"' not in client.get(reverse("home")).content.decode()


def test_a_missed_day_sends_the_office_a_reminder_once(world, channel):
    today = timezone.localdate()
    found = [r for r in reminders.reminders(today) if r.subject_key.startswith("channel:")]
    assert {r.recipient_id for r in found} == {world.coordinator.pk}
    assert (today - dt.timedelta(days=1)).isoformat() in found[0].text
    created, _existing = core_reminders.send(today)
    assert created >= 1
    again, existing = core_reminders.send(today)
    assert again == 0 and existing >= 1
    assert Notification.objects.filter(recipient=world.coordinator, kind=Notification.Kind.CHANNEL).count() == 1


def test_no_reminder_when_yesterday_was_approved(world, channel):
    with time_machine.travel(dt.datetime(2026, 6, 8, 9, 0, tzinfo=dt.UTC), tick=False):
        today = timezone.localdate()
        channel.started_on = today - dt.timedelta(days=5)
        channel.save()
        ChannelApprovalFactory(channel=channel, date=today - dt.timedelta(days=1), approver=world.officer)
        assert not [r for r in reminders.reminders(today) if r.subject_key.startswith("channel:")]


def test_the_channel_list_shows_the_missed_days(client, world, channel):
    client.force_login(world.coordinator)
    response = client.get(reverse("casework:channel_list"))
    assert response.status_code == 200
    assert response.context["table"].missed[channel.pk]


def test_a_designated_officer_of_another_station_sees_their_channel(client, world, channel):
    other = UserFactory(unit=world.station_b, role=User.Role.OFFICER)
    channel.officer = other
    channel.save()
    client.force_login(other)
    assert client.get(reverse("casework:channel_detail", args=[channel.pk])).status_code == 200
