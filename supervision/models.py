"""The programme's working mechanisms: information flow (referrals), progress meetings and notices.

The unit scoreboard is computed from the ledger and the visits (see supervision/scoreboard.py); it stores nothing.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from enterprises.models import Enterprise
from liaison.models import TrackedModel
from visits.models import Issue, IssueUpdate


class Referral(TrackedModel):
    """信息流转: a unit's request for help from the city bureau or another police branch.

    DRAFT → SUBMITTED (to the programme office) → REPORTED (the office's written report to the city bureau,
    a generated document) → INSTRUCTED (a leader's instruction, verbatim) → ASSIGNED (to a unit or officer,
    with a reply deadline in working days) → DONE (the reply, also recorded on the originating ledger item).
    The office may send a submitted referral back to its draft with a reason.
    """

    class Status(models.TextChoices):
        DRAFT = "DRAFT", _("Draft")
        SUBMITTED = "SUBMITTED", _("Submitted to the office")
        REPORTED = "REPORTED", _("Reported to the city bureau")
        INSTRUCTED = "INSTRUCTED", _("Instructed")
        ASSIGNED = "ASSIGNED", _("Assigned, awaiting reply")
        DONE = "DONE", _("Replied")

    OPEN_STATES = (Status.DRAFT, Status.SUBMITTED, Status.REPORTED, Status.INSTRUCTED, Status.ASSIGNED)

    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial"))
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="referrals")
    issue = models.ForeignKey(
        Issue, verbose_name=_("ledger item"), on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    raised_by_unit = models.ForeignKey(
        Unit, verbose_name=_("raised by"), on_delete=models.PROTECT, related_name="referrals_raised"
    )
    title = models.CharField(
        _("subject"), max_length=150,
        help_text=_("What is to be solved, e.g. 协调解决某煤矿炸药库存放能力不足问题"),
    )
    request = models.TextField(_("what is needed"), help_text=_("The situation, and the help asked for."))
    requested_of = models.CharField(
        _("help needed from"), max_length=100, help_text=_("The city bureau department or police branch asked to help.")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    return_reason = models.TextField(_("returned because"), blank=True)
    # The written report to the city bureau (the office).
    report_addressee = models.CharField(_("addressed to"), max_length=100, blank=True)
    report_body = models.TextField(_("text of the report"), blank=True)
    report_cc = models.CharField(_("copy to"), max_length=200, blank=True)
    report_signer = models.CharField(_("signed off by"), max_length=50, blank=True)
    reported_at = models.DateTimeField(_("report sent at"), null=True, blank=True, db_index=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The leader's instruction.
    instruction = models.TextField(_("instruction"), blank=True)
    instructed_at = models.DateTimeField(_("instructed at"), null=True, blank=True)
    instructed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("instructed by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Who is to act on it, and by when.
    assigned_unit = models.ForeignKey(
        Unit, verbose_name=_("assigned to unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="referrals_assigned"
    )
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned to officer"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="referrals_assigned",
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reply_workdays = models.PositiveSmallIntegerField(_("reply within (working days)"), null=True, blank=True)
    reply_deadline = models.DateField(_("reply deadline"), null=True, blank=True, db_index=True)
    # The reply.
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("replied by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issue_update = models.OneToOneField(
        IssueUpdate, verbose_name=_("entry on the ledger item"), on_delete=models.PROTECT, null=True, blank=True, related_name="referral"
    )

    class Meta:
        ordering = ["-year", "-serial"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.UniqueConstraint(fields=["year", "serial"], name="referral_number_unique"),
            models.CheckConstraint(
                condition=Q(status__in=["DRAFT", "SUBMITTED"]) | Q(reported_at__isnull=False),
                name="referral_reported_has_time",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["DRAFT", "SUBMITTED", "REPORTED"]) | ~Q(instruction=""),
                name="referral_instructed_has_instruction",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["ASSIGNED", "DONE"]) | Q(assigned_unit__isnull=False, reply_deadline__isnull=False),
                name="referral_assigned_has_unit_and_deadline",
            ),
            models.CheckConstraint(
                condition=~Q(status="DONE") | (Q(replied_at__isnull=False) & ~Q(reply="")), name="referral_done_has_reply"
            ),
        ]
        indexes = [models.Index(fields=["status", "reply_deadline"])]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("supervision:referral_detail", args=[self.pk])

    @property
    def number(self):
        return f"〔{self.year}〕{self.serial}号"

    @property
    def report_title(self):
        title = self.title.strip()
        if title.startswith("关于") and title.endswith("报告"):
            return title
        return f"关于{title}的报告"

    @property
    def is_overdue(self):
        return self.status == self.Status.ASSIGNED and self.reply_deadline is not None and self.reply_deadline < timezone.localdate()

    @property
    def replied_on_time(self):
        if self.replied_at is None or self.reply_deadline is None:
            return None
        return timezone.localtime(self.replied_at).date() <= self.reply_deadline

    @property
    def has_document(self):
        return self.reported_at is not None


class Meeting(TrackedModel):
    """推进会议: a progress meeting — evaluation (讲评), exchange and consultation (交流、会商), decisions.

    Each decision is a MeetingAction. The agenda of a meeting carries over, automatically, every action of an
    earlier meeting that was still open when this one was held (see `carried_over`).
    """

    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial"))
    title = models.CharField(_("title"), max_length=150, blank=True, help_text=_("Leave empty for the usual title."))
    held_at = models.DateTimeField(_("held at"), db_index=True)
    place = models.CharField(_("place"), max_length=100)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("chaired by"), on_delete=models.PROTECT, related_name="meetings_chaired")
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("attendees"), related_name="meetings_attended", blank=True)
    other_attendees = models.CharField(
        _("other attendees"), max_length=300, blank=True, help_text=_("People without an account, e.g. from the city bureau.")
    )
    evaluation = models.TextField(_("evaluation of the work (讲评)"), blank=True)
    discussion = models.TextField(_("exchange and consultation (交流、会商)"), blank=True)

    class Meta:
        ordering = ["-held_at"]
        verbose_name = _("progress meeting")
        verbose_name_plural = _("progress meetings")
        constraints = [models.UniqueConstraint(fields=["year", "serial"], name="meeting_number_unique")]

    def __str__(self):
        return self.display_title

    def get_absolute_url(self):
        return reverse("supervision:meeting_detail", args=[self.pk])

    @property
    def display_title(self):
        return self.title or f"{self.year}年第{self.serial}次推进会议"

    def carried_over(self):
        """Actions of earlier meetings still open when this meeting was held (whatever became of them since)."""
        return MeetingAction.objects.filter(meeting__held_at__lt=self.held_at).filter(
            Q(closed_at__isnull=True) | Q(closed_at__gte=self.held_at)
        ).exclude(meeting=self)


class MeetingAction(TrackedModel):
    """A decision of a progress meeting: what is to be done, by whom, by when; optionally about a ledger item."""

    class Status(models.TextChoices):
        OPEN = "OPEN", _("Open")
        DONE = "DONE", _("Done")
        CANCELLED = "CANCELLED", _("Cancelled")

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="actions")
    position = models.PositiveSmallIntegerField(_("no."), default=1)
    text = models.TextField(_("decision"))
    owner_unit = models.ForeignKey(Unit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="meeting_actions")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("responsible officer"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="meeting_actions",
    )
    deadline = models.DateField(_("deadline"), db_index=True)
    issue = models.ForeignKey(
        Issue, verbose_name=_("ledger item"), on_delete=models.PROTECT, null=True, blank=True, related_name="meeting_actions"
    )
    plan_task = models.ForeignKey(
        "enterprises.PlanTask", verbose_name=_("plan task"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="meeting_actions",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    closed_at = models.DateTimeField(_("done or cancelled at"), null=True, blank=True, db_index=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("closed by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    result = models.TextField(_("result"), blank=True, help_text=_("What was done, or why it was cancelled."))

    class Meta:
        ordering = ["meeting__held_at", "position", "pk"]
        verbose_name = _("meeting action")
        verbose_name_plural = _("meeting actions")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="meetingaction_position_unique"),
            models.CheckConstraint(
                condition=(Q(status="OPEN") & Q(closed_at__isnull=True)) | (~Q(status="OPEN") & Q(closed_at__isnull=False)),
                name="meetingaction_closed_has_time",
            ),
        ]
        indexes = [models.Index(fields=["owner_unit", "status"])]

    def __str__(self):
        return f"{self.meeting.display_title} ({self.position}) {self.text[:40]}"

    def get_absolute_url(self):
        return reverse("supervision:meeting_detail", args=[self.meeting_id]) + f"#action-{self.pk}"

    @property
    def is_overdue(self):
        return self.status == self.Status.OPEN and self.deadline < timezone.localdate()


class Notice(TrackedModel):
    """通报: a commendation or a criticism of a unit or an officer, issued by a bureau leader."""

    class Kind(models.TextChoices):
        COMMENDATION = "COMMENDATION", _("Commendation")
        CRITICISM = "CRITICISM", _("Criticism")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, db_index=True)
    title = models.CharField(_("title"), max_length=150)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="notices")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("officer"), on_delete=models.PROTECT, null=True, blank=True, related_name="notices",
        help_text=_("Leave empty when the notice is about the whole unit."),
    )
    reason = models.TextField(_("reason"))
    issued_on = models.DateField(_("date"), db_index=True)
    issuer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="notices_issued")
    issues = models.ManyToManyField(Issue, verbose_name=_("ledger items"), blank=True, related_name="notices")
    meetings = models.ManyToManyField(Meeting, verbose_name=_("meetings"), blank=True, related_name="notices")

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["unit", "issued_on"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("supervision:notice_detail", args=[self.pk])

    @property
    def is_commendation(self):
        return self.kind == self.Kind.COMMENDATION
