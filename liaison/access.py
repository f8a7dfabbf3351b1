"""Who may see and do what: the one place where Liaison decides access.

Two kinds of answers live here:
- scopes: `scope(user, Model)` narrows a model's queryset to the rows a user may see. Every list, detail,
  form choice, export and dashboard takes its rows from it; an object outside it answers 404.
- permissions: `can(user, "app.action", obj=None)` says whether the user may take an action (on an object
  already inside their scope); a refusal answers 403.

Roles (see DESIGN.md): leaders and the programme office see everything; a team sees the enterprises of
the stations it answers for and those it is assigned to; a community officer sees the enterprises assigned
to them and those of their own station; the auditor sees only the audit log.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import StationLiaison, Unit, User

LEADER = User.Role.LEADER
COORDINATOR = User.Role.COORDINATOR
TEAM = User.Role.TEAM
OFFICER = User.Role.OFFICER
AUDITOR = User.Role.AUDITOR
PROGRAMME_ROLES = (LEADER, COORDINATOR, TEAM, OFFICER)


def role_of(user) -> str:
    if user is None or not user.is_authenticated or not user.is_active:
        return ""
    return user.role or ""


def sees_everything(user) -> bool:
    return role_of(user) in (LEADER, COORDINATOR)


def is_programme_user(user) -> bool:
    """Anyone who works the programme (everyone but the auditor and unassigned accounts)."""
    return role_of(user) in PROGRAMME_ROLES


def is_office(user) -> bool:
    return role_of(user) == COORDINATOR


def is_leader(user) -> bool:
    return role_of(user) == LEADER


def is_auditor(user) -> bool:
    return role_of(user) == AUDITOR


def is_legal(user) -> bool:
    return role_of(user) == TEAM and user.unit_id is not None and user.unit.is_legal_team


# ---------------------------------------------------------------- scopes


def station_ids(user) -> QuerySet:
    """Stations whose enterprises the user sees in full."""
    r = role_of(user)
    if r in (LEADER, COORDINATOR):
        return Unit.objects.filter(kind=Unit.Kind.STATION).values("pk")
    if r == TEAM:
        return StationLiaison.objects.filter(team_id=user.unit_id).values("station_id")
    if r == OFFICER:
        return Unit.objects.filter(pk=user.unit_id).values("pk")
    return Unit.objects.none().values("pk")


def enterprises(user) -> QuerySet:
    from enterprises.models import Assignment, Enterprise

    r = role_of(user)
    qs = Enterprise.objects.all()
    if r in (LEADER, COORDINATOR):
        return qs
    if r == TEAM:
        assigned = Assignment.objects.filter(enterprise=OuterRef("pk"), ended_on__isnull=True).filter(
            Q(team_id=user.unit_id) | Q(officer_id=user.pk)
        )
        return qs.filter(Q(station_id__in=station_ids(user)) | Exists(assigned))
    if r == OFFICER:
        assigned = Assignment.objects.filter(enterprise=OuterRef("pk"), ended_on__isnull=True, officer_id=user.pk)
        return qs.filter(Q(station_id=user.unit_id) | Exists(assigned))
    return qs.none()


def assignments(user) -> QuerySet:
    from enterprises.models import Assignment

    return Assignment.objects.filter(enterprise__in=enterprises(user).values("pk"))


def units(user) -> QuerySet:
    """Units a programme user may pick (as responsible unit and the like): all active ones."""
    if not is_programme_user(user):
        return Unit.objects.none()
    return Unit.objects.filter(is_active=True)


def colleagues(user) -> QuerySet:
    """Users a programme user may name (officers present, owners): active programme users."""
    if not is_programme_user(user):
        return User.objects.none()
    return User.objects.filter(is_active=True, role__in=PROGRAMME_ROLES).select_related("unit")


def visits(user) -> QuerySet:
    from visits.models import Visit

    return Visit.objects.filter(enterprise__in=enterprises(user).values("pk"))


def issues(user) -> QuerySet:
    from visits.models import Issue

    r = role_of(user)
    if r in (LEADER, COORDINATOR):
        return Issue.objects.all()
    if r in (TEAM, OFFICER):
        return Issue.objects.filter(
            Q(enterprise__in=enterprises(user).values("pk")) | Q(responsible_unit_id=user.unit_id) | Q(owner_id=user.pk)
        )
    return Issue.objects.none()


def scope(user, model) -> QuerySet:
    """The rows of `model` that `user` may see."""
    try:
        return SCOPES[model._meta.label_lower](user)
    except KeyError:
        raise LookupError(f"No access scope is defined for {model._meta.label}.") from None


CORE_SCOPES: dict[str, Callable] = {
    "enterprises.enterprise": enterprises,
    "enterprises.assignment": assignments,
    "accounts.unit": units,
    "accounts.user": colleagues,
    "visits.visit": visits,
    "visits.issue": issues,
}


# ---------------------------------------------------------------- permissions


def _enterprise_edit(user, obj=None) -> bool:
    return sees_everything(user)


def _enterprise_edit_contact(user, obj=None) -> bool:
    """Officers may correct the contact details of the enterprises they answer for."""
    if sees_everything(user):
        return True
    if role_of(user) != OFFICER or obj is None:
        return role_of(user) == OFFICER and obj is None
    return obj.assignments.filter(ended_on__isnull=True, officer_id=user.pk).exists() or obj.station_id == user.unit_id


CORE_PERMISSIONS: dict[str, Callable] = {
    "liaison.use": lambda user, obj=None: is_programme_user(user),
    "enterprises.view": lambda user, obj=None: is_programme_user(user),
    "enterprises.add": lambda user, obj=None: sees_everything(user),
    "enterprises.edit": _enterprise_edit,
    "enterprises.edit_contact": _enterprise_edit_contact,
    "enterprises.override_credit_code": lambda user, obj=None: is_office(user),
    "enterprises.export": lambda user, obj=None: is_programme_user(user),
    "enterprises.manage_assignments": lambda user, obj=None: is_office(user),
    "accounts.view_audit": lambda user, obj=None: is_auditor(user),
}


# ================================================================ visits and the ledger (visits app)

VISITS_SCOPES: dict[str, Callable] = {}
VISITS_PERMISSIONS: dict[str, Callable] = {}


# ================================================================ plans, tasks and attachments (enterprises app)



def plans(user) -> QuerySet:
    """Plans of the enterprises in scope, and any plan in which the user owns a task (to report on it)."""
    from enterprises.models import Plan, PlanTask

    if not is_programme_user(user):
        return Plan.objects.none()
    if sees_everything(user):
        return Plan.objects.all()
    owns_task = PlanTask.objects.filter(plan=OuterRef("pk"), owner_id=user.pk)
    return Plan.objects.filter(Q(enterprise__in=enterprises(user).values("pk")) | Exists(owns_task))


def plan_tasks(user) -> QuerySet:
    """Tasks of the plans of the enterprises in scope, and the user's own tasks wherever they are."""
    from enterprises.models import PlanTask

    if not is_programme_user(user):
        return PlanTask.objects.none()
    if sees_everything(user):
        return PlanTask.objects.all()
    return PlanTask.objects.filter(Q(plan__enterprise__in=enterprises(user).values("pk")) | Q(owner_id=user.pk))


