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
from contextvars import ContextVar
from typing import NamedTuple

from django.db.models import Exists, OuterRef, Q, QuerySet, Value

from accounts.models import StationLiaison, Unit, User
from liaison.memo import held

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


# PostgreSQL cannot use an index for "station_id = X OR EXISTS (a current assignment)": every page that counts or
# lists a user's enterprises would scan the whole table. With the user's current assignments (and a team's
# stations) read first, "station_id = X OR id IN (...)" is two index scans. Nearly every scope below builds on
# enterprises(), so within a request the read is kept and made once per user; outside a request (services,
# commands, tests) nothing is kept and it is read each time, so a kept read can never outlive the request.
_assigned_memo: ContextVar[dict | None] = ContextVar("assigned_memo", default=None)

# Past this many, the enterprises are a large share of any district, PostgreSQL scans the table either way and the
# list would only swell every statement that embeds the scope; the assignment is then checked in the query.
MAX_LISTED_ASSIGNMENTS = 5000


class Assigned(NamedTuple):
    stations: tuple  # a team's stations (empty for an officer: their own station is user.unit_id)
    enterprises: tuple | None  # currently assigned to the user (or their team); None when too many to list


def remembering_assignments():
    """Within this block (a request: see liaison.middleware) what each user is assigned is read at most once."""
    return held(_assigned_memo, {})


def forget_assignments(**kwargs) -> None:
    """An assignment or a team's stations changed: the next scope in this request reads them again.

    Connected to the saves and deletions of Assignment and StationLiaison (liaison.apps).
    """
    memo = _assigned_memo.get()
    if memo is not None:
        memo.clear()


def _current_assignments(user):
    from enterprises.models import Assignment

    current = Assignment.objects.filter(ended_on__isnull=True)
    if role_of(user) == TEAM:
        return current.filter(Q(team_id=user.unit_id) | Q(officer_id=user.pk))
    return current.filter(officer_id=user.pk)


def _assigned(user) -> Assigned:
    memo = _assigned_memo.get()
    key = (user.pk, role_of(user), user.unit_id)
    if memo is not None and key in memo:
        return memo[key]
    current = _current_assignments(user).order_by()
    stations, enterprise_ids = set(), set()
    if role_of(user) == TEAM:
        # The team's stations come in the same read.
        station_rows = StationLiaison.objects.filter(team_id=user.unit_id).order_by().values_list(Value("station"), "station_id")
        for what, pk in station_rows.union(current.values_list(Value("enterprise"), "enterprise_id"), all=True):
            (stations if what == "station" else enterprise_ids).add(pk)
    else:
        enterprise_ids.update(current.values_list("enterprise_id", flat=True))
    assigned = Assigned(
        stations=tuple(sorted(stations)),
        enterprises=tuple(sorted(enterprise_ids)) if len(enterprise_ids) <= MAX_LISTED_ASSIGNMENTS else None,
    )
    if memo is not None:
        memo[key] = assigned
    return assigned


def enterprises(user) -> QuerySet:
    from enterprises.models import Enterprise

    r = role_of(user)
    qs = Enterprise.objects.all()
    if r in (LEADER, COORDINATOR):
        return qs
    if r not in (TEAM, OFFICER):
        return qs.none()
    assigned = _assigned(user)
    if assigned.enterprises is None:
        currently_assigned = Exists(_current_assignments(user).filter(enterprise=OuterRef("pk")))
    else:
        currently_assigned = Q(pk__in=assigned.enterprises)
    if r == TEAM:
        return qs.filter(Q(station_id__in=assigned.stations) | currently_assigned)
    return qs.filter(Q(station_id=user.unit_id) | currently_assigned)


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

    if sees_everything(user):
        return Visit.objects.all()
    if not is_programme_user(user):
        return Visit.objects.none()
    # The enterprises in the user's scope, and the visits they recorded themselves (kept after a re-assignment).
    return Visit.objects.filter(Q(enterprise__in=enterprises(user).values("pk")) | Q(author_id=user.pk))


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
    if role_of(user) != OFFICER:
        return False
    return obj is None or obj.station_id == user.unit_id or answers_for(user, obj)


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


def visit_photos(user) -> QuerySet:
    from visits.models import VisitPhoto

    return VisitPhoto.objects.filter(visit__in=visits(user).values("pk"))


def issue_photos(user) -> QuerySet:
    from visits.models import IssuePhoto

    return IssuePhoto.objects.filter(issue__in=issues(user).values("pk"))


def issue_updates(user) -> QuerySet:
    from visits.models import IssueUpdate

    return IssueUpdate.objects.filter(issue__in=issues(user).values("pk"))


def issue_requests(user) -> QuerySet:
    from visits.models import IssueRequest

    return IssueRequest.objects.filter(issue__in=issues(user).values("pk"))


VISITS_SCOPES: dict[str, Callable] = {
    "visits.visitphoto": visit_photos,
    "visits.issuephoto": issue_photos,
    "visits.issueupdate": issue_updates,
    "visits.issuerequest": issue_requests,
}

