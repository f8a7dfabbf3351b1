import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, CharField, Q, Value, When
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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
        return f"{self.enterprise} {timezone.localtime(self.visited_at):%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("visits:visit_detail", args=[self.pk])

    def clean(self):
        if self.registration_service and not self.people_served:
            raise ValidationError({"people_served": _("Give the number of people registered on site.")})
        if self.people_served and not self.registration_service:
            raise ValidationError(
                {"people_served": _("People served are counted for on-site residence or ID registration: tick it.")}
            )

    # The services a visit can deliver (boolean fields), in the order pages and exports list them.
    SERVICE_FIELDS = ("letter_delivered", "commitment_signed", "legal_consultation", "security_guidance", "registration_service")

    @property
    def services(self):
        """The services delivered on this visit, as (field name, label) for display and export."""
        return [(name, self._meta.get_field(name).verbose_name) for name in self.SERVICE_FIELDS if getattr(self, name)]

    @property
    def correctable_until(self):
        """The author may correct the record for 24 hours after saving it; after that only the office."""
        return self.created_at + dt.timedelta(hours=24) if self.created_at else None


def running_q() -> Q:
    """Items with a light: open (resolution reported included, until it is verified) and with a deadline."""
    return Q(status__in=Issue.OPEN_STATES, deadline__isnull=False)


class IssueQuerySet(models.QuerySet):
    """The ledger's lights and flags in SQL, so that lists and dashboards filter and count without a query per row."""

    def open(self):
        return self.filter(status__in=Issue.OPEN_STATES)

    def light(self, value: str, today: dt.date | None = None):
        """Items of one light, in SQL: red (deadline < today), yellow (deadline within the next 3 working days:
        on or before `add_workdays(today, 3)`) or green (later)."""
        from visits import deadlines

        today = today or timezone.localdate()
        if value == "red":
            return self.filter(running_q(), deadline__lt=today)
        if value == "yellow":
            return self.filter(running_q(), deadline__gte=today, deadline__lte=deadlines.yellow_threshold(today))
        if value == "green":
            return self.filter(running_q(), deadline__gt=deadlines.yellow_threshold(today))
        return self

    def with_light(self, today: dt.date | None = None):
        """Annotates `light_code` (green/yellow/red or "") computed in SQL; `Issue.light` reads it."""
        from visits import deadlines

        today = today or timezone.localdate()
        return self.annotate(
            light_code=Case(
                When(running_q() & Q(deadline__lt=today), then=Value("red")),
                When(running_q() & Q(deadline__lte=deadlines.yellow_threshold(today)), then=Value("yellow")),
                When(running_q(), then=Value("green")),
                default=Value(""),
                output_field=CharField(),
            )
        )

    def with_note_due(self, today: dt.date | None = None):
        """Annotates `last_supervision_note_at` and `note_due` (a supervised open item missing its 5-day note)."""
        from django.db.models import BooleanField, OuterRef, Subquery
        from django.db.models.functions import Coalesce

        from visits import deadlines

        today = today or timezone.localdate()
        threshold = deadlines.supervision_note_threshold(today)
        last_note = IssueUpdate.objects.filter(issue=OuterRef("pk"), is_supervision_note=True).order_by("-at").values("at")[:1]
        qs = self.annotate(last_supervision_note_at=Subquery(last_note))
        qs = qs.annotate(
            supervision_clock=TruncDate(
                Coalesce("last_supervision_note_at", "supervised_since"), tzinfo=timezone.get_current_timezone()
            ),
        )
        return qs.annotate(
            note_due=Case(
                When(
                    Q(status__in=Issue.OPEN_STATES, supervision__in=[Issue.Supervision.KEY, Issue.Supervision.LISTED])
                    & Q(supervision_clock__lt=threshold),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            )
        )

    def note_due(self, today: dt.date | None = None):
        """Supervised open items whose last supervision note is more than 5 working days old."""
        return self.with_note_due(today).filter(note_due=True)


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
        ASSIGNED = "ASSIGNED", pgettext_lazy("issue status", "Assigned")
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
    time_limit_days = models.PositiveSmallIntegerField(
        _("time limit (working days)"), null=True, blank=True,
        help_text=_("Counted from acceptance; the default depends on the category."),
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    needs_followup = models.BooleanField(
        _("flagged for the office"), default=False, db_index=True,
        help_text=_("The enterprise was dissatisfied on the call-back: the office follows it up."),
    )

    objects = IssueQuerySet.as_manager()

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

    def get_absolute_url(self):
        return reverse("visits:issue_detail", args=[self.pk])

    @property
    def number(self):
        return f"{self.year}-{self.serial:04d}"

    @property
    def is_open(self):
        return self.status in self.OPEN_STATES

    @property
    def is_supervised(self):
        return self.supervision in (self.Supervision.KEY, self.Supervision.LISTED)

    @property
    def was_extended(self):
        return self.original_deadline is not None and self.original_deadline != self.deadline

    @property
    def light(self) -> str:
        """green / yellow / red while the deadline clock runs, "" otherwise (see visits.deadlines.light_for)."""
        if hasattr(self, "light_code"):
            return self.light_code or ""
        from visits import deadlines

        return deadlines.light_for(status=self.status, deadline=self.deadline, today=timezone.localdate())

    @property
    def supervision_note_due(self) -> bool:
        """A supervised open item without a progress note in the last 5 working days."""
        if hasattr(self, "note_due"):
            return bool(self.note_due)
        if not (self.is_open and self.is_supervised and self.supervised_since):
            return False
        from visits import deadlines

        last = self.updates.filter(is_supervision_note=True).order_by("-at").values_list("at", flat=True).first()
        clock = timezone.localtime(last or self.supervised_since).date()
        return clock < deadlines.supervision_note_threshold(timezone.localdate())

    @property
    def working_days_left(self):
        if self.deadline is None or not self.is_open:
            return None
        from liaison import workdays

        return workdays.workdays_between(timezone.localdate(), self.deadline)


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
        return f"{self.issue.number} {timezone.localtime(self.at):%Y-%m-%d %H:%M}"

    @property
    def is_transition(self):
        return bool(self.to_status) and self.to_status != self.from_status


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


class IssueRequest(TrackedModel):
    """A request on a ledger item that the programme office decides: an extension (延期) or "cannot be handled"."""

    class Kind(models.TextChoices):
        EXTENSION = "EXTENSION", _("Extension")
        UNABLE = "UNABLE", _("Cannot be handled")

    class Status(models.TextChoices):
        PENDING = "PENDING", _("Awaiting the office")
        APPROVED = "APPROVED", _("Approved")
        REFUSED = "REFUSED", _("Refused")

    issue = models.ForeignKey(Issue, verbose_name=_("ledger item"), on_delete=models.CASCADE, related_name="requests")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    reason = models.TextField(_("reason"))
    current_deadline = models.DateField(_("deadline when requested"), null=True, blank=True)
    proposed_deadline = models.DateField(_("proposed deadline"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("ledger request")
        verbose_name_plural = _("ledger requests")
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "kind"], condition=Q(status="PENDING"), name="issuerequest_one_pending_per_kind"
            ),
            models.CheckConstraint(
                condition=~Q(kind="EXTENSION") | Q(proposed_deadline__isnull=False), name="issuerequest_extension_has_date"
            ),
            models.CheckConstraint(
                condition=Q(status="PENDING") | Q(decided_at__isnull=False), name="issuerequest_decided_has_time"
            ),
        ]

    def __str__(self):
        return f"{self.issue.number} {self.get_kind_display()} ({self.get_status_display()})"

    def get_absolute_url(self):
        return self.issue.get_absolute_url()
