"""Writes on referrals, meetings and notices: each checked, atomic and audited (django-auditlog).

Role rules live in liaison.access (a refused role is a 403 before these are called); these functions refuse
what the state of the record does not allow, with a translated ValidationError, and change nothing then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Unit, User
from enterprises.models import Enterprise
from liaison.workdays import add_workdays
from supervision.models import Meeting, MeetingAction, Notice, Referral
from visits.models import Issue, IssueUpdate

MAX_REPLY_WORKDAYS = 60


def _next_serial(model, year: int, **filters) -> int:
    return (model.objects.filter(year=year, **filters).aggregate(m=Max("serial"))["m"] or 0) + 1


def _save_numbered(obj) -> None:
    """Save a record numbered per year; a concurrent writer taking the same number makes us take the next."""
    pk = obj.pk
    for _attempt in range(5):
        obj.serial = _next_serial(type(obj), obj.year)
        try:
            with transaction.atomic():
                obj.save()
            return
        except IntegrityError:
            obj.pk = pk
    raise ValidationError(_("Could not number the record; please try again."))


def _locked(referral: Referral) -> Referral:
    return Referral.objects.select_for_update().get(pk=referral.pk)


def _require(referral: Referral, *states: str, message: str) -> None:
    if referral.status not in states:
        raise ValidationError(message, code="state")


# ---------------------------------------------------------------- referrals


def _check_subject(*, enterprise: Enterprise | None, issue: Issue | None) -> Enterprise:
    if issue is not None:
        if enterprise is not None and enterprise.pk != issue.enterprise_id:
            raise ValidationError({"enterprise": _("The ledger item belongs to another enterprise.")})
        enterprise = issue.enterprise
    if enterprise is None:
        raise ValidationError({"enterprise": _("Name the enterprise or the ledger item the referral is about.")})
    return enterprise


@transaction.atomic
def referral_raise(
    *,
    actor: User,
    title: str,
    request: str,
    requested_of: str,
    enterprise: Enterprise | None = None,
    issue: Issue | None = None,
) -> Referral:
    """A unit writes a referral (a draft, numbered 〔year〕N号); it goes to the office when submitted."""
    if actor.unit_id is None:
        raise ValidationError(_("Your account belongs to no unit; ask the administrator."))
    enterprise = _check_subject(enterprise=enterprise, issue=issue)
    referral = Referral(
        year=timezone.localdate().year, serial=0, enterprise=enterprise, issue=issue, raised_by_unit=actor.unit,
        title=title.strip(), request=request.strip(), requested_of=requested_of.strip(), created_by=actor,
    )
    referral.full_clean(exclude=["serial"])
    _save_numbered(referral)
    return referral


@transaction.atomic
def referral_edit(*, referral: Referral, actor: User) -> Referral:
    """Save the changed fields of a draft (the form has set them on `referral`)."""
    current = _locked(referral)
    _require(current, Referral.Status.DRAFT, message=_("Only a draft can be changed."))
    referral.enterprise = _check_subject(enterprise=referral.enterprise, issue=referral.issue)
    referral.full_clean()
    referral.save()
    return referral


@transaction.atomic
def referral_submit(*, referral: Referral, actor: User) -> Referral:
    referral = _locked(referral)
    _require(referral, Referral.Status.DRAFT, message=_("This referral has already been submitted."))
    referral.status = Referral.Status.SUBMITTED
    referral.submitted_at = timezone.now()
    referral.return_reason = ""
    referral.full_clean()
    referral.save()
    return referral


@transaction.atomic
def referral_return(*, referral: Referral, actor: User, reason: str) -> Referral:
    """The office sends a submitted referral back to the raising unit (more information needed)."""
    referral = _locked(referral)
    _require(referral, Referral.Status.SUBMITTED, message=_("Only a submitted referral that is not yet reported can be sent back."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the referral is sent back.")})
    referral.status = Referral.Status.DRAFT
    referral.submitted_at = None
    referral.return_reason = reason.strip()
    referral.full_clean()
    referral.save()
    return referral


@transaction.atomic
def referral_report(
    *,
    referral: Referral,
    actor: User,
    addressee: str,
    body: str,
    sent_at: dt.datetime,
    cc: str = "",
    signer: str = "",
) -> Referral:
    """The office's written report to the city bureau: its text, and when it was sent (the document is generated)."""
    referral = _locked(referral)
    _require(referral, Referral.Status.SUBMITTED, message=_("Only a submitted referral can be reported."))
    if sent_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"reported_at": _("The report cannot have been sent in the future.")})
    if referral.submitted_at and sent_at < referral.submitted_at - dt.timedelta(days=1):
        raise ValidationError({"reported_at": _("The report cannot have been sent before the referral was submitted.")})
    if not body.strip():
        raise ValidationError({"report_body": _("Write the text of the report.")})
    referral.status = Referral.Status.REPORTED
    referral.report_addressee = addressee.strip()
    referral.report_body = body.strip()
    referral.report_cc = cc.strip()
    referral.report_signer = signer.strip()
    referral.reported_at = sent_at
    referral.reported_by = actor
    referral.full_clean()
    referral.save()
    return referral