def attachments(user) -> QuerySet:
    from enterprises.models import Attachment

    return Attachment.objects.filter(enterprise__in=enterprises(user).values("pk"))


def answers_for(user, enterprise) -> bool:
    """The office and leaders, or an officer or team currently assigned to this enterprise."""
    if enterprise is None:
        return False
    if sees_everything(user):
        return True
    r = role_of(user)
    current = enterprise.assignments.filter(ended_on__isnull=True)
    if r == OFFICER:
        return current.filter(officer_id=user.pk).exists()
    if r == TEAM:
        return current.filter(Q(team_id=user.unit_id) | Q(officer_id=user.pk)).exists()
    return False


def _plan_draft(user, enterprise=None) -> bool:
    """Drafting a plan: the office, leaders, and the officers and teams assigned to that enterprise."""
    if enterprise is None:
        return sees_everything(user) or role_of(user) in (OFFICER, TEAM)
    return answers_for(user, enterprise)


def _plan_edit(user, plan=None) -> bool:
    """Only a draft is edited; an approved plan is changed by approving a new one."""
    if plan is None:
        return _plan_draft(user)
    return plan.status == plan.Status.DRAFT and answers_for(user, plan.enterprise)


def _plan_tasks_edit(user, plan=None) -> bool:
    """Tasks are planned while the plan is a draft and kept up to date while it is approved."""
    if plan is None:
        return _plan_draft(user)
    return plan.status != plan.Status.CLOSED and answers_for(user, plan.enterprise)


