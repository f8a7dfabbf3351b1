import datetime as dt

from auditlog.models import LogEntry
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import AuthEvent

MINIMUM_DAYS = 180


class Command(BaseCommand):
    help = "Deletes audit entries older than the retention period (never younger than 180 days)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.AUDIT_RETENTION_DAYS)

    def handle(self, *args, days, **options):
        if days < MINIMUM_DAYS:
            raise CommandError(f"The audit log is kept for at least {MINIMUM_DAYS} days.")
        cutoff = timezone.now() - dt.timedelta(days=days)
        changes, _ = LogEntry.objects.filter(timestamp__lt=cutoff).delete()
        events, _ = AuthEvent.objects.filter(at__lt=cutoff).delete()
        self.stdout.write(f"Deleted {changes} change entries and {events} sign-in events older than {days} days.")
