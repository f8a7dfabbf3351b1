"""Escort casework (大护航) and the programme's activities.

- `Case` (涉企案件): an enterprise-related case, RECEIVED → FILED → SOLVED → CLOSED, or RECEIVED → TRANSFERRED.
- `CoerciveMeasure` + `MeasureReview` (三个一律): a seal, seizure, freeze or a measure against the enterprise's
  manager passes three collective reviews in order (handling unit, legal team, bureau leadership) before it can
  be executed. The model and the database refuse any state its reviews do not justify.
- `GreenChannel` + `ChannelApproval` (绿色通道): a designated officer's recurring approval for an enterprise,
  never above the enterprise's recorded storage capacity.
- `Activity` + `ActivityPhoto`: publicity, rectification campaigns, services and escort actions.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from enterprises.models import Enterprise
from liaison.models import TrackedModel
from liaison.uploads import upload_path


def _local_date(value):
    return timezone.localtime(value).date() if value else None


# ================================================================ cases


class Case(TrackedModel):
    """涉企案件: a case in which an enterprise is the victim or is involved."""

    class Role(models.TextChoices):
        VICTIM = "VICTIM", _("Victim")
        INVOLVED = "INVOLVED", _("Involved")

    class Type(models.TextChoices):
        EXTORTION = "EXTORTION", _("Extortion")
        FORCED_TRADE = "FORCED_TRADE", _("Forced buying or selling")
        FORCED_LOADING = "FORCED_LOADING", _("Forced loading or unloading")
        MARKET_BULLYING = "MARKET_BULLYING", _("Market bullying")
        MATERIAL_THEFT = "MATERIAL_THEFT", _("Theft or robbery of materials")
        IP_INFRINGEMENT = "IP_INFRINGEMENT", _("Intellectual property infringement")
        REPUTATION = "REPUTATION", _("Damaging business reputation")
        MARKET_ORDER = "MARKET_ORDER", _("Disrupting market order")
        OFFICE_ORDER = "OFFICE_ORDER", _("Disrupting an enterprise's office order")
        ENVIRONMENTAL = "ENVIRONMENTAL", _("Environmental")
        FOOD = "FOOD", _("Food")
        OTHER = "OTHER", _("Other")

    class Nature(models.TextChoices):
        CRIMINAL = "CRIMINAL", _("Criminal")
        ADMINISTRATIVE = "ADMINISTRATIVE", _("Administrative")

    class Status(models.TextChoices):
        RECEIVED = "RECEIVED", _("Received")
        FILED = "FILED", _("Filed")
        SOLVED = "SOLVED", _("Solved")
        CLOSED = "CLOSED", _("Closed")
        TRANSFERRED = "TRANSFERRED", _("Transferred")

    # The types the seed counts as "cases that disturbed the enterprises' production and business".
    BUSINESS_TYPES = (
        Type.EXTORTION, Type.FORCED_TRADE, Type.FORCED_LOADING, Type.MARKET_BULLYING, Type.MATERIAL_THEFT,
        Type.IP_INFRINGEMENT, Type.REPUTATION, Type.MARKET_ORDER,
    )
    OPEN_STATES = (Status.RECEIVED, Status.FILED, Status.SOLVED)

    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial"))
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="cases")
    enterprise_role = models.CharField(_("enterprise is"), max_length=10, choices=Role.choices, default=Role.VICTIM)
    case_type = models.CharField(_("type"), max_length=16, choices=Type.choices, db_index=True)
    nature = models.CharField(_("nature"), max_length=16, choices=Nature.choices, default=Nature.CRIMINAL)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary of the facts"))
    handling_unit = models.ForeignKey(
        Unit, verbose_name=_("handling unit"), on_delete=models.PROTECT, related_name="cases",
        limit_choices_to={"kind__in": [Unit.Kind.STATION, Unit.Kind.TEAM]},
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    solved_at = models.DateTimeField(_("solved at"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    transferred_at = models.DateTimeField(_("transferred at"), null=True, blank=True)
    transferred_to = models.CharField(_("receiving authority"), max_length=100, blank=True)
    party_notified_on = models.DateField(_("party notified on"), null=True, blank=True)
    criminal_detentions = models.PositiveIntegerField(_("criminal detentions"), default=0)
    administrative_detentions = models.PositiveIntegerField(_("administrative detentions"), default=0)

    class Meta:
        ordering = ["-year", "-serial"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(fields=["year", "serial"], name="case_number_unique"),
            models.CheckConstraint(
                condition=Q(status="RECEIVED") | Q(status="TRANSFERRED") | Q(filed_at__isnull=False),
                name="case_filed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["SOLVED", "CLOSED"]) | Q(solved_at__isnull=False), name="case_solved_has_time"
            ),
            models.CheckConstraint(condition=~Q(status="CLOSED") | Q(closed_at__isnull=False), name="case_closed_has_time"),
            models.CheckConstraint(
                condition=~Q(status="TRANSFERRED")
                | (Q(transferred_at__isnull=False) & ~Q(transferred_to="") & Q(party_notified_on__isnull=False)),
                name="case_transfer_complete",
            ),
            models.CheckConstraint(
                condition=Q(filed_at__isnull=True) | Q(filed_at__gte=F("received_at")), name="case_filed_after_received"
            ),
            models.CheckConstraint(
                condition=Q(solved_at__isnull=True) | Q(solved_at__gte=F("filed_at")), name="case_solved_after_filed"
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=F("solved_at")), name="case_closed_after_solved"
            ),
        ]
        indexes = [models.Index(fields=["handling_unit", "status"]), models.Index(fields=["enterprise", "received_at"])]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("casework:case_detail", args=[self.pk])

    @property
    def number(self):
        return f"{self.year}-{self.serial:04d}" if self.serial else ""

    @property
    def is_open(self):
        return self.status in self.OPEN_STATES

    @property
    def disturbs_business(self):
        return self.case_type in self.BUSINESS_TYPES

    @property
    def hours_to_filing(self) -> float | None:
        """Hours from receipt to filing: the seed's promise is to file at once (第一时间立案)."""
        if not self.filed_at or not self.received_at:
            return None
        return round((self.filed_at - self.received_at).total_seconds() / 3600, 1)

    def clean(self):
        errors = {}
        if self.handling_unit_id and self.handling_unit.kind not in (Unit.Kind.STATION, Unit.Kind.TEAM):
            errors["handling_unit"] = _("The handling unit is a police station or a team.")
        now = timezone.now() + dt.timedelta(minutes=5)
        for field in ("received_at", "filed_at", "solved_at", "closed_at", "transferred_at"):
            value = getattr(self, field)
            if value and value > now:
                errors[field] = _("This time is in the future.")
        if self.filed_at and self.received_at and self.filed_at < self.received_at:
            errors["filed_at"] = _("A case cannot be filed before it was received.")
        if self.solved_at and self.filed_at and self.solved_at < self.filed_at:
            errors["solved_at"] = _("A case cannot be solved before it was filed.")
        if self.closed_at and self.solved_at and self.closed_at < self.solved_at:
            errors["closed_at"] = _("A case cannot be closed before it was solved.")
        if self.transferred_at and self.received_at and self.transferred_at < self.received_at:
            errors["transferred_at"] = _("A case cannot be transferred before it was received.")
        if self.party_notified_on and self.transferred_at and self.party_notified_on < _local_date(self.transferred_at):
            errors["party_notified_on"] = _("The party is notified on or after the day of the transfer.")
        required = {
            self.Status.FILED: ["filed_at"],
            self.Status.SOLVED: ["filed_at", "solved_at"],
            self.Status.CLOSED: ["filed_at", "solved_at", "closed_at"],
            self.Status.TRANSFERRED: ["transferred_at", "transferred_to", "party_notified_on"],
        }.get(self.status, [])
        for field in required:
            if not getattr(self, field):
                errors.setdefault(field, _("Required in this state."))
        if self.status == self.Status.TRANSFERRED and self.filed_at:
            errors["filed_at"] = _("A filed case is not transferred: transfer happens instead of filing.")
        if errors:
            raise ValidationError(errors)


