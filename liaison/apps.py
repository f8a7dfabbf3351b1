from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class LiaisonConfig(AppConfig):
    name = "liaison"
    verbose_name = _("Liaison core")

    def ready(self):
        from liaison import access, citywide, workdays

        # A request keeps what its user is assigned (liaison.access); a change within the request drops it.
        for model in ("enterprises.Assignment", "accounts.StationLiaison"):
            post_save.connect(access.forget_assignments, sender=model, dispatch_uid=f"forget_assignments_saved_{model}")
            post_delete.connect(access.forget_assignments, sender=model, dispatch_uid=f"forget_assignments_deleted_{model}")
        # A request that edits the office's calendar (the admin) answers from the new days afterwards.
        post_save.connect(workdays.forget_calendar_read, sender="liaison.CalendarDay")
        post_delete.connect(workdays.forget_calendar_read, sender="liaison.CalendarDay")
        # City-wide figures are kept until a record changes (liaison.citywide).
        post_save.connect(citywide.records_changed, dispatch_uid="records_changed_saved")
        post_delete.connect(citywide.records_changed, dispatch_uid="records_changed_deleted")
        m2m_changed.connect(citywide.records_changed, dispatch_uid="records_changed_linked")
        # An upgrade migrates: figures kept by the previous release's code are not served by the new one.
        post_migrate.connect(citywide.after_migrate, sender=self, dispatch_uid="records_changed_migrated")