def _task_edit(user, task=None) -> bool:
    if task is None:
        return _plan_draft(user)
    return not task.is_done and _plan_tasks_edit(user, task.plan)


def _task_complete(user, task=None) -> bool:
    """The task's owner reports it done, or anyone who answers for the enterprise."""
    if not is_programme_user(user):
        return False
    if task is None:
        return True
    return task.owner_id == user.pk or answers_for(user, task.plan.enterprise)


def _attachment_remove(user, attachment=None) -> bool:
    if is_office(user):
        return True
    return attachment is not None and is_programme_user(user) and attachment.created_by_id == user.pk


PLANS_SCOPES: dict[str, Callable] = {
    "enterprises.plan": plans,
    "enterprises.plantask": plan_tasks,
    "enterprises.attachment": attachments,
}
PLANS_PERMISSIONS: dict[str, Callable] = {
    "enterprises.plan_view": lambda user, obj=None: is_programme_user(user),
    "enterprises.plan_add": _plan_draft,
    "enterprises.plan_edit": _plan_edit,
    "enterprises.plan_approve": lambda user, obj=None: is_leader(user),
    "enterprises.plan_close": lambda user, obj=None: sees_everything(user),
    "enterprises.plan_overview": lambda user, obj=None: sees_everything(user),
    "enterprises.task_add": _plan_tasks_edit,
    "enterprises.task_edit": _task_edit,
    "enterprises.task_complete": _task_complete,
    "enterprises.attachment_add": lambda user, obj=None: is_programme_user(user),
    "enterprises.attachment_download": lambda user, obj=None: is_programme_user(user),
    "enterprises.attachment_remove": _attachment_remove,
    "enterprises.file_download": lambda user, obj=None: is_programme_user(user),
}


# ================================================================ referrals, meetings, notices (supervision app)

SUPERVISION_SCOPES: dict[str, Callable] = {}
SUPERVISION_PERMISSIONS: dict[str, Callable] = {}


# ================================================================ cases, measures, activities (casework app)


def is_unit_member(user, unit_id) -> bool:
    """A team or station officer who belongs to the given unit."""
    return role_of(user) in (TEAM, OFFICER) and unit_id is not None and user.unit_id == unit_id


def cases(user) -> QuerySet:
    """Cases of the enterprises a user sees, those their unit handles, and (legal team) every case with a measure."""
    from casework.models import Case, CoerciveMeasure

    r = role_of(user)
    if r in (LEADER, COORDINATOR):
        return Case.objects.all()
    if r in (TEAM, OFFICER):
        condition = Q(enterprise__in=enterprises(user).values("pk")) | Q(handling_unit_id=user.unit_id)
        if is_legal(user):
            # The legal team reviews every coercive measure of the bureau: it sees the cases behind them.
            condition |= Q(Exists(CoerciveMeasure.objects.filter(case=OuterRef("pk"))))
        return Case.objects.filter(condition)
    return Case.objects.none()


def measures(user) -> QuerySet:
    from casework.models import CoerciveMeasure

    return CoerciveMeasure.objects.filter(case__in=cases(user).values("pk"))


def green_channels(user) -> QuerySet:
    from casework.models import GreenChannel

    r = role_of(user)
    if r in (LEADER, COORDINATOR):
        return GreenChannel.objects.all()
    if r in (TEAM, OFFICER):
        return GreenChannel.objects.filter(Q(enterprise__in=enterprises(user).values("pk")) | Q(officer_id=user.pk))
    return GreenChannel.objects.none()


