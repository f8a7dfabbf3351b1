"""Casework reminders (see liaison.reminders): green-channel days without an approval go to the office;
measures waiting for a collective review go to those who hold it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils.translation import gettext as _

from accounts.models import User
from casework import selectors
from casework.models import CoerciveMeasure, GreenChannel, MeasureReview
from liaison.models import Notification
from liaison.reminders import Reminder


def reminders(today: dt.date) -> Iterable[Reminder]:
    office = list(User.objects.filter(is_active=True, role=User.Role.COORDINATOR).values_list("pk", flat=True))
    channels = list(selectors.open_channels(GreenChannel.objects.all(), today).select_related("enterprise", "officer"))
    yesterday = today - dt.timedelta(days=1)
    missed = selectors.missed_days(channels, today, window=1)
    for channel in channels:
        if yesterday not in missed.get(channel.pk, []):
            continue
        text = _("Green channel of %(enterprise)s: no approval was recorded for %(day)s (designated officer: %(officer)s).") % {
            "enterprise": channel.enterprise.name, "day": yesterday.isoformat(), "officer": channel.officer.name,
        }
        for recipient in office:
            yield Reminder(
                recipient_id=recipient, kind=Notification.Kind.CHANNEL, text=text, url=channel.get_absolute_url(),
                subject_key=f"channel:{channel.pk}:missed:{yesterday.isoformat()}",
            )

    pending = CoerciveMeasure.objects.filter(status=CoerciveMeasure.Status.PROPOSED).select_related("case__enterprise")
    legal = list(
        User.objects.filter(is_active=True, role=User.Role.TEAM, unit__kind="TEAM", unit__function="LEGAL").values_list("pk", flat=True)
    )
    leaders = list(User.objects.filter(is_active=True, role=User.Role.LEADER).values_list("pk", flat=True))
    for measure in pending:
        stage = measure.next_stage
        recipients = {MeasureReview.Stage.LEGAL: legal, MeasureReview.Stage.LEADERSHIP: leaders}.get(stage, [])
        for recipient in recipients:
            yield Reminder(
                recipient_id=recipient, kind=Notification.Kind.OTHER,
                text=_("A coercive measure on %(enterprise)s awaits the collective review of the %(stage)s.")
                % {"enterprise": measure.case.enterprise.name, "stage": MeasureReview.Stage(stage).label},
                url=measure.get_absolute_url(), subject_key=f"measure:{measure.pk}:stage:{stage}",
            )