VISIT_CORRECTION_HOURS = 24


def _visit_edit(user, obj=None) -> bool:
    """The author corrects a visit for 24 hours after recording it; after that only the office."""
    if is_office(user):
        return True
    if not is_programme_user(user):
        return False
    if obj is None:
        return True
    from django.utils import timezone

    return obj.author_id == user.pk and obj.correctable_until is not None and timezone.now() < obj.correctable_until


def is_issue_handler(user, issue) -> bool:
    """The item's owner, or a member of its responsible unit: they accept, report progress and resolve."""
    if not is_programme_user(user) or issue is None:
        return False
    return issue.owner_id == user.pk or (issue.responsible_unit_id is not None and issue.responsible_unit_id == user.unit_id)


def _handler(user, obj=None) -> bool:
    if obj is None:
        return is_programme_user(user)
    return is_issue_handler(user, obj)


def _handler_or_office(user, obj=None) -> bool:
    return is_office(user) or _handler(user, obj)


def _office_or_leader(user, obj=None) -> bool:
    return sees_everything(user)


def _satisfaction(user, obj=None) -> bool:
    """The office takes the call-back; never an officer who handled the item (nobody rates themselves)."""
    if not is_office(user):
        return False
    return obj is None or not is_issue_handler(user, obj)


def _take_on(user, obj=None) -> bool:
    """An officer or team officer may take a problem they raised on themselves (能在一线办的事决不拖到办公室)."""
    return role_of(user) in (OFFICER, TEAM) and user.unit_id is not None


VISITS_PERMISSIONS: dict[str, Callable] = {
    "visits.view": lambda user, obj=None: is_programme_user(user),
    "visits.add": lambda user, obj=None: is_programme_user(user),
    "visits.edit": _visit_edit,
    "visits.export": lambda user, obj=None: is_programme_user(user),
    "visits.issue_view": lambda user, obj=None: is_programme_user(user),
    "visits.issue_add": lambda user, obj=None: is_programme_user(user),
    "visits.issue_take_on": _take_on,
    "visits.issue_export": _office_or_leader,
    "visits.issue_comment": lambda user, obj=None: is_programme_user(user),
    # The programme office assigns (交办), decides extensions and "cannot be handled", and takes call-backs.
    "visits.issue_assign": lambda user, obj=None: is_office(user),
    "visits.issue_bulk_assign": lambda user, obj=None: is_office(user),
    "visits.issue_extension_approve": lambda user, obj=None: is_office(user),
    "visits.issue_extension_refuse": lambda user, obj=None: is_office(user),
    "visits.issue_unable": lambda user, obj=None: is_office(user),
    "visits.issue_unable_refuse": lambda user, obj=None: is_office(user),
    "visits.issue_satisfaction": _satisfaction,
    # The owner or the responsible unit works the item.
    "visits.issue_accept": _handler,
    "visits.issue_progress": _handler,
    "visits.issue_resolve": _handler,
    "visits.issue_return": _handler,
    "visits.issue_extension_request": _handler,
    "visits.issue_unable_request": _handler,
    "visits.issue_transfer": _handler_or_office,
    # Verification and supervision: the office or a bureau leader.
    "visits.issue_close": _office_or_leader,
    "visits.issue_reject": _office_or_leader,
    "visits.issue_reopen": _office_or_leader,
    "visits.issue_supervise": _office_or_leader,
}


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
    from enterprises.models import Plan, PlanTask

    if not is_programme_user(user):
        return PlanTask.objects.none()
    if sees_everything(user):
        return PlanTask.objects.all()
    # The plans in scope as a subquery, not a join: joined, the OR with the owner makes the database join every
    # task of the city to its plan before it filters (113 ms for an officer's first page at 50,000; now 17 ms).
    plans_in_scope = Plan.objects.filter(enterprise__in=enterprises(user).values("pk")).values("pk")
    return PlanTask.objects.filter(Q(plan__in=plans_in_scope) | Q(owner_id=user.pk))


def attachments(user) -> QuerySet:
    from enterprises.models import Attachment

    return Attachment.objects.filter(enterprise__in=enterprises(user).values("pk"))


def answers_for(user, enterprise) -> bool:
    """The office and leaders, or an officer or team currently assigned to this enterprise."""
    if enterprise is None:
        return False
    if sees_everything(user):
        return True
    if role_of(user) not in (OFFICER, TEAM):
        return False
    # The request's read of the user's assignments (see enterprises()) already knows.
    assigned = _assigned(user).enterprises
    if assigned is None:
        return _current_assignments(user).filter(enterprise=enterprise).exists()
    return enterprise.pk in assigned


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


