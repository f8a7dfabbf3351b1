"""Writes on visits and the ledger: each a keyword-only function, atomic, checked and audited.

Every ledger transition takes the version of the item the actor saw (`expected_version`); a stale version
means someone else changed the item meanwhile, and the transition is refused with a message instead of
overwriting their change (optimistic locking). Every transition and note leaves an IssueUpdate on the item's
timeline; django-auditlog records the field changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Unit, User
from enterprises.models import Enterprise
from liaison import access
from liaison.models import Notification
from visits import deadlines
from visits.models import Issue, IssuePhoto, IssueRequest, IssueUpdate, Visit, VisitPhoto

S = Issue.Status
MAX_PHOTOS = 12
FUTURE_TOLERANCE = dt.timedelta(minutes=10)

# The states each transition starts from (DESIGN.md, "State machines").
WORKING = (S.ACCEPTED, S.IN_PROGRESS)
ALLOWED_FROM: dict[str, tuple[str, ...]] = {
    "assign": (S.REGISTERED, S.RETURNED, S.ASSIGNED),
    "accept": (S.ASSIGNED,),
    "progress": WORKING,
    "resolve": WORKING,
    "return": (S.ASSIGNED,),
    "transfer": Issue.OPEN_STATES,
    "unable_request": (S.ASSIGNED, S.ACCEPTED, S.IN_PROGRESS),
    "unable": Issue.OPEN_STATES,
    "unable_refuse": Issue.OPEN_STATES,
    "extension_request": WORKING,
    "extension_approve": WORKING,
    "extension_refuse": Issue.OPEN_STATES,
    "close": (S.RESOLVED,),
    "reject": (S.RESOLVED,),
    "reopen": (S.CLOSED,),
    "supervise": Issue.OPEN_STATES,
    "satisfaction": (S.CLOSED,),
    "comment": tuple(S.values),
}


@dataclass(frozen=True)
class Photo:
    """An uploaded photo already checked and re-encoded by liaison.uploads.clean_image."""

    image: ContentFile
    thumbnail: ContentFile
    caption: str = ""


@dataclass(frozen=True)
class Problem:
    """A problem raised on a visit: it becomes a ledger item in the same transaction."""

    category: str
    description: str
    take_on: bool = False


# ---------------------------------------------------------------- helpers


def _require(actor: User, action: str, issue: Issue | None = None) -> None:
    if not access.can(actor, action, issue):
        raise PermissionDenied(_("You may not do this."))


def _in_scope(actor: User, issue: Issue) -> None:
    if not access.issues(actor).filter(pk=issue.pk).exists():
        raise PermissionDenied(_("This ledger item is outside your scope."))


def _conflict() -> ValidationError:
    return ValidationError(
        _("Someone else changed this ledger item while you were looking at it. Nothing was saved: "
          "the page now shows the current state; check it and try again."),
        code="conflict",
    )


def _lock(issue: Issue, expected_version: int | None) -> Issue:
    """The current row, locked for this transaction; refused when it changed since the actor saw it."""
    fresh = (
        Issue.objects.select_for_update(of=("self",))
        .select_related("enterprise", "responsible_unit", "owner")
        .get(pk=issue.pk)
    )
    if expected_version is not None and fresh.version != expected_version:
        raise _conflict()
    return fresh


def _check_state(issue: Issue, action: str) -> None:
    if issue.status not in ALLOWED_FROM[action]:
        raise ValidationError(
            _("Ledger item %(number)s is “%(status)s”: this cannot be done now.")
            % {"number": issue.number, "status": issue.get_status_display()},
            code="state",
        )


def _start(issue: Issue, actor: User, action: str, expected_version: int | None) -> Issue:
    """Common checks of a transition: scope, permission, version, state. Returns the locked current row.

    The permission is checked on the current row (it may depend on the owner and unit), and before the version:
    someone who may not act is refused as such, whatever they saw.
    """
    _in_scope(actor, issue)
    fresh = _lock(issue, None)
    _require(actor, f"visits.issue_{action}", fresh)
    if expected_version is not None and fresh.version != expected_version:
        raise _conflict()
    _check_state(fresh, action)
    return fresh


def _save(issue: Issue) -> None:
    """Write the item, bumping its version; a concurrent writer who got there first makes this fail."""
    updated = Issue.objects.filter(pk=issue.pk, version=issue.version).update(version=F("version") + 1)
    if not updated:
        raise _conflict()
    issue.version += 1
    issue.full_clean()
    issue.save()


def _record(issue: Issue, *, actor: User, from_status: str = "", to_status: str = "", text: str = "",
            partly_fixed: bool = False, supervision_note: bool = False,
            photos: Sequence[Photo] = ()) -> IssueUpdate:
    update = IssueUpdate(
        issue=issue, actor=actor, from_status=from_status, to_status=to_status, text=text,
        partly_fixed=partly_fixed, is_supervision_note=supervision_note,
    )
    update.full_clean()
    update.save()
    for photo in photos:
        IssuePhoto.objects.create(
            issue=issue, update=update, image=photo.image, thumbnail=photo.thumbnail, caption=photo.caption[:200],
            created_by=actor,
        )
    return update


def _required_text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(message, code="required")
    return value


def _check_photos(photos: Sequence[Photo]) -> None:
    if len(photos) > MAX_PHOTOS:
        raise ValidationError(_("At most %(n)d photos at a time.") % {"n": MAX_PHOTOS}, code="too_many")


def notify(recipients: Iterable[User], *, text: str, url: str, key: str, kind: str = Notification.Kind.OTHER) -> None:
    """An in-app notification (the bell) for each recipient, once per key."""
    for user in {u for u in recipients if u is not None and u.is_active}:
        try:
            with transaction.atomic():
                Notification.objects.create(recipient=user, kind=kind, text=text[:300], url=url, key=key[:150])
        except IntegrityError:
            continue


def handlers_of(issue: Issue) -> list[User]:
    """Who works the item: its owner, or else the active members of its responsible unit."""
    if issue.owner_id:
        return [issue.owner]
    if issue.responsible_unit_id:
        return list(User.objects.filter(unit_id=issue.responsible_unit_id, is_active=True, role__in=access.PROGRAMME_ROLES))
    return []


def office_users() -> list[User]:
    return list(User.objects.filter(role=User.Role.COORDINATOR, is_active=True))


def _notify_event(issue: Issue, update: IssueUpdate, recipients: Iterable[User], text: str) -> None:
    notify(
        [u for u in recipients if u.pk != update.actor_id],
        text=f"{issue.number} {issue.enterprise.name}: {text}",
        url=issue.get_absolute_url(),
        key=f"issue-event:{update.pk}",
    )


def _settle_requests(issue: Issue, actor: User, note: str) -> None:
    """Pending requests lapse when the item is settled another way."""
    IssueRequest.objects.filter(issue=issue, status=IssueRequest.Status.PENDING).update(
        status=IssueRequest.Status.REFUSED, decided_by=actor, decided_at=timezone.now(), decision_note=note
    )


def _next_serial(year: int) -> int:
    return (Issue.objects.filter(year=year).aggregate(m=Max("serial"))["m"] or 0) + 1


# ---------------------------------------------------------------- visits


def refresh_last_visit(enterprise: Enterprise) -> None:
    """Enterprise.last_visit_at: the latest on-site visit (calls and meetings are contacts, not visits)."""
    latest = (
        Visit.objects.filter(enterprise_id=enterprise.pk, channel=Visit.Channel.ON_SITE)
        .aggregate(m=Max("visited_at"))["m"]
    )
    # A derived value: written without an audit entry of its own (the visit's entry records the change).
    Enterprise.objects.filter(pk=enterprise.pk).update(last_visit_at=latest)
    enterprise.last_visit_at = latest


def _check_visit(visit: Visit) -> None:
    if visit.visited_at and visit.visited_at > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError({"visited_at": _("The time of the visit cannot be in the future.")})


@transaction.atomic
def visit_record(
    *,
    actor: User,
    enterprise: Enterprise,
    visited_at: dt.datetime,
    channel: str = Visit.Channel.ON_SITE,
    officers: Iterable[User] = (),
    received_by: str = "",
    received_by_position: str = "",
    observations: str = "",
    opinions: str = "",
    letter_delivered: bool = False,
    commitment_signed: bool = False,
    legal_consultation: bool = False,
    security_guidance: bool = False,
    registration_service: bool = False,
    people_served: int = 0,
    photos: Sequence[Photo] = (),
    problems: Sequence[Problem] = (),
) -> Visit:
    """Record a visit with its photos; every problem raised becomes a ledger item in the same transaction."""
    _require(actor, "visits.add")
    if not access.enterprises(actor).filter(pk=enterprise.pk).exists():
        raise PermissionDenied(_("This enterprise is outside your scope."))
    if enterprise.status != Enterprise.Status.ACTIVE:
        raise ValidationError({"enterprise": _("The enterprise is closed: no visit can be recorded.")})
    _check_photos(photos)
    visit = Visit(
        enterprise=enterprise, author=actor, created_by=actor, visited_at=visited_at, channel=channel,
        received_by=received_by, received_by_position=received_by_position, observations=observations,
        opinions=opinions, letter_delivered=letter_delivered, commitment_signed=commitment_signed,
        legal_consultation=legal_consultation, security_guidance=security_guidance,
        registration_service=registration_service, people_served=people_served or 0,
    )
    _check_visit(visit)
    visit.full_clean()
    visit.save()
    visit.officers.set({actor, *officers})
    for photo in photos:
        VisitPhoto.objects.create(
            visit=visit, image=photo.image, thumbnail=photo.thumbnail, caption=photo.caption[:200], created_by=actor
        )
    for problem in problems:
        issue_register(
            actor=actor, enterprise=enterprise, category=problem.category, description=problem.description,
            visit=visit, take_on=problem.take_on,
        )
    refresh_last_visit(enterprise)
    return visit


VISIT_EDITABLE = (
    "visited_at", "channel", "received_by", "received_by_position", "observations", "opinions", "letter_delivered",
    "commitment_signed", "legal_consultation", "security_guidance", "registration_service", "people_served",
)


@transaction.atomic
def visit_update(
    *, visit: Visit, actor: User, changes: dict, officers: Iterable[User] | None = None, photos: Sequence[Photo] = ()
) -> Visit:
    """Correct a visit record: its author within 24 hours, the office at any time (audited)."""
    if not access.visits(actor).filter(pk=visit.pk).exists():
        raise PermissionDenied(_("This visit is outside your scope."))
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    _require(actor, "visits.edit", visit)
    unknown = set(changes) - set(VISIT_EDITABLE)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    _check_photos(photos)
    for name, value in changes.items():
        setattr(visit, name, value)
    _check_visit(visit)
    visit.full_clean()
    visit.save()
    if officers is not None:
        visit.officers.set({visit.author, *officers})
    for photo in photos:
        VisitPhoto.objects.create(
            visit=visit, image=photo.image, thumbnail=photo.thumbnail, caption=photo.caption[:200], created_by=actor
        )
    refresh_last_visit(visit.enterprise)
    return visit


# ---------------------------------------------------------------- registering ledger items


@transaction.atomic
def issue_register(
    *,
    actor: User,
    enterprise: Enterprise,
    category: str,
    description: str,
    visit: Visit | None = None,
    take_on: bool = False,
) -> Issue:
    """A new ledger item, numbered in the year of registration (2026-0001 …).

    With `take_on`, an officer who raised the problem answers for it at once: their unit becomes the
    responsible unit, they the owner, and the deadline clock starts (能在一线办的事决不拖到办公室).
    """
    _require(actor, "visits.issue_add")
    if not access.enterprises(actor).filter(pk=enterprise.pk).exists():
        raise PermissionDenied(_("This enterprise is outside your scope."))
    if take_on:
        _require(actor, "visits.issue_take_on")
    description = _required_text(description, _("Describe the problem."))
    year = timezone.localdate().year
    issue = None
    for _attempt in range(5):
        issue = Issue(
            year=year, serial=_next_serial(year), enterprise=enterprise, visit=visit, category=category,
            description=description, created_by=actor,
        )
        issue.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                issue.save()
            break
        except IntegrityError:
            # Someone took the same number at the same moment: take the next one.
            issue = None
    if issue is None:
        raise ValidationError(_("The ledger is busy; please try again."))
    _record(issue, actor=actor, to_status=S.REGISTERED, text=description)
    if take_on:
        now = timezone.now()
        issue.responsible_unit = actor.unit
        issue.owner = actor
        issue.status = S.ACCEPTED
        issue.assigned_at = issue.accepted_at = now
        issue.time_limit_days = deadlines.default_limit(category)
        issue.deadline = deadlines.deadline_from(timezone.localdate(), issue.time_limit_days)
        _save(issue)
        _record(issue, actor=actor, from_status=S.REGISTERED, to_status=S.ACCEPTED,
                text=_("Taken on by the officer who raised it."))
    return issue


# ---------------------------------------------------------------- the office assigns; the unit accepts or returns


def _check_assignee(responsible_unit: Unit, owner: User | None) -> None:
    if responsible_unit is None or not responsible_unit.is_active:
        raise ValidationError({"responsible_unit": _("Choose an active responsible unit.")})
    if owner is not None:
        if not owner.is_active or owner.role not in access.PROGRAMME_ROLES:
            raise ValidationError({"owner": _("The owner must be an active officer.")})
        if owner.unit_id != responsible_unit.pk:
            raise ValidationError({"owner": _("The owner must belong to the responsible unit.")})


def _check_limit(days: int | None) -> None:
    if days is not None and not 1 <= days <= deadlines.MAX_LIMIT:
        raise ValidationError(
            {"time_limit_days": _("The time limit is 1 to %(max)d working days.") % {"max": deadlines.MAX_LIMIT}}
        )


@transaction.atomic
def issue_assign(
    *,
    issue: Issue,
    actor: User,
    responsible_unit: Unit,
    owner: User | None = None,
    time_limit_days: int | None = None,
    measures: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> Issue:
    """交办: the office gives the item to a unit (and an owner) with a time limit in working days."""
    issue = _start(issue, actor, "assign", expected_version)
    _check_assignee(responsible_unit, owner)
    _check_limit(time_limit_days)
    from_status = issue.status
    issue.responsible_unit = responsible_unit
    issue.owner = owner
    issue.time_limit_days = time_limit_days or deadlines.default_limit(issue.category)
    if measures.strip():
        issue.measures = measures.strip()
    issue.status = S.ASSIGNED
    issue.assigned_at = timezone.now()
    issue.accepted_at = None
    issue.deadline = None
    issue.reason = ""
    _save(issue)
    text = _("Assigned to %(unit)s%(owner)s, time limit %(days)d working days from acceptance.") % {
        "unit": responsible_unit.name,
        "owner": f" / {owner.name}" if owner else "",
        "days": issue.time_limit_days,
    }
    if note.strip():
        text = f"{text}\n{note.strip()}"
    update = _record(issue, actor=actor, from_status=from_status, to_status=S.ASSIGNED, text=text)
    _notify_event(issue, update, handlers_of(issue), _("assigned to you; please accept it."))
    return issue


@transaction.atomic
def issue_bulk_assign(
    *,
    issues: Iterable[Issue],
    actor: User,
    responsible_unit: Unit,
    owner: User | None = None,
    time_limit_days: int | None = None,
) -> list[Issue]:
    """Assign several items at once (the office's morning routine); all or nothing."""
    _require(actor, "visits.issue_bulk_assign")
    done = []
    for issue in issues:
        done.append(
            issue_assign(
                issue=issue, actor=actor, responsible_unit=responsible_unit, owner=owner, time_limit_days=time_limit_days
            )
        )
    if not done:
        raise ValidationError(_("Choose the ledger items to assign."))
    return done


@transaction.atomic
def issue_accept(*, issue: Issue, actor: User, measures: str = "", expected_version: int | None = None) -> Issue:
    """签收: the owner or the responsible unit accepts; the deadline clock starts today."""
    issue = _start(issue, actor, "accept", expected_version)
    issue.status = S.ACCEPTED
    issue.accepted_at = timezone.now()
    if issue.owner_id is None:
        issue.owner = actor
    if measures.strip():
        issue.measures = measures.strip()
    limit = issue.time_limit_days or deadlines.default_limit(issue.category)
    issue.time_limit_days = limit
    issue.deadline = deadlines.deadline_from(timezone.localdate(), limit)
    issue.original_deadline = None
    _save(issue)
    text = _("Accepted; deadline %(deadline)s (%(days)d working days).") % {
        "deadline": issue.deadline.isoformat(), "days": limit,
    }
    if measures.strip():
        text = f"{text}\n{_('Measures')}: {measures.strip()}"
    _record(issue, actor=actor, from_status=S.ASSIGNED, to_status=S.ACCEPTED, text=text)
    return issue


@transaction.atomic
def issue_return(*, issue: Issue, actor: User, reason: str, expected_version: int | None = None) -> Issue:
    """退回: not ours — back to the office with the reason, to be assigned again."""
    reason = _required_text(reason, _("Say why the item is returned."))
    issue = _start(issue, actor, "return", expected_version)
    issue.status = S.RETURNED
    issue.reason = reason
    issue.responsible_unit = None
    issue.owner = None
    issue.assigned_at = None
    _save(issue)
    update = _record(issue, actor=actor, from_status=S.ASSIGNED, to_status=S.RETURNED, text=reason)
    _notify_event(issue, update, office_users(), _("returned to the office: %(reason)s") % {"reason": reason})
    return issue


# ---------------------------------------------------------------- working the item


@transaction.atomic
def issue_progress(
    *, issue: Issue, actor: User, text: str, partly_fixed: bool = False, photos: Sequence[Photo] = (),
    expected_version: int | None = None,
) -> IssueUpdate:
    """A progress note (整改中). On a supervised item it is the supervision note due every 5 working days.

    Notes only add to the timeline, so two people writing at once both keep theirs: the version is checked
    only when the note also moves the item into progress.
    """
    text = _required_text(text, _("Write what was done."))
    _check_photos(photos)
    _in_scope(actor, issue)
    fresh = _lock(issue, None)
    _require(actor, "visits.issue_progress", fresh)
    _check_state(fresh, "progress")
    from_status = fresh.status
    if fresh.status == S.ACCEPTED:
        if expected_version is not None and fresh.version != expected_version:
            raise _conflict()
        fresh.status = S.IN_PROGRESS
        _save(fresh)
    return _record(
        fresh, actor=actor, from_status=from_status if from_status != fresh.status else "",
        to_status=fresh.status if from_status != fresh.status else "", text=text, partly_fixed=partly_fixed,
        supervision_note=fresh.is_supervised, photos=photos,
    )


@transaction.atomic
def issue_resolve(
    *, issue: Issue, actor: User, evidence: str, photos: Sequence[Photo] = (), expected_version: int | None = None
) -> Issue:
    """申请销号: the rectification is reported done, with evidence; the office or a leader verifies it."""
    evidence = _required_text(evidence, _("Describe the evidence that the problem is rectified."))
    _check_photos(photos)
    issue = _start(issue, actor, "resolve", expected_version)
    from_status = issue.status
    issue.status = S.RESOLVED
    issue.resolution = evidence
    issue.resolved_at = timezone.now()
    _save(issue)
    update = _record(
        issue, actor=actor, from_status=from_status, to_status=S.RESOLVED, text=evidence,
        supervision_note=issue.is_supervised, photos=photos,
    )
    _notify_event(issue, update, office_users(), _("rectification reported; please verify it."))
    return issue


@transaction.atomic
def issue_transfer(
    *, issue: Issue, actor: User, receiving_authority: str, reason: str = "", expected_version: int | None = None
) -> Issue:
    """移交: the matter belongs to another authority; the item ends here with the receiving authority named."""
    receiving_authority = _required_text(receiving_authority, _("Name the receiving authority."))
    issue = _start(issue, actor, "transfer", expected_version)
    from_status = issue.status
    issue.status = S.TRANSFERRED
    issue.transferred_to = receiving_authority[:100]
    issue.reason = reason.strip()
    _save(issue)
    _settle_requests(issue, actor, _("The item was transferred."))
    text = _("Transferred to %(authority)s.") % {"authority": receiving_authority}
    if reason.strip():
        text = f"{text}\n{reason.strip()}"
    update = _record(issue, actor=actor, from_status=from_status, to_status=S.TRANSFERRED, text=text)
    _notify_event(issue, update, [*office_users(), *handlers_of(issue)], _("transferred to %(a)s.") % {"a": receiving_authority})
    return issue


# ---------------------------------------------------------------- "cannot be handled": requested, signed off by the office


@transaction.atomic
def issue_unable_request(*, issue: Issue, actor: User, reason: str, expected_version: int | None = None) -> IssueRequest:
    reason = _required_text(reason, _("Say why the item cannot be handled."))
    issue = _start(issue, actor, "unable_request", expected_version)
    if issue.requests.filter(kind=IssueRequest.Kind.UNABLE, status=IssueRequest.Status.PENDING).exists():
        raise ValidationError(_("A request is already waiting for the office."))
    request = IssueRequest(issue=issue, kind=IssueRequest.Kind.UNABLE, reason=reason, created_by=actor)
    request.full_clean()
    request.save()
    update = _record(issue, actor=actor, text=_("Asks the office to sign off “cannot be handled”: %(reason)s") % {"reason": reason})
    _notify_event(issue, update, office_users(), _("asks to be signed off as “cannot be handled”."))
    return request


@transaction.atomic
def issue_unable(*, issue: Issue, actor: User, reason: str = "", expected_version: int | None = None) -> Issue:
    """无法办理, signed off by the office (approving the unit's request, or on its own with a reason)."""
    issue = _start(issue, actor, "unable", expected_version)
    pending = issue.requests.filter(kind=IssueRequest.Kind.UNABLE, status=IssueRequest.Status.PENDING).first()
    reason = (reason or "").strip() or (pending.reason if pending else "")
    reason = _required_text(reason, _("Give the reason the item cannot be handled."))
    from_status = issue.status
    issue.status = S.UNABLE
    issue.reason = reason
    _save(issue)
    if pending:
        pending.status = IssueRequest.Status.APPROVED
        pending.decided_by, pending.decided_at = actor, timezone.now()
        pending.decision_note = reason if reason != pending.reason else ""
        pending.save()
    _settle_requests(issue, actor, _("The item cannot be handled."))
    update = _record(issue, actor=actor, from_status=from_status, to_status=S.UNABLE, text=reason)
    _notify_event(issue, update, handlers_of(issue), _("signed off as “cannot be handled”."))
    return issue


@transaction.atomic
def issue_unable_refuse(*, issue: Issue, actor: User, note: str, expected_version: int | None = None) -> IssueRequest:
    note = _required_text(note, _("Say why the request is refused."))
    issue = _start(issue, actor, "unable_refuse", expected_version)
    pending = issue.requests.filter(kind=IssueRequest.Kind.UNABLE, status=IssueRequest.Status.PENDING).first()
    if pending is None:
        raise ValidationError(_("There is no request waiting."))
    pending.status = IssueRequest.Status.REFUSED
    pending.decided_by, pending.decided_at, pending.decision_note = actor, timezone.now(), note
    pending.save()
    update = _record(issue, actor=actor, text=_("“Cannot be handled” refused: %(note)s") % {"note": note})
    _notify_event(issue, update, handlers_of(issue), _("“cannot be handled” refused by the office."))
    return pending


# ---------------------------------------------------------------- extensions (延期): requested before the deadline, approved by the office


@transaction.atomic
def issue_extension_request(
    *, issue: Issue, actor: User, new_deadline: dt.date, reason: str, expected_version: int | None = None
) -> IssueRequest:
    reason = _required_text(reason, _("Say why more time is needed."))
    issue = _start(issue, actor, "extension_request", expected_version)
    today = timezone.localdate()
    if issue.deadline is None or issue.deadline < today:
        raise ValidationError(_("An extension must be requested before the deadline."))
    if new_deadline is None or new_deadline <= issue.deadline:
        raise ValidationError({"new_deadline": _("The new deadline must be later than the current one.")})
    if new_deadline > deadlines.deadline_from(today, deadlines.MAX_LIMIT):
        raise ValidationError({"new_deadline": _("The new deadline is too far away.")})
    if issue.requests.filter(kind=IssueRequest.Kind.EXTENSION, status=IssueRequest.Status.PENDING).exists():
        raise ValidationError(_("An extension request is already waiting for the office."))
    request = IssueRequest(
        issue=issue, kind=IssueRequest.Kind.EXTENSION, reason=reason, current_deadline=issue.deadline,
        proposed_deadline=new_deadline, created_by=actor,
    )
    request.full_clean()
    request.save()
    update = _record(
        issue, actor=actor,
        text=_("Requests an extension to %(date)s: %(reason)s") % {"date": new_deadline.isoformat(), "reason": reason},
    )
    _notify_event(issue, update, office_users(), _("extension requested; please decide."))
    return request


@transaction.atomic
def issue_extension_approve(
    *, issue: Issue, actor: User, new_deadline: dt.date | None = None, note: str = "",
    expected_version: int | None = None,
) -> Issue:
    """The office grants the extension (or a different date); the original deadline stays on record."""
    issue = _start(issue, actor, "extension_approve", expected_version)
    pending = issue.requests.filter(kind=IssueRequest.Kind.EXTENSION, status=IssueRequest.Status.PENDING).first()
    if pending is None:
        raise ValidationError(_("There is no extension request waiting."))
    granted = new_deadline or pending.proposed_deadline
    if issue.deadline and granted <= issue.deadline:
        raise ValidationError({"new_deadline": _("The new deadline must be later than the current one.")})
    if issue.original_deadline is None:
        issue.original_deadline = issue.deadline
    previous = issue.deadline
    issue.deadline = granted
    _save(issue)
    pending.status = IssueRequest.Status.APPROVED
    pending.decided_by, pending.decided_at, pending.decision_note = actor, timezone.now(), note.strip()
    pending.save()
    text = _("Extension approved: deadline %(old)s → %(new)s.") % {
        "old": previous.isoformat() if previous else "—", "new": granted.isoformat()
    }
    if note.strip():
        text = f"{text}\n{note.strip()}"
    update = _record(issue, actor=actor, text=text)
    _notify_event(issue, update, handlers_of(issue), _("extension approved to %(d)s.") % {"d": granted.isoformat()})
    return issue


@transaction.atomic
def issue_extension_refuse(*, issue: Issue, actor: User, note: str, expected_version: int | None = None) -> IssueRequest:
    note = _required_text(note, _("Say why the extension is refused."))
    issue = _start(issue, actor, "extension_refuse", expected_version)
    pending = issue.requests.filter(kind=IssueRequest.Kind.EXTENSION, status=IssueRequest.Status.PENDING).first()
    if pending is None:
        raise ValidationError(_("There is no extension request waiting."))
    pending.status = IssueRequest.Status.REFUSED
    pending.decided_by, pending.decided_at, pending.decision_note = actor, timezone.now(), note
    pending.save()
    update = _record(issue, actor=actor, text=_("Extension refused: %(note)s") % {"note": note})
    _notify_event(issue, update, handlers_of(issue), _("extension refused."))
    return pending


# ---------------------------------------------------------------- verification, call-back, reopening


def _check_satisfaction(actor: User, issue: Issue, satisfaction: str) -> None:
    if satisfaction not in Issue.Satisfaction.values:
        raise ValidationError({"satisfaction": _("Choose the enterprise's answer.")})
    if not access.can(actor, "visits.issue_satisfaction", issue):
        raise PermissionDenied(_("Satisfaction is recorded by the programme office from its call-back."))


def _apply_satisfaction(issue: Issue, satisfaction: str) -> None:
    issue.satisfaction = satisfaction
    # A dissatisfied enterprise flags the item for the office, which follows it up (and may reopen it).
    issue.needs_followup = satisfaction == Issue.Satisfaction.DISSATISFIED


@transaction.atomic
def issue_close(
    *, issue: Issue, actor: User, note: str = "", satisfaction: str = "", expected_version: int | None = None
) -> Issue:
    """验收销号: the office or a leader verifies the rectification and closes the item."""
    issue = _start(issue, actor, "close", expected_version)
    if satisfaction:
        _check_satisfaction(actor, issue, satisfaction)
        _apply_satisfaction(issue, satisfaction)
    issue.status = S.CLOSED
    issue.closed_at = timezone.now()
    issue.closed_by = actor
    _save(issue)
    _settle_requests(issue, actor, _("The item was closed."))
    text = note.strip() or _("Verified and closed.")
    if satisfaction:
        call_back = _("Call-back")
        text = f"{text}\n{call_back}: {issue.get_satisfaction_display()}"
    update = _record(issue, actor=actor, from_status=S.RESOLVED, to_status=S.CLOSED, text=text)
    _notify_event(issue, update, handlers_of(issue), _("verified and closed."))
    return issue


@transaction.atomic
def issue_reject(*, issue: Issue, actor: User, reason: str, expected_version: int | None = None) -> Issue:
    """Verification failed: back to work, with the reason."""
    reason = _required_text(reason, _("Say why the rectification is not accepted."))
    issue = _start(issue, actor, "reject", expected_version)
    issue.status = S.IN_PROGRESS
    issue.resolved_at = None
    issue.resolution = ""
    _save(issue)
    update = _record(
        issue, actor=actor, from_status=S.RESOLVED, to_status=S.IN_PROGRESS,
        text=_("Verification failed: %(reason)s") % {"reason": reason},
    )
    _notify_event(issue, update, handlers_of(issue), _("verification failed: %(r)s") % {"r": reason})
    return issue


@transaction.atomic
def issue_satisfaction(
    *, issue: Issue, actor: User, satisfaction: str, note: str = "", expected_version: int | None = None
) -> Issue:
    """The office's call-back to the enterprise after closing (满意 / 基本满意 / 不满意 / 未回访)."""
    issue = _start(issue, actor, "satisfaction", expected_version)
    _check_satisfaction(actor, issue, satisfaction)
    _apply_satisfaction(issue, satisfaction)
    _save(issue)
    call_back = _("Call-back")
    text = f"{call_back}: {issue.get_satisfaction_display()}"
    if note.strip():
        text = f"{text}\n{note.strip()}"
    update = _record(issue, actor=actor, text=text)
    if issue.needs_followup:
        _notify_event(issue, update, office_users(), _("the enterprise is dissatisfied: follow it up."))
    return issue


@transaction.atomic
def issue_reopen(
    *, issue: Issue, actor: User, reason: str, time_limit_days: int | None = None, expected_version: int | None = None
) -> Issue:
    """A closed item goes back to work (e.g. after a dissatisfied call-back), optionally with a new time limit."""
    reason = _required_text(reason, _("Say why the item is reopened."))
    _check_limit(time_limit_days)
    issue = _start(issue, actor, "reopen", expected_version)
    issue.status = S.IN_PROGRESS
    issue.closed_at = None
    issue.closed_by = None
    issue.resolved_at = None
    issue.satisfaction = ""
    issue.needs_followup = False
    if time_limit_days:
        if issue.original_deadline is None:
            issue.original_deadline = issue.deadline
        issue.deadline = deadlines.deadline_from(timezone.localdate(), time_limit_days)
    _save(issue)
    text = _("Reopened: %(reason)s") % {"reason": reason}
    if time_limit_days:
        text = f"{text}\n{_('New deadline')}: {issue.deadline.isoformat()}"
    update = _record(issue, actor=actor, from_status=S.CLOSED, to_status=S.IN_PROGRESS, text=text)
    _notify_event(issue, update, handlers_of(issue), _("reopened: %(r)s") % {"r": reason})
    return issue


# ---------------------------------------------------------------- supervision and comments


@transaction.atomic
def issue_supervise(
    *, issue: Issue, actor: User, level: str, instruction: str = "", expected_version: int | None = None
) -> Issue:
    """重点督办 / 挂牌督办 with an instruction, or lifting it ("" level)."""
    if level not in Issue.Supervision.values:
        raise ValidationError({"level": _("Choose the supervision level.")})
    instruction = (instruction or "").strip()
    if level and not instruction:
        raise ValidationError({"instruction": _("Give the supervision instruction.")})
    issue = _start(issue, actor, "supervise", expected_version)
    if level == issue.supervision and not instruction:
        raise ValidationError(_("Nothing to change."))
    previous = issue.supervision
    issue.supervision = level
    if level:
        issue.supervision_instruction = instruction
        if not previous:
            issue.supervised_since = timezone.now()
    else:
        issue.supervision_instruction = ""
        issue.supervised_since = None
    _save(issue)
    if level:
        text = _("%(level)s: %(instruction)s") % {"level": issue.get_supervision_display(), "instruction": instruction}
    else:
        text = _("Supervision lifted.") + (f"\n{instruction}" if instruction else "")
    update = _record(issue, actor=actor, text=text)
    _notify_event(issue, update, handlers_of(issue), text)
    return issue


@transaction.atomic
def issue_comment(*, issue: Issue, actor: User, text: str, photos: Sequence[Photo] = ()) -> IssueUpdate:
    """A remark on the timeline (the office's follow-up, a leader's question); it changes nothing else."""
    text = _required_text(text, _("Write the remark."))
    _check_photos(photos)
    _in_scope(actor, issue)
    _require(actor, "visits.issue_comment", issue)
    return _record(issue, actor=actor, text=text, photos=photos)
