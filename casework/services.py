"""Every write in casework: checked, atomic and audited (django-auditlog records each save).

A refused transition raises ValidationError with a translated message. The triple collective review is
enforced here (order, roles, participants) and again by the models and the database, so that no path —
view, admin, shell or a script — can approve or execute a measure that three reviews have not approved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Unit, User
from casework.models import Activity, ActivityPhoto, Case, ChannelApproval, CoerciveMeasure, GreenChannel, MeasureReview
from liaison import access
from liaison.uploads import clean_image


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise ValidationError(message)


def _now_or(value: dt.datetime | None) -> dt.datetime:
    return value or timezone.now()


# ================================================================ cases


@transaction.atomic
def case_save(*, case: Case, actor: User) -> Case:
    """Register a new case (numbered per year of receipt) or save the edited details of one."""
    if case.pk is None:
        _require(access.can(actor, "casework.add_case"), _("You may not register cases."))
        case.status = Case.Status.RECEIVED
        case.created_by = actor
        case.year = timezone.localtime(case.received_at).year
        for _attempt in range(5):
            case.serial = (Case.objects.filter(year=case.year).aggregate(m=Max("serial"))["m"] or 0) + 1
            case.full_clean()
            try:
                with transaction.atomic():
                    case.save()
                return case
            except IntegrityError:
                case.pk = None
                continue
        raise ValidationError(_("The case number could not be allocated; please try again."))
    stored = Case.objects.select_for_update().get(pk=case.pk)
    # Judged on the case as it is stored: the handling unit may hand it on to another unit, not take it over.
    _require(access.can(actor, "casework.manage_case", stored), _("Only the handling unit or the programme office edits this case."))
    # The state and its times move only through the transitions below.
    for field in ("status", "year", "serial", "filed_at", "solved_at", "closed_at", "transferred_at", "transferred_to", "party_notified_on"):
        setattr(case, field, getattr(stored, field))
    if stored.status != Case.Status.RECEIVED and case.received_at != stored.received_at:
        case.received_at = stored.received_at
    case.full_clean()
    case.save()
    return case


def _locked_case(case: Case, actor: User) -> Case:
    case = Case.objects.select_for_update().select_related("handling_unit").get(pk=case.pk)
    _require(access.can(actor, "casework.manage_case", case), _("Only the handling unit or the programme office moves this case along."))
    return case


@transaction.atomic
def case_file(*, case: Case, actor: User, filed_at: dt.datetime | None = None) -> Case:
    """受理 → 立案."""
    case = _locked_case(case, actor)
    if case.status != Case.Status.RECEIVED:
        raise ValidationError(_("Only a received case can be filed."))
    case.status = Case.Status.FILED
    case.filed_at = _now_or(filed_at)
    case.full_clean()
    case.save()
    return case


@transaction.atomic
def case_solve(
    *,
    case: Case,
    actor: User,
    solved_at: dt.datetime | None = None,
    criminal_detentions: int | None = None,
    administrative_detentions: int | None = None,
) -> Case:
    """立案 → 破案 (or, for an administrative case, 查处), with the detentions made."""
    case = _locked_case(case, actor)
    if case.status != Case.Status.FILED:
        raise ValidationError(_("Only a filed case can be solved."))
    case.status = Case.Status.SOLVED
    case.solved_at = _now_or(solved_at)
    if criminal_detentions is not None:
        case.criminal_detentions = criminal_detentions
    if administrative_detentions is not None:
        case.administrative_detentions = administrative_detentions
    case.full_clean()
    case.save()
    return case


@transaction.atomic
def case_close(*, case: Case, actor: User, closed_at: dt.datetime | None = None) -> Case:
    case = _locked_case(case, actor)
    if case.status != Case.Status.SOLVED:
        raise ValidationError(_("Only a solved case can be closed."))
    case.status = Case.Status.CLOSED
    case.closed_at = _now_or(closed_at)
    case.full_clean()
    case.save()
    return case


@transaction.atomic
def case_transfer(
    *,
    case: Case,
    actor: User,
    receiving_authority: str,
    party_notified_on: dt.date,
    transferred_at: dt.datetime | None = None,
) -> Case:
    """受理 → 移送: not ours to handle; sent to the authority that is, and the party told so."""
    case = _locked_case(case, actor)
    if case.status != Case.Status.RECEIVED:
        raise ValidationError(_("Only a received case that has not been filed can be transferred."))
    if not (receiving_authority or "").strip():
        raise ValidationError({"receiving_authority": _("Name the authority the case is transferred to.")})
    case.status = Case.Status.TRANSFERRED
    case.transferred_to = receiving_authority.strip()
    case.transferred_at = _now_or(transferred_at)
    case.party_notified_on = party_notified_on
    case.full_clean()
    case.save()
    return case


# ================================================================ coercive measures


@transaction.atomic
def measure_propose(
    *,
    case: Case,
    actor: User,
    kind: str,
    target: str,
    grounds: str,
    amount: Decimal | None = None,
    proposed_on: dt.date | None = None,
) -> CoerciveMeasure:
    case = Case.objects.select_for_update().get(pk=case.pk)
    _require(
        access.can(actor, "casework.propose_measure", case),
        _("Only the handling unit or the programme office proposes coercive measures on this case."),
    )
    measure = CoerciveMeasure(
        case=case, kind=kind, target=target, grounds=grounds, amount=amount,
        proposed_on=proposed_on or timezone.localdate(), created_by=actor,
    )
    measure.full_clean()
    measure.save()
    return measure


@transaction.atomic
def measure_review(
    *,
    measure: CoerciveMeasure,
    actor: User,
    stage: int,
    held_on: dt.date,
    participants: Iterable[User],
    minutes: str,
    economic_impact: str,
    decision: str,
) -> MeasureReview:
    """Record one collective review. Stages go in order; each is recorded only by those who hold it."""
    measure = CoerciveMeasure.objects.select_for_update().select_related("case").get(pk=measure.pk)
    if measure.status != CoerciveMeasure.Status.PROPOSED:
        raise ValidationError(_("This measure has already been decided."))
    if stage != measure.next_stage:
        raise ValidationError(
            _("The reviews go in order: the %(stage)s's review is due now.") % {"stage": measure.next_stage_label}
        )
    people = {user.pk: user for user in participants}
    if len(people) < MeasureReview.MIN_PARTICIPANTS:
        raise ValidationError(
            {"participants": _("A collective review needs at least %(n)d participants.") % {"n": MeasureReview.MIN_PARTICIPANTS}}
        )
    if not (minutes or "").strip():
        raise ValidationError({"minutes": _("Record the minutes of the review.")})
    if not (economic_impact or "").strip():
        raise ValidationError({"economic_impact": _("Note the measure's impact on the enterprise's business.")})
    if decision not in (MeasureReview.Decision.APPROVE, MeasureReview.Decision.REJECT):
        raise ValidationError({"decision": _("Choose the decision.")})
    review = MeasureReview(
        measure=measure, stage=stage, held_on=held_on, minutes=minutes.strip(), economic_impact=economic_impact.strip(),
        decision=decision, recorded_by=actor,
    )
    review.full_clean()  # order, role and dates: MeasureReview.check_order
    review.save()
    review.participants.set(people.values())
    setattr(measure, CoerciveMeasure.DECIDED_FIELDS[stage - 1], decision)
    if decision == MeasureReview.Decision.REJECT:
        measure.status = CoerciveMeasure.Status.REJECTED
    elif stage == MeasureReview.Stage.LEADERSHIP:
        measure.status = CoerciveMeasure.Status.APPROVED
    measure.full_clean()
    measure.save()
    return review


@transaction.atomic
def measure_execute(
    *, measure: CoerciveMeasure, actor: User, executed_at: dt.datetime | None = None, note: str = ""
) -> CoerciveMeasure:
    """Only a measure the three collective reviews approved is executed."""
    measure = CoerciveMeasure.objects.select_for_update().select_related("case").get(pk=measure.pk)
    _require(
        access.can(actor, "casework.execute_measure", measure),
        _("Only the handling unit or the programme office executes this measure."),
    )
    if measure.status != CoerciveMeasure.Status.APPROVED:
        raise ValidationError(
            _("Only a measure approved by all three collective reviews can be executed; this one is: %(status)s.")
            % {"status": measure.get_status_display()}
        )
    executed_at = _now_or(executed_at)
    last_review = measure.reviews.order_by("-stage").first()
    if executed_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"executed_at": _("This time is in the future.")})
    if timezone.localtime(executed_at).date() < last_review.held_on:
        raise ValidationError({"executed_at": _("A measure cannot be executed before the leadership approved it.")})
    measure.status = CoerciveMeasure.Status.EXECUTED
    measure.executed_at = executed_at
    measure.executed_by = actor
    measure.execution_note = (note or "").strip()
    measure.full_clean()
    measure.save()
    return measure


@transaction.atomic
def measure_lift(*, measure: CoerciveMeasure, actor: User, reason: str, lifted_at: dt.datetime | None = None) -> CoerciveMeasure:
    measure = CoerciveMeasure.objects.select_for_update().select_related("case").get(pk=measure.pk)
    _require(
        access.can(actor, "casework.execute_measure", measure),
        _("Only the handling unit or the programme office lifts this measure."),
    )
    if measure.status != CoerciveMeasure.Status.EXECUTED:
        raise ValidationError(_("Only an executed measure can be lifted."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for lifting the measure.")})
    lifted_at = _now_or(lifted_at)
    if lifted_at < measure.executed_at:
        raise ValidationError({"lifted_at": _("A measure cannot be lifted before it was executed.")})
    measure.status = CoerciveMeasure.Status.LIFTED
    measure.lifted_at = lifted_at
    measure.lifted_by = actor
    measure.lift_reason = reason.strip()
    measure.full_clean()
    measure.save()
    return measure


# ================================================================ green channel


@transaction.atomic
def channel_save(*, channel: GreenChannel, actor: User) -> GreenChannel:
    _require(access.can(actor, "casework.manage_channel", channel), _("Only the programme office opens and changes green channels."))
    if channel.pk is None:
        channel.created_by = actor
    channel.full_clean()
    channel.save()
    return channel


@transaction.atomic
def channel_close(*, channel: GreenChannel, actor: User, reason: str = "", on: dt.date | None = None) -> GreenChannel:
    channel = GreenChannel.objects.select_for_update().get(pk=channel.pk)
    _require(access.can(actor, "casework.manage_channel", channel), _("Only the programme office closes green channels."))
    if channel.ended_on is not None and channel.ended_on < timezone.localdate():
        raise ValidationError(_("This green channel is already closed."))
    channel.ended_on = max(on or timezone.localdate(), channel.started_on)
    channel.end_reason = (reason or "").strip()
    channel.full_clean()
    channel.save()
    return channel


@transaction.atomic
def channel_approve(
    *, channel: GreenChannel, actor: User, date: dt.date, quantity: Decimal, note: str = ""
) -> ChannelApproval:
    """One approval: by the designated officer (or the office), never above the store's capacity."""
    channel = GreenChannel.objects.select_for_update().select_related("enterprise").get(pk=channel.pk)
    _require(
        access.can(actor, "casework.approve_channel", channel),
        _("Only the designated officer or the programme office approves through this green channel."),
    )
    approval = ChannelApproval(channel=channel, date=date, quantity=quantity, approver=actor, note=(note or "").strip())
    duplicate = ValidationError({"date": _("An approval for %(date)s is already recorded.") % {"date": date.isoformat()}})
    if date and channel.approvals.filter(date=date).exists():
        raise duplicate
    approval.full_clean()
    try:
        with transaction.atomic():
            approval.save()
    except IntegrityError:
        raise duplicate from None
    return approval


