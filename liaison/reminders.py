"""Reminders: each app's `reminders.py` yields `Reminder`s; `send_reminders` stores each once per day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from liaison.models import Notification

REMINDER_APPS = ("visits", "enterprises", "supervision", "casework")


@dataclass(frozen=True)
class Reminder:
    recipient_id: int
    kind: str
    text: str
    url: str
    subject_key: str  # what the reminder is about, e.g. "issue:42:red"; the day is added when stored


def collect(today: dt.date) -> Iterable[Reminder]:
    for app in REMINDER_APPS:
        try:
            module = import_module(f"{app}.reminders")
        except ModuleNotFoundError:
            continue
        yield from module.reminders(today)


def send(today: dt.date) -> tuple[int, int]:
    """Store today's reminders; returns (created, already there). Running twice a day creates nothing new."""
    created = existing = 0
    for reminder in collect(today):
        key = f"{today.isoformat()}:{reminder.subject_key}"[:150]
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient_id=reminder.recipient_id, kind=reminder.kind, text=reminder.text[:300],
                    url=reminder.url, key=key,
                )
        except IntegrityError:
            existing += 1
            continue
        created += 1
        email_if_configured(notification)
    return created, existing


def email_if_configured(notification: Notification) -> None:
    if not settings.EMAIL_HOST or not notification.recipient.email:
        return
    send_mail("Liaison", notification.text, settings.DEFAULT_FROM_EMAIL, [notification.recipient.email], fail_silently=True)
    Notification.objects.filter(pk=notification.pk).update(emailed=True)
