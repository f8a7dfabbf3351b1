from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiaisonConfig(AppConfig):
    name = "liaison"
    verbose_name = _("Liaison core")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from liaison import workdays

        # A request that edits the office's calendar (the admin) answers from the new days afterwards.
        post_save.connect(workdays.forget_calendar_read, sender="liaison.CalendarDay")
        post_delete.connect(workdays.forget_calendar_read, sender="liaison.CalendarDay")
