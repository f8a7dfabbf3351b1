from django.core.management.base import BaseCommand
from django.utils import timezone

from liaison import reminders


class Command(BaseCommand):
    help = "Creates today's reminders (run from cron; running it again the same day adds nothing)."

    def handle(self, *args, **options):
        created, existing = reminders.send(timezone.localdate())
        self.stdout.write(f"{created} new reminders, {existing} already sent today.")
