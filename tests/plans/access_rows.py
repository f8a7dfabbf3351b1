"""Access-matrix rows of the plans, tasks, attachments and the enterprise file (enterprises app).

Who drafts and edits a plan: the office, leaders and the officers/teams assigned to the enterprise. Only a
leader approves; the office and leaders close. A task's owner reports it done even outside their scope.
"""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from enterprises.models import Attachment, Plan, PlanTask
from tests.matrix import IN_SCOPE_A, IN_SCOPE_B, Row, everyone_but_auditor, expect, only, post_only
from visits.models import IssuePhoto, VisitPhoto

ENTERPRISE_A = lambda w: [w.enterprise_a.pk]  # noqa: E731
ENTERPRISE_B = lambda w: [w.enterprise_b.pk]  # noqa: E731
OFFICE_AND_LEADERS = dict(leader=200, coordinator=200)
# The officer is assigned to enterprise_a; the team answers for station A but is not assigned to it.
DRAFTERS_A = {**IN_SCOPE_A, "team": 403}


def scoped(table, **overrides):
    return expect(403, **{**table, "auditor": 403, **overrides})


def _stored(name: str, content: bytes) -> str:
    """A fixed small file under MEDIA_ROOT shared by every run (the matrix creates rows, not uploads)."""
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(content))
    return name


def _pdf():
    from tests.plans.factories import pdf_bytes

    return _stored("enterprises/access-matrix/document.pdf", pdf_bytes())


def _jpeg():
    from tests.plans.factories import jpeg_bytes

    return _stored("visits/access-matrix/photo.jpg", jpeg_bytes())


def _plan(w, enterprise=None, status=Plan.Status.DRAFT):
    plan = Plan.objects.create(
        enterprise=enterprise or w.enterprise_a, title="测试护航计划", situation="情况", goals="目标", measures="措施",
        review_on=timezone.localdate() + timezone.timedelta(days=60), status=status,
        approved_at=timezone.now() if status == Plan.Status.APPROVED else None,
        approved_by=w.leader if status == Plan.Status.APPROVED else None,
    )
    return plan


def _task(plan, owner):
    today = timezone.localdate()
    return PlanTask.objects.create(plan=plan, title="测试任务", owner=owner, starts_on=today, workdays=3,
                                   deadline=today + timezone.timedelta(days=5))


def draft_a(w):
    return [_plan(w).pk]


def approved_a(w):
    return [_plan(w, status=Plan.Status.APPROVED).pk]


def plan_b_with_officer_task(w):
    plan = _plan(w, w.enterprise_b, Plan.Status.APPROVED)
    _task(plan, w.officer)
    return [plan.pk]


def task_in_draft_a(w):
    return [_task(_plan(w), w.officer).pk]


def task_in_approved_a(w):
    return [_task(_plan(w, status=Plan.Status.APPROVED), w.officer).pk]


def task_of_officer_in_b(w):
    return [_task(_plan(w, w.enterprise_b, Plan.Status.APPROVED), w.officer).pk]


def attachment(w, enterprise=None, removed=False):
    a = Attachment.objects.create(
        enterprise=enterprise or w.enterprise_a, kind=Attachment.Kind.COMMITMENT, title="服务管家承诺书", file=_pdf(),
        file_type=Attachment.FileType.PDF, size=100, created_by=w.officer,
        removed_at=timezone.now() if removed else None, removed_by=w.coordinator if removed else None,
    )
    return a


def visit_photo_a(w):
    from tests.factories import VisitFactory

    visit = VisitFactory(enterprise=w.enterprise_a, author=w.officer)
    photo = VisitPhoto.objects.create(visit=visit, image=_jpeg(), thumbnail=_jpeg(), caption="现场")
    return ["visit", photo.pk]


def issue_photo_b(w):
    from tests.factories import IssueFactory

    issue = IssueFactory(enterprise=w.enterprise_b)
    photo = IssuePhoto.objects.create(issue=issue, image=_jpeg(), thumbnail=_jpeg(), caption="整改")
    return ["issue", photo.pk]


REASON = lambda w: {"reason": "测试原因"}  # noqa: E731
NOTE = lambda w: {"completion_note": "已完成"}  # noqa: E731

