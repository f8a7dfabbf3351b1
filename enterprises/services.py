"""Writes on enterprises, assignments, plans, tasks and attachments: each checked, atomic and audited (django-auditlog)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Unit, User
from enterprises.models import Assignment, Attachment, Enterprise, Plan, PlanTask
from liaison import uploads, workdays

# A task longer than a working year is not a step of a plan.
MAX_TASK_WORKDAYS = 250


@transaction.atomic
def enterprise_save(*, enterprise: Enterprise, actor: User) -> Enterprise:
    if enterprise.pk is None:
        enterprise.created_by = actor
    enterprise.full_clean()
    enterprise.save()
    return enterprise


@transaction.atomic
def enterprise_close(*, enterprise: Enterprise, actor: User) -> Enterprise:
    """An enterprise that ceased business is closed, never deleted: its file stays."""
    if enterprise.status == Enterprise.Status.CLOSED:
        raise ValidationError(_("The enterprise is already closed."))
    enterprise.status = Enterprise.Status.CLOSED
    enterprise.save(update_fields=["status", "updated_at"])
    today = timezone.localdate()
    for assignment in enterprise.assignments.filter(ended_on__isnull=True):
        assignment_end(assignment=assignment, actor=actor, reason=_("Enterprise closed"), on=today)
    # Its plans end with it: no reminder of a task of an enterprise that is gone.
    for plan in enterprise.plans.exclude(status=Plan.Status.CLOSED):
        plan_close(plan=plan, actor=actor, reason=_("Enterprise closed"))
    return enterprise


@transaction.atomic
def enterprise_reopen(*, enterprise: Enterprise, actor: User) -> Enterprise:
    if enterprise.status == Enterprise.Status.ACTIVE:
        raise ValidationError(_("The enterprise is already active."))
    enterprise.status = Enterprise.Status.ACTIVE
    enterprise.save(update_fields=["status", "updated_at"])
    return enterprise


@transaction.atomic
def assignment_assign(
    *,
    enterprise: Enterprise,
    kind: str,
    actor: User,
    officer: User | None = None,
    team: Unit | None = None,
    started_on: dt.date | None = None,
) -> Assignment:
    """Assign an officer, leader or team; a new community officer replaces (ends) the current one."""
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if enterprise.status != Enterprise.Status.ACTIVE:
        raise ValidationError(_("A closed enterprise cannot be assigned."))
    started_on = started_on or timezone.localdate()
    if kind == Assignment.Kind.OFFICER:
        current = enterprise.assignments.filter(kind=Assignment.Kind.OFFICER, ended_on__isnull=True).first()
        if current is not None:
            if current.officer_id == getattr(officer, "pk", None):
                raise ValidationError(_("This officer is already the enterprise's community officer."))
            assignment_end(assignment=current, actor=actor, reason=_("Re-assigned"), on=max(started_on, current.started_on))
    assignment = Assignment(
        enterprise=enterprise, kind=kind, officer=officer, team=team, started_on=started_on, created_by=actor
    )
    assignment.full_clean()
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError:
        raise ValidationError(_("This assignment already exists.")) from None
    return assignment


@transaction.atomic
def assignment_end(*, assignment: Assignment, actor: User, reason: str = "", on: dt.date | None = None) -> Assignment:
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.ended_on is not None:
        raise ValidationError(_("This assignment has already ended."))
    assignment.ended_on = on or timezone.localdate()
    if assignment.ended_on < assignment.started_on:
        assignment.ended_on = assignment.started_on
    assignment.end_reason = reason
    assignment.full_clean()
    assignment.save(update_fields=["ended_on", "end_reason", "updated_at"])
    return assignment


# ---------------------------------------------------------------- plans (一企一策) and their tasks (节点化)


@transaction.atomic
def plan_save(*, plan: Plan, actor: User, responsible_officers=None) -> Plan:
    """Draft a new plan or edit a draft; an approved or closed plan is never rewritten."""
    if plan.pk is None:
        plan.created_by = actor
        plan.status = Plan.Status.DRAFT
    else:
        current = Plan.objects.select_for_update().get(pk=plan.pk)
        if current.status != Plan.Status.DRAFT:
            raise ValidationError(_("Only a draft can be edited; draft a new plan to change an approved one."))
    if plan.review_on and plan.review_on <= timezone.localdate():
        raise ValidationError({"review_on": _("The review date must be in the future.")})
    plan.full_clean()
    plan.save()
    if responsible_officers is not None:
        plan.responsible_officers.set(responsible_officers)
    return plan


@transaction.atomic
def plan_draft_from(*, source: Plan, actor: User) -> Plan:
    """A new draft that starts as a copy of `source` and of its unfinished tasks (the revision of a plan)."""
    today = timezone.localdate()
    plan = Plan(
        enterprise=source.enterprise, title=source.title, situation=source.situation, risks=source.risks,
        needs=source.needs, goals=source.goals, measures=source.measures,
        review_on=max(source.review_on, today + dt.timedelta(days=1)),
    )
    plan_save(plan=plan, actor=actor, responsible_officers=list(source.responsible_officers.all()))
    for task in source.tasks.filter(done_at__isnull=True).order_by("starts_on", "pk"):
        task_save(
            task=PlanTask(plan=plan, title=task.title, description=task.description, owner_id=task.owner_id,
                          starts_on=max(task.starts_on, today), workdays=task.workdays),
            actor=actor,
        )
    return plan


@transaction.atomic
def plan_approve(*, plan: Plan, actor: User, note: str = "") -> Plan:
    """A leader approves a draft; the enterprise's approved plan until now is closed and stays readable."""
    if actor.role != User.Role.LEADER:
        raise ValidationError(_("Only a bureau leader approves a plan."))
    # Lock the enterprise: two leaders approving two drafts at once are served one after the other.
    Enterprise.objects.select_for_update().get(pk=plan.enterprise_id)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != Plan.Status.DRAFT:
        raise ValidationError(_("Only a draft can be approved; this plan is %(status)s.") % {"status": plan.get_status_display()})
    if plan.enterprise.status != Enterprise.Status.ACTIVE:
        raise ValidationError(_("The enterprise is closed; its plan cannot be approved."))
    if not plan.tasks.exists():
        raise ValidationError(_("Add at least one task with its owner and deadline before approval."))
    if plan.review_on <= timezone.localdate():
        raise ValidationError(_("The review date has passed; set a new one before approval."))
    now = timezone.now()
    for previous in Plan.objects.select_for_update().filter(enterprise_id=plan.enterprise_id, status=Plan.Status.APPROVED):
        previous.status = Plan.Status.CLOSED
        previous.closed_at = now
        previous.closed_by = actor
        previous.close_reason = _("Replaced by the plan approved on %(date)s.") % {"date": timezone.localdate(now).isoformat()}
        previous.superseded_by = plan
        previous.save(update_fields=["status", "closed_at", "closed_by", "close_reason", "superseded_by", "updated_at"])
    plan.status = Plan.Status.APPROVED
    plan.approved_at = now
    plan.approved_by = actor
    plan.approval_note = note
    plan.full_clean()
    try:
        with transaction.atomic():
            plan.save(update_fields=["status", "approved_at", "approved_by", "approval_note", "updated_at"])
    except IntegrityError:
        raise ValidationError(_("Another plan of this enterprise was approved at the same moment; reload and try again.")) from None
    return plan


