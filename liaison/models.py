from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TrackedModel(models.Model):
    """Creation and change times and the creator; the full change history lives in the audit log."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True


class CalendarDay(models.Model):
    """An office-maintained exception to the working-day calendar: a holiday or a make-up workday.

    Overrides the official calendar package, and covers years the State Council has not yet announced.
    """

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"), help_text=_("Tick for a make-up workday on a weekend."))
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self):
        return f"{self.date} {self.note}"


class SubmitToken(models.Model):
    """A form's one-time token: a second submit of the same form (double click) finds it and creates nothing."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    result_url = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("submit token")
        verbose_name_plural = _("submit tokens")

    def __str__(self):
        return self.token


class Notification(models.Model):
    """An in-app reminder (the bell). `key` makes each reminder once per day and recipient."""

    class Kind(models.TextChoices):
        VISIT_DUE = "VISIT_DUE", _("Visit due")
        ISSUE_LIGHT = "ISSUE_LIGHT", _("Ledger deadline")
        SUPERVISION = "SUPERVISION", _("Supervision note missing")
        EXTENSION = "EXTENSION", _("Extension awaiting approval")
        TASK = "TASK", _("Plan task overdue")
        REFERRAL = "REFERRAL", _("Referral reply overdue")
        CHANNEL = "CHANNEL", _("Green channel")
        OTHER = "OTHER", _("Other")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    text = models.CharField(_("text"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    key = models.CharField(_("key"), max_length=150)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed = models.BooleanField(_("emailed"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key")]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.text
