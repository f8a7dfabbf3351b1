from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class LiaisonConfig(AppConfig):
    name = "liaison"
    verbose_name = _("Liaison core")

    def ready(self):
        from liaison import access, workdays

        # A request keeps what its user is assigned (liaison.access); a change within the request drops it.
        for model in ("enterprises.Assignment", "accounts.StationLiaison"):
            post_save.connect(access.forget_assignments, sender=model, dispatch_uid=f"forget_assignments_saved_{model}")
            post_delete.connect(access.forget_assignments, sender=model, dispatch_uid=f"forget_assignments_deleted_{model}")
        # A request that edits the office's calendar (the admin) answers from the new days afterwards.
        post_save.connect(workdays.forget_calendar_read, sender="liaison.CalendarDay")
        post_delete.connect(workdays.forget_calendar_read, sender="liaison.CalendarDay")