@transaction.atomic
def plan_close(*, plan: Plan, actor: User, reason: str) -> Plan:
    """Close a plan (an approved one that has run its course, or a draft that will not be approved)."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == Plan.Status.CLOSED:
        raise ValidationError(_("This plan is already closed."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for closing the plan."))
    plan.status = Plan.Status.CLOSED
    plan.closed_at = timezone.now()
    plan.closed_by = actor
    plan.close_reason = reason.strip()
    plan.full_clean()
    plan.save(update_fields=["status", "closed_at", "closed_by", "close_reason", "updated_at"])
    return plan


@transaction.atomic
def task_save(*, task: PlanTask, actor: User) -> PlanTask:
    """Add or change a task; its deadline is counted in working days from its start."""
    plan = Plan.objects.select_for_update().get(pk=task.plan_id)
    if plan.status == Plan.Status.CLOSED:
        raise ValidationError(_("The plan is closed; its tasks can no longer change."))
    if task.pk is None:
        task.created_by = actor
    elif PlanTask.objects.filter(pk=task.pk, done_at__isnull=False).exists():
        raise ValidationError(_("This task is done; it can no longer change."))
    if not task.workdays or task.workdays < 1:
        raise ValidationError({"workdays": _("Give at least one working day.")})
    if task.workdays > MAX_TASK_WORKDAYS:
        raise ValidationError({"workdays": _("At most %(n)d working days (about a year).") % {"n": MAX_TASK_WORKDAYS}})
    task.deadline = workdays.add_workdays(task.starts_on, task.workdays)
    task.full_clean()
    task.save()
    return task


@transaction.atomic
def task_complete(*, task: PlanTask, actor: User, note: str) -> PlanTask:
    task = PlanTask.objects.select_for_update().select_related("plan").get(pk=task.pk)
    if task.done_at is not None:
        raise ValidationError(_("This task is already done."))
    if task.plan.status != Plan.Status.APPROVED:
        raise ValidationError(_("Tasks are reported done once the plan is approved."))
    if not note.strip():
        raise ValidationError({"completion_note": _("Say what was done.")})
    task.done_at = timezone.now()
    task.done_by = actor
    task.completion_note = note.strip()
    task.full_clean()
    task.save(update_fields=["done_at", "done_by", "completion_note", "updated_at"])
    return task


# ---------------------------------------------------------------- attachments (一企一档)


@transaction.atomic
def attachment_add(
    *,
    enterprise: Enterprise,
    actor: User,
    upload,
    kind: str,
    title: str,
    document_date: dt.date | None = None,
    visit=None,
    issue=None,
) -> Attachment:
    """Store a scanned letter or document: PDF, JPEG or PNG by content, at most 10 MB, under a random name."""
    try:
        stored, file_type = uploads.clean_document(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    attachment = Attachment(
        enterprise=enterprise, kind=kind, title=title.strip(), document_date=document_date, visit=visit, issue=issue,
        file_type=Attachment.FileType.PDF if file_type == "pdf" else Attachment.FileType.IMAGE,
        size=stored.size, created_by=actor,
    )
    attachment.file.save(stored.name, stored, save=False)
    try:
        attachment.full_clean()
        attachment.save()
    except Exception:
        # Nothing half-saved: the stored file goes with the refused row.
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, actor: User, reason: str) -> Attachment:
    """Withdraw a document from the file (uploaded by mistake); the row and the audit trail stay."""
    attachment = Attachment.objects.select_for_update().get(pk=attachment.pk)
    if attachment.removed_at is not None:
        raise ValidationError(_("This document was already removed."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for removing the document."))
    attachment.removed_at = timezone.now()
    attachment.removed_by = actor
    attachment.removal_reason = reason.strip()[:200]
    attachment.save(update_fields=["removed_at", "removed_by", "removal_reason", "updated_at"])
    return attachment
