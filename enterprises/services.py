"""Writes on enterprises and assignments: each checked, atomic and audited (django-auditlog)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Unit, User
from enterprises.models import Assignment, Enterprise


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