def referrals(user) -> QuerySet:
    """Leaders and the office see every referral once submitted; a draft stays with the unit writing it.

    Teams and officers see the referrals their unit raised or was assigned, and those about enterprises they see.
    """
    from supervision.models import Referral

    r = role_of(user)
    if r not in PROGRAMME_ROLES:
        return Referral.objects.none()
    own = Q(raised_by_unit_id=user.unit_id) | Q(created_by_id=user.pk)
    submitted = ~Q(status=Referral.Status.DRAFT)
    if r in (LEADER, COORDINATOR):
        return Referral.objects.filter(own | submitted)
    related = Q(assigned_unit_id=user.unit_id) | Q(assigned_officer_id=user.pk) | Q(enterprise__in=enterprises(user).values("pk"))
    return Referral.objects.filter(own | (submitted & related))


def meetings(user) -> QuerySet:
    """Minutes of progress meetings go to every unit of the programme."""
    from supervision.models import Meeting

    return Meeting.objects.all() if is_programme_user(user) else Meeting.objects.none()


def meeting_actions(user) -> QuerySet:
    from supervision.models import MeetingAction

    return MeetingAction.objects.all() if is_programme_user(user) else MeetingAction.objects.none()


def notices(user) -> QuerySet:
    """Notices (通报) are circulated to every unit."""
    from supervision.models import Notice

    return Notice.objects.all() if is_programme_user(user) else Notice.objects.none()


def assessed_units(user) -> QuerySet:
    """Stations and teams whose scoreboard figures and unit page a user may open.

    Leaders and the office: all; a team: itself and the stations it answers for; an officer: their own station.
    """
    r = role_of(user)
    qs = Unit.objects.filter(kind__in=(Unit.Kind.STATION, Unit.Kind.TEAM), is_active=True)
    if r in (LEADER, COORDINATOR):
        return qs
    if r == TEAM:
        return qs.filter(Q(pk=user.unit_id) | Q(pk__in=station_ids(user)))
    if r == OFFICER:
        return qs.filter(pk=user.unit_id)
    return qs.none()


def _referral_raiser(user, obj=None) -> bool:
    if role_of(user) not in (COORDINATOR, TEAM, OFFICER):
        return False
    return obj is None or obj.created_by_id == user.pk or obj.raised_by_unit_id == user.unit_id


def _referral_replier(user, obj=None) -> bool:
    if not is_programme_user(user) or obj is None:
        return False
    return obj.assigned_officer_id == user.pk or (obj.assigned_unit_id is not None and obj.assigned_unit_id == user.unit_id)


def _action_closer(user, obj=None) -> bool:
    if is_office(user):
        return True
    if not is_programme_user(user) or obj is None:
        return False
    return obj.owner_id == user.pk or obj.owner_unit_id == user.unit_id


def _leader_office_team(user, obj=None) -> bool:
    return role_of(user) in (LEADER, COORDINATOR, TEAM)


SUPERVISION_SCOPES: dict[str, Callable] = {
    "supervision.referral": referrals,
    "supervision.meeting": meetings,
    "supervision.meetingaction": meeting_actions,
    "supervision.notice": notices,
}
SUPERVISION_PERMISSIONS: dict[str, Callable] = {
    "supervision.view": lambda user, obj=None: is_programme_user(user),
    # Referrals: the raising unit writes and submits, the office reports and routes, a leader instructs,
    # the assigned unit (or officer) replies.
    "supervision.referral_add": lambda user, obj=None: role_of(user) in (COORDINATOR, TEAM, OFFICER),
    "supervision.referral_edit": _referral_raiser,
    "supervision.referral_submit": _referral_raiser,
    "supervision.referral_return": lambda user, obj=None: is_office(user),
    "supervision.referral_report": lambda user, obj=None: is_office(user),
    "supervision.referral_instruct": lambda user, obj=None: is_leader(user),
    "supervision.referral_assign": lambda user, obj=None: is_office(user),
    "supervision.referral_reply": _referral_replier,
    "supervision.referral_export": lambda user, obj=None: is_programme_user(user),
    # Meetings: the office records them and their decisions; the responsible unit reports an action done.
    "supervision.meeting_add": lambda user, obj=None: is_office(user),
    "supervision.meeting_edit": lambda user, obj=None: is_office(user),
    "supervision.meetingaction_add": lambda user, obj=None: is_office(user),
    "supervision.meetingaction_edit": lambda user, obj=None: is_office(user),
    "supervision.meetingaction_done": _action_closer,
    "supervision.meetingaction_cancel": lambda user, obj=None: is_office(user),
    # Notices: only leaders issue them.
    "supervision.notice_add": lambda user, obj=None: is_leader(user),
    "supervision.notice_edit": lambda user, obj=None: is_leader(user),
    # The scoreboard: leaders, the office and teams (a team sees itself and its stations).
    "supervision.view_scoreboard": _leader_office_team,
}


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
REPORTS_PERMISSIONS: dict[str, Callable] = {
    # Dashboards: leaders and the office see the whole district, a team the enterprises it answers for.
    "reports.view_dashboard": _leader_office_team,
    # Which enterprises were (not) visited in a period: anyone in the programme, over their own enterprises.
    "reports.view_coverage": lambda user, obj=None: is_programme_user(user),
}


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