def activities(user) -> QuerySet:
    """Activities of the user's unit, those they took part in, and those that reached an enterprise they see."""
    from casework.models import Activity

    r = role_of(user)
    if r in (LEADER, COORDINATOR):
        return Activity.objects.all()
    if r in (TEAM, OFFICER):
        through_units = Activity.units.through.objects.filter(activity_id=OuterRef("pk"), unit_id=user.unit_id)
        through_officers = Activity.officers.through.objects.filter(activity_id=OuterRef("pk"), user_id=user.pk)
        through_enterprises = Activity.enterprises.through.objects.filter(
            activity_id=OuterRef("pk"), enterprise_id__in=enterprises(user).values("pk")
        )
        return Activity.objects.filter(
            Q(Exists(through_units)) | Q(Exists(through_officers)) | Q(Exists(through_enterprises)) | Q(created_by_id=user.pk)
        )
    return Activity.objects.none()


def activity_photos(user) -> QuerySet:
    from casework.models import ActivityPhoto

    return ActivityPhoto.objects.filter(activity__in=activities(user).values("pk"))


def _manages_case(user, case=None) -> bool:
    """The programme office, or a member of the case's handling unit."""
    if is_office(user):
        return True
    if case is None:
        return role_of(user) in (TEAM, OFFICER)
    return is_unit_member(user, case.handling_unit_id)


def _reviews_measure(user, measure=None) -> bool:
    """Whether the user may record the collective review that is due next on this measure."""
    from casework.models import MeasureReview

    if measure is None or measure.next_stage is None:
        return False
    return MeasureReview.may_record(user, measure, measure.next_stage)


def _edits_activity(user, activity=None) -> bool:
    if is_office(user):
        return True
    if role_of(user) not in (TEAM, OFFICER):
        return False
    if activity is None:
        return True
    return activity.created_by_id == user.pk or any(unit.pk == user.unit_id for unit in activity.units.all())


def _approves_channel(user, channel=None) -> bool:
    if is_office(user):
        return True
    return channel is not None and channel.officer_id == user.pk and is_programme_user(user)


CASEWORK_SCOPES: dict[str, Callable] = {
    "casework.case": cases,
    "casework.coercivemeasure": measures,
    "casework.greenchannel": green_channels,
    "casework.activity": activities,
    "casework.activityphoto": activity_photos,
}
CASEWORK_PERMISSIONS: dict[str, Callable] = {
    "casework.view": lambda user, obj=None: is_programme_user(user),
    "casework.export": lambda user, obj=None: is_programme_user(user),
    "casework.add_case": lambda user, obj=None: role_of(user) in (COORDINATOR, TEAM, OFFICER),
    # Editing a case, moving it along and proposing or executing measures on it.
    "casework.manage_case": lambda user, obj=None: _manages_case(user, obj),
    "casework.propose_measure": lambda user, obj=None: _manages_case(user, obj),
    "casework.review_measure": _reviews_measure,
    "casework.execute_measure": lambda user, obj=None: _manages_case(user, obj.case if obj is not None else None),
    "casework.manage_channel": lambda user, obj=None: is_office(user),
    "casework.approve_channel": _approves_channel,
    "casework.add_activity": lambda user, obj=None: role_of(user) in (COORDINATOR, TEAM, OFFICER),
    "casework.edit_activity": _edits_activity,
    "casework.statistics": lambda user, obj=None: role_of(user) in (LEADER, COORDINATOR, TEAM),
}


# ================================================================ dashboards and briefings (reports app)

REPORTS_SCOPES: dict[str, Callable] = {}
REPORTS_PERMISSIONS: dict[str, Callable] = {}


# ================================================================ the combined tables

SCOPES: dict[str, Callable] = {
    **CORE_SCOPES,
    **VISITS_SCOPES,
    **PLANS_SCOPES,
    **SUPERVISION_SCOPES,
    **CASEWORK_SCOPES,
    **REPORTS_SCOPES,
}
PERMISSIONS: dict[str, Callable] = {
    **CORE_PERMISSIONS,
    **VISITS_PERMISSIONS,
    **PLANS_PERMISSIONS,
    **SUPERVISION_PERMISSIONS,
    **CASEWORK_PERMISSIONS,
    **REPORTS_PERMISSIONS,
}


def can(user, action: str, obj=None) -> bool:
    try:
        rule = PERMISSIONS[action]
    except KeyError:
        raise LookupError(f"No permission rule named {action!r}.") from None
    return bool(rule(user, obj))
