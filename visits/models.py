from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from enterprises.models import Enterprise
from liaison.models import TrackedModel
from liaison.uploads import upload_path


class Visit(TrackedModel):
    """走访记录表: one visit (or call) to an enterprise."""

    class Channel(models.TextChoices):
        ON_SITE = "ON_SITE", _("On site")
        PHONE = "PHONE", _("By phone")
        MEETING = "MEETING", _("At a meeting")

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="visits")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="visits_authored")
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("officers present"), related_name="visits", blank=True)
    visited_at = models.DateTimeField(_("time of visit"), db_index=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ON_SITE)
    received_by = models.CharField(_("received by"), max_length=50, blank=True)
    received_by_position = models.CharField(_("their position"), max_length=50, blank=True)
    observations = models.TextField(_("what was seen"), blank=True)
    opinions = models.TextField(_("opinions and suggestions on police work"), blank=True)
    letter_delivered = models.BooleanField(_("director's letter handed over"), default=False)
    commitment_signed = models.BooleanField(_("service-steward commitment letter signed"), default=False)
    legal_consultation = models.BooleanField(_("legal consultation given"), default=False)
    security_guidance = models.BooleanField(_("security guidance given"), default=False)
    registration_service = models.BooleanField(_("on-site residence or ID registration"), default=False)
    people_served = models.PositiveIntegerField(_("people served"), default=0)

    class Meta:
        ordering = ["-visited_at"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [models.Index(fields=["enterprise", "-visited_at"])]

    def __str__(self):
        return f"{self.enterprise} {self.visited_at:%Y-%m-%d}"


class Issue(TrackedModel):
    """问题梳理整改台账: one problem an enterprise raised, tracked to verified closure."""

    class Category(models.TextChoices):
        HAZARD = "HAZARD", _("Security hazard")
        DISPUTE = "DISPUTE", _("Dispute")
        CRIME_LEAD = "CRIME_LEAD", _("Crime lead")
        SERVICE = "SERVICE", _("Service request")
        OPINION = "OPINION", _("Opinion on police work")
        OTHER = "OTHER", _("Other")

    class Status(models.TextChoices):
        REGISTERED = "REGISTERED", _("Registered")
        ASSIGNED = "ASSIGNED", _("Assigned")
        ACCEPTED = "ACCEPTED", _("Accepted")
        IN_PROGRESS = "IN_PROGRESS", _("In progress")
        RESOLVED = "RESOLVED", _("Resolution reported")
        CLOSED = "CLOSED", _("Verified and closed")
        RETURNED = "RETURNED", _("Returned")
        TRANSFERRED = "TRANSFERRED", _("Transferred")
        UNABLE = "UNABLE", _("Cannot be handled")

    class Supervision(models.TextChoices):
        NONE = "", _("None")
        KEY = "KEY", _("Key supervision")
        LISTED = "LISTED", _("Listed supervision")

    class Satisfaction(models.TextChoices):
        SATISFIED = "SATISFIED", _("Satisfied")
        BASICALLY = "BASICALLY", _("Basically satisfied")
        DISSATISFIED = "DISSATISFIED", _("Dissatisfied")
        NOT_REACHED = "NOT_REACHED", _("Not reached")

    OPEN_STATES = (Status.REGISTERED, Status.ASSIGNED, Status.ACCEPTED, Status.IN_PROGRESS, Status.RESOLVED, Status.RETURNED)

    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial"))
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="issues")
    visit = models.ForeignKey(Visit, verbose_name=_("source visit"), on_delete=models.PROTECT, null=True, blank=True, related_name="issues")
    category = models.CharField(_("category"), max_length=12, choices=Category.choices, db_index=True)
    description = models.TextField(_("problem"))
    responsible_unit = models.ForeignKey(
        Unit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="issues"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, null=True, blank=True, related_name="issues_owned"
    )
    measures = models.TextField(_("rectification measures"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED, db_index=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True, db_index=True)
    original_deadline = models.DateField(_("original deadline"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolution reported at"), null=True, blank=True)
    resolution = models.TextField(_("rectification result"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, db_index=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("verified by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    satisfaction = models.CharField(_("enterprise satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True)
    supervision = models.CharField(_("supervision"), max_length=6, choices=Supervision.choices, blank=True, default="", db_index=True)
    supervision_instruction = models.TextField(_("supervision instruction"), blank=True)
    supervised_since = models.DateTimeField(_("supervised since"), null=True, blank=True)
    transferred_to = models.CharField(_("receiving authority"), max_length=100, blank=True)
    reason = models.TextField(_("reason"), blank=True, help_text=_("Why it was returned, transferred or cannot be handled."))
    # Optimistic locking: a transition names the version it saw; a stale one is refused.
    version = models.PositiveIntegerField(_("version"), default=0)

    class Meta:
        ordering = ["-year", "-serial"]
        verbose_name = _("ledger item")
        verbose_name_plural = _("ledger items")
        constraints = [
            models.UniqueConstraint(fields=["year", "serial"], name="issue_number_unique"),
            models.CheckConstraint(
                condition=~Q(status="CLOSED") | Q(closed_at__isnull=False), name="issue_closed_has_time"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["responsible_unit", "status"]),
            models.Index(fields=["owner", "status"]),
        ]

    def __str__(self):
        return f"{self.number} {self.enterprise}"

    @property
    def number(self):
        return f"{self.year}-{self.serial:04d}"

    @property
    def is_open(self):
        return self.status in self.OPEN_STATES


class IssueUpdate(models.Model):
    """One entry in a ledger item's timeline: a transition or a progress note."""

    issue = models.ForeignKey(Issue, verbose_name=_("ledger item"), on_delete=models.CASCADE, related_name="updates")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    from_status = models.CharField(_("from"), max_length=12, choices=Issue.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Issue.Status.choices, blank=True)
    text = models.TextField(_("note"), blank=True)
    partly_fixed = models.BooleanField(_("partly fixed"), default=False)
    is_supervision_note = models.BooleanField(_("supervision note"), default=False)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("ledger update")
        verbose_name_plural = _("ledger updates")
        indexes = [models.Index(fields=["issue", "at"])]

    def __str__(self):
        return f"{self.issue.number} {self.at:%Y-%m-%d %H:%M}"


class VisitPhoto(TrackedModel):
    """Work image material (工作影像资料) from a visit: re-encoded without EXIF, with a thumbnail."""

    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=upload_path)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=upload_path)
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")

    def __str__(self):
        return self.caption or f"{self.visit} #{self.pk}"


class IssuePhoto(TrackedModel):
    """Evidence of rectification (or of the problem) attached to a ledger item."""

    issue = models.ForeignKey(Issue, verbose_name=_("ledger item"), on_delete=models.CASCADE, related_name="photos")
    update = models.ForeignKey(
        IssueUpdate, verbose_name=_("ledger update"), on_delete=models.SET_NULL, null=True, blank=True, related_name="photos"
    )
    image = models.ImageField(_("photo"), upload_to=upload_path)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=upload_path)
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("ledger photo")
        verbose_name_plural = _("ledger photos")

    def __str__(self):
        return self.caption or f"{self.issue} #{self.pk}"