# ================================================================ coercive measures and the triple review


class CoerciveMeasure(TrackedModel):
    """A coercive measure against an enterprise, proposed on a case (三个一律)."""

    class Kind(models.TextChoices):
        SEAL = "SEAL", _("Seal up")
        SEIZE = "SEIZE", _("Seize")
        FREEZE = "FREEZE", _("Freeze assets")
        ON_MANAGER = "ON_MANAGER", _("Coercive measure on the enterprise's manager")

    class Status(models.TextChoices):
        PROPOSED = "PROPOSED", _("Under collective review")
        APPROVED = "APPROVED", _("Approved")
        REJECTED = "REJECTED", _("Rejected")
        EXECUTED = "EXECUTED", _("Executed")
        LIFTED = "LIFTED", _("Lifted")

    class Decision(models.TextChoices):
        PENDING = "", _("Pending")
        APPROVE = "APPROVE", _("Approve")
        REJECT = "REJECT", _("Reject")

    # A measure may go only along these arrows; anything else is refused on save.
    TRANSITIONS = {
        Status.PROPOSED: {Status.PROPOSED, Status.APPROVED, Status.REJECTED},
        Status.APPROVED: {Status.APPROVED, Status.EXECUTED},
        Status.REJECTED: {Status.REJECTED},
        Status.EXECUTED: {Status.EXECUTED, Status.LIFTED},
        Status.LIFTED: {Status.LIFTED},
    }
    DECIDED_FIELDS = ("unit_decision", "legal_decision", "leadership_decision")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="measures")
    kind = models.CharField(_("measure"), max_length=12, choices=Kind.choices)
    target = models.CharField(
        _("object of the measure"), max_length=200, help_text=_("Premises, goods, bank account or the person concerned.")
    )
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    grounds = models.TextField(_("facts and legal grounds"))
    proposed_on = models.DateField(_("proposed on"), default=timezone.localdate)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED, db_index=True)
    # Each stage's decision, copied from its review so that the database itself can refuse an unjustified state.
    unit_decision = models.CharField(_("handling unit's decision"), max_length=8, choices=Decision.choices, blank=True, default="")
    legal_decision = models.CharField(_("legal team's decision"), max_length=8, choices=Decision.choices, blank=True, default="")
    leadership_decision = models.CharField(
        _("bureau leadership's decision"), max_length=8, choices=Decision.choices, blank=True, default=""
    )
    executed_at = models.DateTimeField(_("executed at"), null=True, blank=True)
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("executed by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    execution_note = models.TextField(_("execution note"), blank=True)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("lifted by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lift_reason = models.TextField(_("reason for lifting"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("coercive measure")
        verbose_name_plural = _("coercive measures")
        constraints = [
            # The legal team reviews only what the handling unit approved; the leadership only what legal approved.
            models.CheckConstraint(
                condition=Q(legal_decision="") | Q(unit_decision="APPROVE"), name="measure_legal_after_unit"
            ),
            models.CheckConstraint(
                condition=Q(leadership_decision="") | Q(legal_decision="APPROVE"), name="measure_leadership_after_legal"
            ),
            # Approved (and everything after) exactly when all three collective reviews approved.
            models.CheckConstraint(
                condition=(Q(status__in=["APPROVED", "EXECUTED", "LIFTED"]) & Q(leadership_decision="APPROVE"))
                | (~Q(status__in=["APPROVED", "EXECUTED", "LIFTED"]) & ~Q(leadership_decision="APPROVE")),
                name="measure_approved_by_three_reviews",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="REJECTED")
                    & (Q(unit_decision="REJECT") | Q(legal_decision="REJECT") | Q(leadership_decision="REJECT"))
                )
                | (
                    ~Q(status="REJECTED")
                    & ~Q(unit_decision="REJECT")
                    & ~Q(legal_decision="REJECT")
                    & ~Q(leadership_decision="REJECT")
                ),
                name="measure_rejected_by_a_review",
            ),
            models.CheckConstraint(
                condition=(Q(status__in=["EXECUTED", "LIFTED"]) & Q(executed_at__isnull=False))
                | (~Q(status__in=["EXECUTED", "LIFTED"]) & Q(executed_at__isnull=True)),
                name="measure_executed_has_time",
            ),
            models.CheckConstraint(
                condition=(Q(status="LIFTED") & Q(lifted_at__isnull=False) & Q(lifted_at__gte=F("executed_at")))
                | (~Q(status="LIFTED") & Q(lifted_at__isnull=True)),
                name="measure_lifted_after_execution",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.target}"

    def get_absolute_url(self):
        return reverse("casework:measure_detail", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_status = instance.status
        return instance

    @property
    def next_stage(self) -> int | None:
        """The stage whose collective review is due, or None once decided."""
        if self.status != self.Status.PROPOSED:
            return None
        for stage, field in zip(MeasureReview.Stage.values, self.DECIDED_FIELDS, strict=True):
            if not getattr(self, field):
                return stage
        return None

    @property
    def next_stage_label(self):
        stage = self.next_stage
        return MeasureReview.Stage(stage).label if stage else ""

    @property
    def decisions(self):
        return [getattr(self, field) for field in self.DECIDED_FIELDS]

    def check_reviews(self) -> None:
        """Refuse any state that the recorded collective reviews do not justify. Runs on every save."""
        previous = getattr(self, "_loaded_status", None)
        if previous is None and self.pk is not None:
            # An instance built by hand around an existing row: judge it against the row's real state.
            previous = CoerciveMeasure.objects.filter(pk=self.pk).values_list("status", flat=True).first()
        if previous is None:
            if self.status != self.Status.PROPOSED or any(self.decisions) or self.executed_at or self.lifted_at:
                raise ValidationError(_("A coercive measure starts as a proposal: only its three collective reviews can approve it."))
            return
        if self.status not in self.TRANSITIONS[previous]:
            raise ValidationError(
                _("A measure cannot go from “%(old)s” to “%(new)s”.")
                % {"old": self.Status(previous).label, "new": self.Status(self.status).label}
            )
        reviews = {
            r.stage: r
            for r in MeasureReview.objects.filter(measure_id=self.pk).annotate(people=Count("participants", distinct=True))
        }
        last_date, last_pk, rejected = None, 0, False
        for stage, field in zip(MeasureReview.Stage.values, self.DECIDED_FIELDS, strict=True):
            review = reviews.get(stage)
            decision = getattr(self, field)
            label = MeasureReview.Stage(stage).label
            if review is None:
                if decision:
                    raise ValidationError(_("No collective review of the %(stage)s is recorded.") % {"stage": label})
                continue
            if rejected:
                raise ValidationError(_("A review was recorded after the measure had been rejected."))
            if decision != review.decision:
                raise ValidationError(_("The decision does not match the collective review of the %(stage)s.") % {"stage": label})
            if review.people < MeasureReview.MIN_PARTICIPANTS:
                raise ValidationError(
                    _("The collective review of the %(stage)s has fewer than %(n)d participants.")
                    % {"stage": label, "n": MeasureReview.MIN_PARTICIPANTS}
                )
            if (last_date and review.held_on < last_date) or review.pk < last_pk:
                raise ValidationError(_("The collective reviews were not held in order."))
            last_date, last_pk = review.held_on, review.pk
            rejected = review.decision == MeasureReview.Decision.REJECT
        approved = self.decisions == [self.Decision.APPROVE] * 3
        if self.status in (self.Status.APPROVED, self.Status.EXECUTED, self.Status.LIFTED) and not approved:
            raise ValidationError(
                _("Only a measure approved by the handling unit, the legal team and the bureau leadership, in that order, can be approved or executed.")
            )
        if self.status == self.Status.REJECTED and not rejected:
            raise ValidationError(_("Only a collective review can reject a measure."))
        if self.status == self.Status.PROPOSED and (approved or rejected):
            raise ValidationError(_("The reviews have decided this measure; its status must say so."))

    def clean(self):
        if self.case_id and self.pk is None and self.case.status not in (Case.Status.RECEIVED, Case.Status.FILED, Case.Status.SOLVED):
            raise ValidationError(_("Measures are proposed only on open cases."))
        if self.proposed_on and self.proposed_on > timezone.localdate():
            raise ValidationError({"proposed_on": _("This date is in the future.")})
        if self.proposed_on and self.case_id and self.proposed_on < _local_date(self.case.received_at):
            raise ValidationError({"proposed_on": _("A measure cannot be proposed before the case was received.")})
        if self.status in (self.Status.EXECUTED, self.Status.LIFTED) and not self.executed_at:
            raise ValidationError({"executed_at": _("Required in this state.")})
        if self.status == self.Status.LIFTED and not self.lift_reason.strip():
            raise ValidationError({"lift_reason": _("Give the reason for lifting the measure.")})
        self.check_reviews()

    def save(self, *args, **kwargs):
        # Not only in clean(): a direct save() from code or a shell is checked just the same.
        self.check_reviews()
        super().save(*args, **kwargs)
        self._loaded_status = self.status


class MeasureReview(models.Model):
    """One collective review (集体研究) of a coercive measure: a record that is never changed afterwards."""

    MIN_PARTICIPANTS = 3

    class Stage(models.IntegerChoices):
        UNIT = 1, _("handling unit")
        LEGAL = 2, _("legal team")
        LEADERSHIP = 3, _("bureau leadership")

    Decision = CoerciveMeasure.Decision

    measure = models.ForeignKey(CoerciveMeasure, verbose_name=_("coercive measure"), on_delete=models.PROTECT, related_name="reviews")
    stage = models.PositiveSmallIntegerField(_("stage"), choices=Stage.choices)
    held_on = models.DateField(_("held on"))
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("participants"), related_name="measure_reviews")
    minutes = models.TextField(_("minutes"))
    economic_impact = models.TextField(_("impact on the enterprise's business"))
    decision = models.CharField(_("decision"), max_length=8, choices=[c for c in Decision.choices if c[0]])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["measure", "stage"]
        verbose_name = _("collective review")
        verbose_name_plural = _("collective reviews")
        constraints = [
            models.UniqueConstraint(fields=["measure", "stage"], name="review_once_per_stage"),
            models.CheckConstraint(condition=Q(stage__gte=1) & Q(stage__lte=3), name="review_stage_known"),
            models.CheckConstraint(condition=Q(decision__in=["APPROVE", "REJECT"]), name="review_has_decision"),
        ]

    def __str__(self):
        return f"{self.measure} — {self.get_stage_display()} {self.held_on}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("A collective review is a record: it cannot be changed."))
        self.check_order()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A collective review is a record: it cannot be deleted."))

    @staticmethod
    def may_record(user, measure: CoerciveMeasure, stage: int) -> bool:
        """Who records which review: the handling unit's members (or the office), the legal team, the leaders."""
        from liaison import access

        if stage == MeasureReview.Stage.UNIT:
            return access.is_office(user) or (
                access.role_of(user) in (access.TEAM, access.OFFICER) and user.unit_id == measure.case.handling_unit_id
            )
        if stage == MeasureReview.Stage.LEGAL:
            return access.is_legal(user)
        if stage == MeasureReview.Stage.LEADERSHIP:
            return access.is_leader(user)
        return False

    def check_order(self) -> None:
        measure = CoerciveMeasure.objects.select_related("case").get(pk=self.measure_id)
        if measure.status != CoerciveMeasure.Status.PROPOSED:
            raise ValidationError(_("This measure has already been decided."))
        if self.stage != measure.next_stage:
            raise ValidationError(
                _("The reviews go in order: the %(stage)s's review is due now.") % {"stage": measure.next_stage_label}
            )
        if not self.may_record(self.recorded_by, measure, self.stage):
            raise ValidationError(
                {
                    self.Stage.UNIT: _("Only members of the handling unit or the programme office record the handling unit's review."),
                    self.Stage.LEGAL: _("Only members of the legal team record the legal team's review."),
                    self.Stage.LEADERSHIP: _("Only bureau leaders record the leadership's review."),
                }[self.stage]
            )
        if self.held_on and self.held_on > timezone.localdate():
            raise ValidationError({"held_on": _("A review cannot be held in the future.")})
        if self.held_on and self.held_on < measure.proposed_on:
            raise ValidationError({"held_on": _("A review cannot be held before the measure was proposed.")})
        earlier = measure.reviews.filter(stage__lt=self.stage).order_by("-stage").first()
        if earlier and self.held_on and self.held_on < earlier.held_on:
            raise ValidationError({"held_on": _("This review cannot be held before the previous one (%(date)s).") % {"date": earlier.held_on}})

    def clean(self):
        if self.pk is None and self.measure_id and self.recorded_by_id:
            self.check_order()


# ================================================================ green channel


class GreenChannel(TrackedModel):
    """绿色通道: a recurring approval for an enterprise (e.g. the coal mine's daily explosives), by a designated officer."""

    class Frequency(models.TextChoices):
        DAILY = "DAILY", _("Every day")
        WORKDAYS = "WORKDAYS", _("Every working day")
        WEEKLY = "WEEKLY", _("Every week")

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="green_channels")
    subject = models.CharField(_("what is approved"), max_length=200)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("designated officer"), on_delete=models.PROTECT, related_name="green_channels"
    )
    started_on = models.DateField(_("from"), default=timezone.localdate)
    ended_on = models.DateField(_("until"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True)
    notes = models.TextField(_("arrangements"), blank=True, help_text=_("For example: what to do when the network is down."))

    class Meta:
        ordering = ["enterprise__name", "-started_on"]
        verbose_name = _("green channel")
        verbose_name_plural = _("green channels")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")), name="channel_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} — {self.subject}"

    def get_absolute_url(self):
        return reverse("casework:channel_detail", args=[self.pk])

    @property
    def is_active(self):
        return self.ended_on is None or self.ended_on >= timezone.localdate()

    def clean(self):
        from liaison import access

        if self.enterprise_id and self.enterprise.storage_capacity is None:
            raise ValidationError(
                {"enterprise": _("Record the enterprise's storage capacity first: every approval is checked against it.")}
            )
        if self.officer_id and access.role_of(self.officer) not in (access.OFFICER, access.TEAM):
            raise ValidationError({"officer": _("Designate a community or team officer.")})
        if self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("A green channel cannot end before it starts.")})