@transaction.atomic
def referral_instruct(*, referral: Referral, actor: User, instruction: str) -> Referral:
    """A leader's instruction, recorded verbatim."""
    referral = _locked(referral)
    _require(referral, Referral.Status.REPORTED, message=_("Only a reported referral awaits an instruction."))
    if not instruction.strip():
        raise ValidationError({"instruction": _("Write the instruction.")})
    referral.status = Referral.Status.INSTRUCTED
    referral.instruction = instruction.strip()
    referral.instructed_at = timezone.now()
    referral.instructed_by = actor
    referral.full_clean()
    referral.save()
    return referral


@transaction.atomic
def referral_assign(
    *,
    referral: Referral,
    actor: User,
    unit: Unit | None,
    officer: User | None = None,
    reply_workdays: int,
) -> Referral:
    """The office routes the instructed referral to a unit or an officer; the reply is due in working days."""
    referral = _locked(referral)
    _require(referral, Referral.Status.INSTRUCTED, message=_("Only an instructed referral can be assigned."))
    if officer is not None:
        if unit is None:
            unit = officer.unit
        elif officer.unit_id != unit.pk:
            raise ValidationError({"assigned_officer": _("The officer does not belong to that unit.")})
    if unit is None:
        raise ValidationError({"assigned_unit": _("Choose the unit (or the officer) to act on it.")})
    if not 1 <= reply_workdays <= MAX_REPLY_WORKDAYS:
        raise ValidationError(
            {"reply_workdays": _("The reply is due within 1 to %(max)d working days.") % {"max": MAX_REPLY_WORKDAYS}}
        )
    now = timezone.now()
    referral.status = Referral.Status.ASSIGNED
    referral.assigned_unit = unit
    referral.assigned_officer = officer
    referral.assigned_at = now
    referral.assigned_by = actor
    referral.reply_workdays = reply_workdays
    referral.reply_deadline = add_workdays(timezone.localdate(now), reply_workdays)
    referral.full_clean()
    referral.save()
    return referral


@transaction.atomic
def referral_reply(*, referral: Referral, actor: User, reply: str) -> Referral:
    """The assigned unit's reply: closes the referral and goes on the originating ledger item's timeline."""
    referral = _locked(referral)
    _require(referral, Referral.Status.ASSIGNED, message=_("Only an assigned referral can be replied to."))
    reply = reply.strip()
    if not reply:
        raise ValidationError({"reply": _("Write the reply.")})
    referral.status = Referral.Status.DONE
    referral.reply = reply
    referral.replied_at = timezone.now()
    referral.replied_by = actor
    if referral.issue_id is not None:
        issue = Issue.objects.select_for_update().get(pk=referral.issue_id)
        update = IssueUpdate(issue=issue, actor=actor, from_status=issue.status, to_status=issue.status, text=reply)
        update.full_clean()
        update.save()
        referral.issue_update = update
    referral.full_clean()
    referral.save()
    return referral


# ---------------------------------------------------------------- meetings