ROWS = [
    # The file's tabs and its print view and Word document: whoever sees the enterprise.
    *[
        Row("enterprises:enterprise_detail", get=scoped(IN_SCOPE_A), args=ENTERPRISE_A, query=f"tab={tab}", label=f"tab {tab}")
        for tab in ("plan", "visits", "ledger", "images", "documents", "timeline")
    ],
    Row("enterprises:enterprise_detail", get=scoped(IN_SCOPE_B), args=ENTERPRISE_B, query="tab=timeline", label="B timeline"),
    Row("enterprises:enterprise_print", get=scoped(IN_SCOPE_A), args=ENTERPRISE_A),
    Row("enterprises:enterprise_print", get=scoped(IN_SCOPE_B), args=ENTERPRISE_B, label="station B"),
    Row("enterprises:enterprise_file", get=scoped(IN_SCOPE_A), args=ENTERPRISE_A),
    Row("enterprises:enterprise_file", get=scoped(IN_SCOPE_B), args=ENTERPRISE_B, label="station B"),
    Row("enterprises:dossier_photo", get=scoped(IN_SCOPE_A), args=visit_photo_a, label="visit photo A"),
    Row("enterprises:dossier_photo", get=scoped(IN_SCOPE_B), args=issue_photo_b, query="size=thumb", label="ledger photo B"),
    # Plans.
    Row("enterprises:plan_list", get=everyone_but_auditor()),
    Row("enterprises:plan_list", get=everyone_but_auditor(), query="export=xlsx", label="export"),
    Row("enterprises:plan_overview", get=only(OFFICE_AND_LEADERS)),
    Row("enterprises:plan_add", get=scoped(DRAFTERS_A), post=scoped(DRAFTERS_A), args=ENTERPRISE_A),
    Row("enterprises:plan_add", get=scoped(IN_SCOPE_B), post=scoped(IN_SCOPE_B), args=ENTERPRISE_B, label="station B"),
    Row("enterprises:plan_detail", get=scoped(IN_SCOPE_A), args=draft_a),
    # The officer owns a task in a plan of station B: they see that plan (to report), nothing else of B.
    Row("enterprises:plan_detail", get=scoped(IN_SCOPE_B, officer=200), args=plan_b_with_officer_task, label="own task in B"),
    Row("enterprises:plan_edit", get=scoped(DRAFTERS_A), post=scoped(DRAFTERS_A), args=draft_a),
    Row(
        "enterprises:plan_edit",
        get=scoped(IN_SCOPE_A, leader=403, coordinator=403, team=403, officer=403),
        post=scoped(IN_SCOPE_A, leader=403, coordinator=403, team=403, officer=403),
        args=approved_a,
        label="approved",
    ),
    Row("enterprises:plan_approve", *post_only(dict(leader=302), scoped(IN_SCOPE_A, coordinator=403, team=403, officer=403)),
        args=draft_a),
    Row("enterprises:plan_close", *post_only(dict(leader=302, coordinator=302), scoped(IN_SCOPE_A, team=403, officer=403)),
        args=approved_a, data=REASON),
    Row("enterprises:plan_revise",
        *post_only(dict(leader=302, coordinator=302, officer=302), scoped(IN_SCOPE_A, team=403)), args=approved_a),
    # Tasks.
    Row("enterprises:task_list", get=everyone_but_auditor()),
    Row("enterprises:task_list", get=everyone_but_auditor(), query="export=xlsx&state=overdue", label="export"),
    Row("enterprises:task_add", get=scoped(DRAFTERS_A), post=scoped(DRAFTERS_A), args=draft_a),
    Row("enterprises:task_edit", get=scoped(DRAFTERS_A), post=scoped(DRAFTERS_A), args=task_in_draft_a),
    Row("enterprises:task_done",
        *post_only(dict(leader=302, coordinator=302, officer=302), scoped(IN_SCOPE_A, team=403)),
        args=task_in_approved_a, data=NOTE),
    # The task's owner reports it done although its enterprise is outside their scope.
    Row("enterprises:task_done",
        *post_only(dict(leader=302, coordinator=302, officer=302, outsider=302), scoped(IN_SCOPE_B)),
        args=task_of_officer_in_b, data=NOTE, label="owner outside scope"),
    # Attachments.
    Row("enterprises:attachment_add", get=scoped(IN_SCOPE_A), post=scoped(IN_SCOPE_A), args=ENTERPRISE_A),
    Row("enterprises:attachment_add", get=scoped(IN_SCOPE_B), post=scoped(IN_SCOPE_B), args=ENTERPRISE_B, label="station B"),
    Row("enterprises:attachment_download", get=scoped(IN_SCOPE_A), args=lambda w: [attachment(w).pk]),
    Row("enterprises:attachment_download", get=scoped(IN_SCOPE_B), args=lambda w: [attachment(w, w.enterprise_b).pk],
        label="station B"),
    Row("enterprises:attachment_download", get=scoped({**IN_SCOPE_A, **dict.fromkeys(IN_SCOPE_A, 404)}),
        args=lambda w: [attachment(w, removed=True).pk], label="removed"),
    # The office removes any document, the uploader (here the officer) their own.
    Row("enterprises:attachment_remove",
        *post_only(dict(coordinator=302, officer=302), scoped(IN_SCOPE_A, leader=403, team=403)),
        args=lambda w: [attachment(w).pk], data=REASON),
]