class ChannelApproval(models.Model):
    """One approval given through a green channel."""

    channel = models.ForeignKey(GreenChannel, verbose_name=_("green channel"), on_delete=models.PROTECT, related_name="approvals")
    date = models.DateField(_("for the day"))
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("green-channel approval")
        verbose_name_plural = _("green-channel approvals")
        constraints = [
            models.UniqueConstraint(fields=["channel", "date"], name="approval_once_per_day"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="approval_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.channel} {self.date}"

    def clean(self):
        from liaison import access

        channel = self.channel
        capacity = channel.enterprise.storage_capacity
        if self.quantity is not None:
            if self.quantity <= 0:
                raise ValidationError({"quantity": _("The quantity must be more than zero.")})
            if capacity is None or self.quantity > capacity:
                raise ValidationError(
                    {
                        "quantity": _(
                            "%(quantity)s %(unit)s is more than the store's design capacity of %(capacity)s %(unit)s: "
                            "storing it would be unlawful and unsafe. Approve at most %(capacity)s %(unit)s."
                        )
                        % {
                            "quantity": f"{self.quantity:g}",
                            "capacity": f"{capacity:g}" if capacity is not None else "—",
                            "unit": channel.enterprise.get_storage_unit_display(),
                        }
                    }
                )
        if self.date:
            if self.date < channel.started_on or (channel.ended_on and self.date > channel.ended_on):
                raise ValidationError({"date": _("The green channel is not open on that day.")})
            if self.date > timezone.localdate() + dt.timedelta(days=1):
                raise ValidationError({"date": _("Approvals are given for today or tomorrow, not further ahead.")})
        if self.pk is None and self.approver_id and not (
            access.is_office(self.approver) or self.approver_id == channel.officer_id
        ):
            raise ValidationError(_("Only the designated officer or the programme office approves through this green channel."))


# ================================================================ activities


class Activity(TrackedModel):
    """One of the programme's activities: publicity (大宣传), a campaign (大整治), a service (大服务) or escort (大护航)."""

    class Kind(models.TextChoices):
        PUBLICITY = "PUBLICITY", _("Publicity")
        CAMPAIGN = "CAMPAIGN", _("Rectification campaign")
        SERVICE = "SERVICE", _("Service")
        ESCORT = "ESCORT", _("Escort action")

    class Theme(models.TextChoices):
        CONSUMER_DAY = "0315", _("3·15 consumer rights day")
        IP_DAY = "0426", _("4·26 intellectual property day")
        ECONOMIC_CRIME_DAY = "0515", _("5·15 economic crime prevention day")
        OPEN_DAY = "OPEN_DAY", _("Police open day")
        HOLIDAY = "HOLIDAY", _("Holiday")
        OTHER = "OTHER", _("Other theme")

    class Target(models.TextChoices):
        BLOCKING = "BLOCKING", _("Blocking gates and roads")
        UTILITIES = "UTILITIES", _("Cutting water or power")
        PROVOCATION = "PROVOCATION", _("Picking quarrels and provoking trouble")
        MOBBING = "MOBBING", _("Gathering a crowd to make trouble")
        OBSTRUCTION = "OBSTRUCTION", _("Maliciously obstructing work")
        FORCED_TRADE = "FORCED_TRADE", _("Forced buying or selling")
        FORCED_LOADING = "FORCED_LOADING", _("Forced loading or unloading")
        BULLYING = "BULLYING", _("Market bullying")
        EXTORTION = "EXTORTION", _("Extortion")
        THEFT = "THEFT", _("Theft or robbery of materials")
        OTHER = "OTHER", _("Other behaviour")

    class ServiceKind(models.TextChoices):
        RESIDENCE = "RESIDENCE", _("On-site residence registration")
        ID_CARDS = "ID_CARDS", _("Identity cards in a batch")
        PERMITS = "PERMITS", _("Permits in a batch")
        CONSULTATION = "CONSULTATION", _("Legal consultation")
        OTHER = "OTHER", _("Other service")

    class EscortKind(models.TextChoices):
        PATROL = "PATROL", _("Patrols near enterprises")
        GUIDANCE = "GUIDANCE", _("Security guidance")
        CAMERAS = "CAMERAS", _("Surveillance cameras installed")
        OTHER = "OTHER", _("Other escort action")

    # Which fields belong to which kind: the others must stay empty.
    KIND_FIELDS = {
        Kind.PUBLICITY: ("theme", "audience"),
        Kind.CAMPAIGN: ("target", "hazards_found", "hazards_removed", "disputes_resolved"),
        Kind.SERVICE: ("service_kind", "people_served", "documents"),
        Kind.ESCORT: ("escort_kind", "patrols", "cameras_installed"),
    }
    KIND_CHOICE_FIELD = {Kind.PUBLICITY: "theme", Kind.CAMPAIGN: "target", Kind.SERVICE: "service_kind", Kind.ESCORT: "escort_kind"}

    kind = models.CharField(_("activity"), max_length=10, choices=Kind.choices, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"), db_index=True)
    place = models.CharField(_("place"), max_length=200)
    description = models.TextField(_("what was done"), blank=True)
    units = models.ManyToManyField(Unit, verbose_name=_("units"), related_name="activities", blank=True)
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("officers"), related_name="activities", blank=True)
    enterprises = models.ManyToManyField(Enterprise, verbose_name=_("enterprises"), related_name="activities", blank=True)
    theme = models.CharField(_("theme"), max_length=10, choices=Theme.choices, blank=True)
    audience = models.PositiveIntegerField(_("audience"), default=0)
    target = models.CharField(_("target behaviour"), max_length=16, choices=Target.choices, blank=True)
    hazards_found = models.PositiveIntegerField(_("hazards found"), default=0)
    hazards_removed = models.PositiveIntegerField(_("hazards removed"), default=0)
    disputes_resolved = models.PositiveIntegerField(_("disputes resolved"), default=0)
    service_kind = models.CharField(_("service"), max_length=14, choices=ServiceKind.choices, blank=True)
    people_served = models.PositiveIntegerField(_("people served"), default=0)
    documents = models.PositiveIntegerField(_("documents handled"), default=0)
    escort_kind = models.CharField(_("escort action"), max_length=10, choices=EscortKind.choices, blank=True)
    patrols = models.PositiveIntegerField(_("patrols"), default=0)
    cameras_installed = models.PositiveIntegerField(_("cameras installed"), default=0)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(hazards_removed__lte=F("hazards_found")), name="activity_removed_not_more_than_found"
            ),
            models.CheckConstraint(condition=Q(kind="PUBLICITY") | (Q(theme="") & Q(audience=0)), name="activity_publicity_fields"),
            models.CheckConstraint(
                condition=Q(kind="CAMPAIGN") | (Q(target="") & Q(hazards_found=0) & Q(disputes_resolved=0)),
                name="activity_campaign_fields",
            ),
            models.CheckConstraint(
                condition=Q(kind="SERVICE") | (Q(service_kind="") & Q(people_served=0) & Q(documents=0)),
                name="activity_service_fields",
            ),
            models.CheckConstraint(
                condition=Q(kind="ESCORT") | (Q(escort_kind="") & Q(patrols=0) & Q(cameras_installed=0)),
                name="activity_escort_fields",
            ),
        ]

    def __str__(self):
        return f"{self.held_on} {self.title}"

    def get_absolute_url(self):
        return reverse("casework:activity_detail", args=[self.pk])

    @property
    def figure(self) -> str:
        """The activity's headline figure, as the briefings quote it."""
        if self.kind == self.Kind.PUBLICITY:
            return _("%(n)d people reached") % {"n": self.audience}
        if self.kind == self.Kind.CAMPAIGN:
            return _("%(removed)d of %(found)d hazards removed, %(disputes)d disputes resolved") % {
                "removed": self.hazards_removed, "found": self.hazards_found, "disputes": self.disputes_resolved,
            }
        if self.kind == self.Kind.SERVICE:
            return _("%(n)d people served") % {"n": self.people_served}
        if self.cameras_installed:
            return _("%(n)d cameras installed") % {"n": self.cameras_installed}
        return _("%(n)d patrols") % {"n": self.patrols}

    @property
    def subkind_display(self) -> str:
        field = self.KIND_CHOICE_FIELD.get(self.kind)
        return getattr(self, f"get_{field}_display")() if field else ""

    def clean(self):
        errors = {}
        if self.held_on and self.held_on > timezone.localdate():
            errors["held_on"] = _("Record an activity once it has taken place.")
        own = self.KIND_FIELDS.get(self.kind, ())
        choice_field = self.KIND_CHOICE_FIELD.get(self.kind)
        if choice_field and not getattr(self, choice_field):
            errors[choice_field] = _("Required for this kind of activity.")
        for kind, fields in self.KIND_FIELDS.items():
            if kind == self.kind:
                continue
            for name in fields:
                if name not in own and getattr(self, name):
                    errors[name] = _("Recorded only for: %(kind)s.") % {"kind": self.Kind(kind).label}
        if self.hazards_removed > self.hazards_found:
            errors["hazards_removed"] = _("More hazards removed than found.")
        if errors:
            raise ValidationError(errors)


class ActivityPhoto(TrackedModel):
    """Work image material (工作影像资料) of an activity: re-encoded without EXIF, with a thumbnail."""

    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=upload_path)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=upload_path)
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("activity photo")
        verbose_name_plural = _("activity photos")

    def __str__(self):
        return self.caption or f"{self.activity} #{self.pk}"