# ================================================================ activities


@transaction.atomic
def activity_save(
    *,
    activity: Activity,
    actor: User,
    units: Iterable[Unit] = (),
    officers: Iterable[User] = (),
    enterprises: Iterable = (),
    photos: Iterable = (),
) -> Activity:
    creating = activity.pk is None
    _require(
        access.can(actor, "casework.add_activity") if creating else access.can(actor, "casework.edit_activity", activity),
        _("You may not record or change this activity."),
    )
    if creating:
        activity.created_by = actor
    activity.full_clean()
    activity.save()
    activity.units.set(units)
    activity.officers.set(officers)
    activity.enterprises.set(enterprises)
    activity_add_photos(activity=activity, actor=actor, photos=photos, check=False)
    return activity


@transaction.atomic
def activity_add_photos(*, activity: Activity, actor: User, photos: Iterable, caption: str = "", check: bool = True) -> list[ActivityPhoto]:
    if check:
        _require(access.can(actor, "casework.edit_activity", activity), _("You may not add photos to this activity."))
    saved = []
    for upload in photos:
        image, thumbnail = clean_image(upload)
        photo = ActivityPhoto(activity=activity, caption=(caption or "").strip()[:200], created_by=actor)
        photo.image.save(image.name, image, save=False)
        photo.thumbnail.save(thumbnail.name, thumbnail, save=False)
        photo.full_clean()
        photo.save()
        saved.append(photo)
    return saved