@transaction.atomic
def meeting_save(*, meeting: Meeting, actor: User, attendees: Iterable[User] | None = None) -> Meeting:
    """Record (or correct) a progress meeting; it is numbered per year of the date it was held."""
    if meeting.held_at is None:
        raise ValidationError({"held_at": _("Give the date and time of the meeting.")})
    year = timezone.localtime(meeting.held_at).year
    if meeting.pk is None:
        meeting.created_by = actor
        meeting.year = year
        meeting.full_clean(exclude=["serial"])
        _save_numbered(meeting)
    else:
        previous = Meeting.objects.select_for_update().get(pk=meeting.pk)
        first_deadline = meeting.actions.order_by("deadline").values_list("deadline", flat=True).first()
        if first_deadline is not None and first_deadline < timezone.localtime(meeting.held_at).date():
            raise ValidationError({"held_at": _("Some of this meeting's decisions are due before that date.")})
        if previous.year != year:
            meeting.year = year
            meeting.full_clean(exclude=["serial"])
            _save_numbered(meeting)
        else:
            meeting.full_clean()
            meeting.save()
    if attendees is not None:
        meeting.attendees.set(attendees)
    return meeting


def _check_action(action: MeetingAction) -> None:
    if action.deadline and action.meeting_id and action.deadline < timezone.localtime(action.meeting.held_at).date():
        raise ValidationError({"deadline": _("The deadline cannot be before the meeting.")})
    if action.owner_id and action.owner_unit_id and action.owner.unit_id != action.owner_unit_id:
        raise ValidationError({"owner": _("The officer does not belong to the responsible unit.")})


@transaction.atomic
def meetingaction_save(*, action: MeetingAction, actor: User) -> MeetingAction:
    """Record a decision of a meeting (or correct one that is still open)."""
    if action.owner_id and not action.owner_unit_id:
        action.owner_unit = action.owner.unit
    if action.pk is None:
        meeting = Meeting.objects.select_for_update().get(pk=action.meeting_id)
        action.meeting = meeting
        action.created_by = actor
        action.position = (meeting.actions.aggregate(m=Max("position"))["m"] or 0) + 1
    else:
        previous = MeetingAction.objects.select_for_update().get(pk=action.pk)
        if previous.status != MeetingAction.Status.OPEN:
            raise ValidationError(_("A decision that is done or cancelled can no longer be changed."))
    _check_action(action)
    action.full_clean()
    action.save()
    return action


def _close_action(*, action: MeetingAction, actor: User, result: str, status: str, missing: str) -> MeetingAction:
    """Done and cancelled close a decision the same way: open only, with the result in words."""
    action = MeetingAction.objects.select_for_update().get(pk=action.pk)
    if action.status != MeetingAction.Status.OPEN:
        raise ValidationError(_("This decision is no longer open."), code="state")
    if not result.strip():
        raise ValidationError({"result": missing})
    action.status = status
    action.result = result.strip()
    action.closed_at = timezone.now()
    action.closed_by = actor
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def meetingaction_done(*, action: MeetingAction, actor: User, result: str) -> MeetingAction:
    return _close_action(
        action=action, actor=actor, result=result, status=MeetingAction.Status.DONE, missing=_("Say what was done.")
    )


@transaction.atomic
def meetingaction_cancel(*, action: MeetingAction, actor: User, result: str) -> MeetingAction:
    return _close_action(
        action=action, actor=actor, result=result, status=MeetingAction.Status.CANCELLED,
        missing=_("Say why the decision is cancelled."),
    )


# ---------------------------------------------------------------- notices


@transaction.atomic
def notice_save(
    *,
    notice: Notice,
    actor: User,
    issues: Iterable[Issue] = (),
    meetings: Iterable[Meeting] = (),
) -> Notice:
    """Issue (or correct) a commendation or criticism; the issuer is the leader who issues it."""
    if notice.officer_id and not notice.unit_id:
        notice.unit = notice.officer.unit
    if notice.officer_id and notice.unit_id and notice.officer.unit_id != notice.unit_id:
        raise ValidationError({"officer": _("The officer does not belong to that unit.")})
    if notice.issued_on and notice.issued_on > timezone.localdate():
        raise ValidationError({"issued_on": _("A notice cannot be dated in the future.")})
    if notice.pk is None:
        notice.created_by = actor
        notice.issuer = actor
    notice.full_clean()
    notice.save()
    notice.issues.set(issues)
    notice.meetings.set(meetings)
    return notice
