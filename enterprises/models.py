from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit, User
from liaison import creditcode
from liaison.models import TrackedModel
from liaison.phones import validate_phone
from liaison.uploads import upload_path


class Enterprise(TrackedModel):
    class Industry(models.TextChoices):
        MANUFACTURING = "MANUFACTURING", _("Manufacturing")
        CHEMICAL = "CHEMICAL", _("Chemicals")
        MINING = "MINING", _("Mining")
        ENERGY = "ENERGY", _("Fuel and energy")
        CONSTRUCTION = "CONSTRUCTION", _("Construction")
        LOGISTICS = "LOGISTICS", _("Transport and logistics")
        RETAIL = "RETAIL", _("Retail and wholesale")
        SERVICES = "SERVICES", _("Services")
        TEXTILE = "TEXTILE", _("Textiles and garments")
        FOOD = "FOOD", _("Food")
        TECHNOLOGY = "TECHNOLOGY", _("Technology")
        OTHER = "OTHER", _("Other")

    class Status(models.TextChoices):
        ACTIVE = "ACTIVE", _("Active")
        CLOSED = "CLOSED", _("Closed")

    class CapacityUnit(models.TextChoices):
        KG = "kg", _("kg")
        TONNE = "t", _("tonnes")
        M3 = "m3", _("cubic metres")

    name = models.CharField(_("name"), max_length=200, db_index=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    credit_code_override = models.CharField(
        _("reason the check character is accepted"),
        max_length=200,
        blank=True,
        help_text=_("Only for older codes that fail the GB 32100 check, recorded by the programme office."),
    )
    station = models.ForeignKey(
        Unit, verbose_name=_("police station"), on_delete=models.PROTECT, related_name="enterprises",
        limit_choices_to={"kind": Unit.Kind.STATION},
    )
    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices, db_index=True)
    address = models.CharField(_("address"), max_length=200)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50)
    contact_position = models.CharField(_("contact's position"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, validators=[validate_phone])
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    is_key = models.BooleanField(_("key enterprise"), default=False, db_index=True)
    has_explosives = models.BooleanField(_("explosives"), default=False)
    has_hazardous_chemicals = models.BooleanField(_("hazardous chemicals"), default=False)
    has_fuel = models.BooleanField(_("fuel or gas storage"), default=False)
    has_fireworks = models.BooleanField(_("fireworks"), default=False)
    storage_capacity = models.DecimalField(
        _("storage capacity"), max_digits=12, decimal_places=2, null=True, blank=True,
        help_text=_("Design capacity of the magazine or store for the hazardous goods above."),
    )
    storage_unit = models.CharField(_("capacity unit"), max_length=3, choices=CapacityUnit.choices, blank=True)
    contact_every_days = models.PositiveSmallIntegerField(_("contact every (days)"), default=7)
    visit_every_days = models.PositiveSmallIntegerField(_("visit every (days)"), default=30)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    notes = models.TextField(_("notes"), blank=True)
    # Denormalised from Visit so that lists and homes sort by it without a subquery per row.
    last_visit_at = models.DateTimeField(_("last visit"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        constraints = [
            models.CheckConstraint(
                condition=Q(storage_capacity__isnull=True) | Q(storage_capacity__gte=0), name="enterprise_capacity_positive"
            ),
            models.CheckConstraint(condition=Q(visit_every_days__gte=1), name="enterprise_visit_cadence_positive"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("enterprises:enterprise_detail", args=[self.pk])

    @property
    def is_hazardous(self):
        return self.has_explosives or self.has_hazardous_chemicals or self.has_fuel or self.has_fireworks

    @property
    def credit_code_valid(self):
        return creditcode.is_valid(self.credit_code)

    @property
    def next_visit_due(self):
        if self.last_visit_at is None:
            return None
        return (self.last_visit_at + timedelta(days=self.visit_every_days)).date()

    @property
    def is_due_for_visit(self):
        due = self.next_visit_due
        return due is None or due <= timezone.localdate()

    def clean(self):
        self.credit_code = creditcode.normalise(self.credit_code)
        if not creditcode.is_well_formed(self.credit_code):
            raise ValidationError(
                {"credit_code": _("A credit code has 18 characters: digits and capital letters except I, O, S, V, Z.")}
            )
        if not creditcode.is_valid(self.credit_code) and not self.credit_code_override:
            raise ValidationError(
                {"credit_code": _("The check character does not match (GB 32100). The programme office can accept it with a reason.")}
            )
        if self.station_id and self.station.kind != Unit.Kind.STATION:
            raise ValidationError({"station": _("Choose a police station.")})
        if self.storage_capacity is not None and not self.storage_unit:
            raise ValidationError({"storage_unit": _("Give the unit of the storage capacity.")})


class Assignment(TrackedModel):
    """分包联系企业: who answers for an enterprise. Ended assignments stay as history."""

    class Kind(models.TextChoices):
        OFFICER = "OFFICER", _("Community officer (service steward)")
        LEADER = "LEADER", _("Bureau leader")
        TEAM = "TEAM", _("Team")

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="assignments")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("officer"), on_delete=models.PROTECT, null=True, blank=True, related_name="assignments"
    )
    team = models.ForeignKey(
        Unit, verbose_name=_("team"), on_delete=models.PROTECT, null=True, blank=True, related_name="assignments",
        limit_choices_to={"kind": Unit.Kind.TEAM},
    )
    started_on = models.DateField(_("from"), default=timezone.localdate)
    ended_on = models.DateField(_("until"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True)

    class Meta:
        ordering = ["enterprise", "kind", "-started_on"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            # Exactly one current community officer: the database refuses a second one.
            models.UniqueConstraint(
                fields=["enterprise"], condition=Q(kind="OFFICER", ended_on__isnull=True), name="assignment_one_current_officer"
            ),
            models.UniqueConstraint(
                fields=["enterprise", "officer"], condition=Q(ended_on__isnull=True, officer__isnull=False),
                name="assignment_officer_once",
            ),
            models.UniqueConstraint(
                fields=["enterprise", "team"], condition=Q(ended_on__isnull=True, team__isnull=False), name="assignment_team_once"
            ),
            models.CheckConstraint(
                condition=(Q(kind="TEAM") & Q(team__isnull=False) & Q(officer__isnull=True))
                | (~Q(kind="TEAM") & Q(officer__isnull=False) & Q(team__isnull=True)),
                name="assignment_kind_matches_assignee",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")), name="assignment_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["officer", "ended_on"]), models.Index(fields=["team", "ended_on"])]

    def __str__(self):
        return f"{self.enterprise} — {self.assignee} ({self.get_kind_display()})"

    def get_absolute_url(self):
        return reverse("enterprises:enterprise_detail", args=[self.enterprise_id])

    @property
    def assignee(self):
        return self.team if self.kind == self.Kind.TEAM else self.officer

    @property
    def is_current(self):
        return self.ended_on is None

    def clean(self):
        if self.kind == self.Kind.TEAM:
            if not self.team_id or self.officer_id:
                raise ValidationError({"team": _("A team assignment names a team and no officer.")})
            if self.team.kind != Unit.Kind.TEAM:
                raise ValidationError({"team": _("Choose a team.")})
        else:
            if not self.officer_id or self.team_id:
                raise ValidationError({"officer": _("Name the officer.")})
            expected = User.Role.OFFICER if self.kind == self.Kind.OFFICER else User.Role.LEADER
            if self.officer.role != expected:
                if expected == User.Role.OFFICER:
                    raise ValidationError({"officer": _("Choose a community officer.")})
                raise ValidationError({"officer": _("Choose a bureau leader.")})
            if self.kind == self.Kind.OFFICER and self.officer.unit_id != self.enterprise.station_id:
                raise ValidationError({"officer": _("The community officer must belong to the enterprise's police station.")})
        if self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("An assignment cannot end before it starts.")})


class Plan(TrackedModel):
    """一企一策: the tailored escort plan for one enterprise.

    DRAFT → APPROVED (by a bureau leader) → CLOSED. At most one plan per enterprise is approved at a time;
    approving a new one closes the old one, which stays readable in the file.
    """

    class Status(models.TextChoices):
        DRAFT = "DRAFT", _("Draft")
        APPROVED = "APPROVED", _("Approved")
        CLOSED = "CLOSED", _("Closed")

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="plans")
    title = models.CharField(_("title"), max_length=200)
    situation = models.TextField(_("the enterprise's situation"))
    risks = models.TextField(_("risks"), blank=True)
    needs = models.TextField(_("needs raised by the enterprise"), blank=True)
    goals = models.TextField(_("goals"))
    measures = models.TextField(_("measures"))
    responsible_officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("responsible officers"), related_name="plans_responsible", blank=True
    )
    review_on = models.DateField(_("review date"), db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approval_note = models.TextField(_("leader's instruction"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("closed by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    close_reason = models.CharField(_("reason for closing"), max_length=300, blank=True)
    superseded_by = models.ForeignKey(
        "self", verbose_name=_("replaced by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["enterprise", "-created_at"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            # One approved plan per enterprise: the database refuses a second one, whatever the code does.
            models.UniqueConstraint(fields=["enterprise"], condition=Q(status="APPROVED"), name="plan_one_approved_per_enterprise"),
            models.CheckConstraint(
                condition=Q(status="DRAFT") | (Q(approved_at__isnull=False) & Q(approved_by__isnull=False))
                | Q(status="CLOSED", approved_at__isnull=True),
                name="plan_approved_has_approver",
            ),
            models.CheckConstraint(
                condition=~Q(status="CLOSED") | Q(closed_at__isnull=False), name="plan_closed_has_time"
            ),
        ]
        indexes = [models.Index(fields=["status", "review_on"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("enterprises:plan_detail", args=[self.pk])

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT

    @property
    def is_approved(self):
        return self.status == self.Status.APPROVED

    @property
    def is_closed(self):
        return self.status == self.Status.CLOSED

    @property
    def review_overdue(self):
        return self.is_approved and self.review_on < timezone.localdate()

    def clean(self):
        if self.enterprise_id and self._state.adding and self.enterprise.status != Enterprise.Status.ACTIVE:
            raise ValidationError(_("A closed enterprise gets no new plan."))


PROGRAMME_ROLES = (User.Role.LEADER, User.Role.COORDINATOR, User.Role.TEAM, User.Role.OFFICER)


class PlanTask(TrackedModel):
    """节点化: one step of a plan, with its owner and a deadline counted in working days."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="plan_tasks")
    starts_on = models.DateField(_("starts on"), default=timezone.localdate)
    workdays = models.PositiveSmallIntegerField(
        _("working days"), help_text=_("The deadline is this many working days after the start (official calendar).")
    )
    deadline = models.DateField(_("deadline"), db_index=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True, db_index=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("marked done by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completion_note = models.TextField(_("completion note"), blank=True)

    class Meta:
        ordering = ["plan", "starts_on", "deadline", "pk"]
        verbose_name = _("plan task")
        verbose_name_plural = _("plan tasks")
        constraints = [
            models.CheckConstraint(condition=Q(deadline__gte=models.F("starts_on")), name="plantask_deadline_after_start"),
            models.CheckConstraint(condition=Q(workdays__gte=1), name="plantask_workdays_positive"),
            models.CheckConstraint(
                condition=(Q(done_at__isnull=True) & Q(done_by__isnull=True)) | (Q(done_at__isnull=False) & Q(done_by__isnull=False)),
                name="plantask_done_has_who_and_when",
            ),
        ]
        indexes = [models.Index(fields=["owner", "done_at", "deadline"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("enterprises:plan_detail", args=[self.plan_id]) + f"#task-{self.pk}"

    @property
    def is_done(self):
        return self.done_at is not None

    @property
    def is_overdue(self):
        return not self.is_done and self.deadline < timezone.localdate()

    def clean(self):
        if self.owner_id and (not self.owner.is_active or self.owner.role not in PROGRAMME_ROLES):
            raise ValidationError({"owner": _("The owner must be an active officer, team member, leader or coordinator.")})


class Attachment(TrackedModel):
    """A document in the enterprise's file: a scanned commitment letter, a letter delivered, a record."""

    class Kind(models.TextChoices):
        COMMITMENT = "COMMITMENT", _("Service-steward commitment letter")
        LETTER = "LETTER", _("Letter to the entrepreneur")
        PLAN = "PLAN", _("Signed plan")
        RECORD = "RECORD", _("Work record")
        BRIEFING = "BRIEFING", _("Briefing")
        OTHER = "OTHER", _("Other document")

    class FileType(models.TextChoices):
        PDF = "pdf", "PDF"
        IMAGE = "image", _("Image")

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    document_date = models.DateField(_("date of the document"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=upload_path)
    file_type = models.CharField(_("file type"), max_length=5, choices=FileType.choices)
    size = models.PositiveIntegerField(_("size (bytes)"))
    visit = models.ForeignKey(
        "visits.Visit", verbose_name=_("visit"), on_delete=models.PROTECT, null=True, blank=True, related_name="attachments"
    )
    issue = models.ForeignKey(
        "visits.Issue", verbose_name=_("ledger item"), on_delete=models.PROTECT, null=True, blank=True, related_name="attachments"
    )
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("removed by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removal_reason = models.CharField(_("reason for removal"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["enterprise", "removed_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("enterprises:enterprise_detail", args=[self.enterprise_id]) + "?tab=documents"

    @property
    def extension(self):
        return "pdf" if self.file_type == self.FileType.PDF else (self.file.name.rsplit(".", 1)[-1].lower() or "jpg")

    @property
    def download_name(self):
        return f"{self.title}.{self.extension}"

    def clean(self):
        if self.visit_id and self.visit.enterprise_id != self.enterprise_id:
            raise ValidationError({"visit": _("The visit belongs to another enterprise.")})
        if self.issue_id and self.issue.enterprise_id != self.enterprise_id:
            raise ValidationError({"issue": _("The ledger item belongs to another enterprise.")})
