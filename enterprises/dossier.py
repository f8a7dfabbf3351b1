"""The enterprise file (一企一档): what each tab of `/enterprises/<pk>/` shows, and its timeline.

Every tab is built by one function whose number of queries does not depend on how many visits, ledger items,
photos or documents the enterprise has (long lists are paged). Other apps add tabs and timeline entries through
`liaison.dossier`.
"""

from __future__ import annotations

import datetime as dt

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db.models import CharField, Count, F, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises import timetable
from enterprises.models import Assignment, Attachment, Enterprise, Plan, PlanTask
from liaison import access
from liaison.dossier import Tab, TimelineEntry, app_tabs, app_timeline
from visits.models import Issue, IssuePhoto, IssueUpdate, Visit, VisitPhoto

VISITS_PER_PAGE = 20
ISSUES_PER_PAGE = 25
PHOTOS_PER_PAGE = 24
TIMELINE_PAGE = 50

TIMELINE_KINDS = [
    ("visit", gettext_lazy("Visits")),
    ("ledger", gettext_lazy("Ledger")),
    ("plan", gettext_lazy("Plans")),
    ("task", gettext_lazy("Tasks")),
    ("attachment", gettext_lazy("Documents")),
    ("edit", gettext_lazy("Edits")),
]


def optional_url(name: str, *args) -> str:
    """The URL of a page another app may not have shipped yet; empty until it exists."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _count(model, path: str):
    rows = model.objects.filter(**{path: OuterRef("pk")}).order_by().values(path).annotate(n=Count("*")).values("n")[:1]
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def counts(enterprise: Enterprise) -> dict:
    """The badges of the tabs, in one query."""
    return (
        Enterprise.objects.filter(pk=enterprise.pk)
        .annotate(
            visits_n=_count(Visit, "enterprise"),
            issues_n=_count(Issue, "enterprise"),
            visit_photos_n=_count(VisitPhoto, "visit__enterprise"),
            issue_photos_n=_count(IssuePhoto, "issue__enterprise"),
            documents_n=Coalesce(
                Subquery(
                    Attachment.objects.filter(enterprise=OuterRef("pk"), removed_at__isnull=True).order_by()
                    .values("enterprise").annotate(n=Count("*")).values("n")[:1],
                    output_field=IntegerField(),
                ),
                0,
            ),
            plans_n=_count(Plan, "enterprise"),
        )
        .values("visits_n", "issues_n", "visit_photos_n", "issue_photos_n", "documents_n", "plans_n")
        .get()
    )


# ---------------------------------------------------------------- tabs


def _page(request, queryset, per_page):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def plan_context(request, enterprise: Enterprise) -> dict:
    tasks = PlanTask.objects.select_related("owner", "done_by").order_by("starts_on", "deadline", "pk")
    plans = list(
        Plan.objects.filter(enterprise=enterprise)
        .select_related("created_by", "approved_by", "closed_by")
        .prefetch_related(Prefetch("tasks", queryset=tasks), "responsible_officers")
        .order_by("-created_at")
    )
    current = next((p for p in plans if p.status == Plan.Status.APPROVED), None)
    user = request.user
    return {
        "current_plan": current,
        "current_timetable": timetable.build(current.tasks.all()) if current else None,
        "draft_plans": [p for p in plans if p.status == Plan.Status.DRAFT],
        "closed_plans": [p for p in plans if p.status == Plan.Status.CLOSED],
        "may_draft_plan": enterprise.status == Enterprise.Status.ACTIVE and access.can(user, "enterprises.plan_add", enterprise),
    }


def visits_queryset(enterprise: Enterprise):
    return (
        Visit.objects.filter(enterprise=enterprise)
        .select_related("author")
        .prefetch_related("officers")
        .annotate(photos_n=Count("photos", distinct=True), issues_n=Count("issues", distinct=True))
        .order_by("-visited_at", "-pk")
    )


def visits_context(request, enterprise: Enterprise) -> dict:
    return {"visits_page": _page(request, visits_queryset(enterprise), VISITS_PER_PAGE)}


def issues_queryset(enterprise: Enterprise):
    return (
        Issue.objects.filter(enterprise=enterprise)
        .select_related("responsible_unit", "owner", "visit")
        .order_by("-year", "-serial")
    )


def ledger_context(request, enterprise: Enterprise) -> dict:
    page = _page(request, issues_queryset(enterprise), ISSUES_PER_PAGE)
    today = timezone.localdate()
    for issue in page.object_list:
        issue.is_late = issue.is_open and issue.deadline is not None and issue.deadline < today
    return {"issues_page": page}


def photos_queryset(enterprise: Enterprise):
    """Photos of the visits and of the ledger items, newest first, as one paged list of plain rows."""
    text = CharField()
    visit_photos = (
        VisitPhoto.objects.filter(visit__enterprise=enterprise)
        .annotate(source=Value("visit", output_field=text), taken=F("visit__visited_at"), ref=F("visit_id"))
        .order_by()
        .values_list("id", "source", "caption", "taken", "ref")
    )
    issue_photos = (
        IssuePhoto.objects.filter(issue__enterprise=enterprise)
        .annotate(source=Value("issue", output_field=text), taken=F("created_at"), ref=F("issue_id"))
        .order_by()
        .values_list("id", "source", "caption", "taken", "ref")
    )
    return visit_photos.union(issue_photos, all=True).order_by("-taken", "-id")


class Photo:
    def __init__(self, pk, source, caption, taken, ref_id):
        self.pk, self.source, self.caption, self.taken, self.ref_id = pk, source, caption, taken, ref_id
        self.ref = None

    @property
    def thumb_url(self):
        return reverse("enterprises:dossier_photo", args=[self.source, self.pk]) + "?size=thumb"

    @property
    def url(self):
        return reverse("enterprises:dossier_photo", args=[self.source, self.pk])

    @property
    def label(self):
        if self.source == "visit":
            return _("Visit of %(date)s") % {"date": f"{timezone.localtime(self.taken):%Y-%m-%d}"}
        return _("Ledger item %(number)s") % {"number": self.ref.number if self.ref else ""}


def attach_refs(photos: list[Photo]) -> list[Photo]:
    """Fill each photo's visit or ledger item in two queries at most."""
    visit_ids = {p.ref_id for p in photos if p.source == "visit"}
    issue_ids = {p.ref_id for p in photos if p.source == "issue"}
    visits = Visit.objects.in_bulk(visit_ids) if visit_ids else {}
    issues = Issue.objects.in_bulk(issue_ids) if issue_ids else {}
    for p in photos:
        p.ref = (visits if p.source == "visit" else issues).get(p.ref_id)
    return photos


def images_context(request, enterprise: Enterprise) -> dict:
    page = _page(request, photos_queryset(enterprise), PHOTOS_PER_PAGE)
    page.object_list = attach_refs([Photo(*row) for row in page.object_list])
    return {"photos_page": page}


def documents_context(request, enterprise: Enterprise) -> dict:
    rows = list(
        Attachment.objects.filter(enterprise=enterprise)
        .select_related("created_by", "removed_by", "visit", "issue")
        .order_by("-created_at", "-pk")
    )
    user = request.user
    for row in rows:
        row.may_remove = row.removed_at is None and access.can(user, "enterprises.attachment_remove", row)
    return {
        "documents": [a for a in rows if a.removed_at is None],
        "removed_documents": [a for a in rows if a.removed_at is not None],
        "may_add_document": access.can(user, "enterprises.attachment_add", enterprise),
    }


def own_tabs(request, enterprise: Enterprise, n: dict) -> list[Tab]:
    def bind(function):
        return lambda: function(request, enterprise)

    return [
        Tab("profile", _("Profile and assignments"), "enterprises/dossier/profile.html", order=10, icon="bi-building"),
        Tab("plan", _("Plan and tasks"), "enterprises/dossier/plan.html", bind(plan_context), order=20,
            count=n["plans_n"] or None, icon="bi-signpost-split"),
        Tab("visits", _("Visit records"), "enterprises/dossier/visits.html", bind(visits_context), order=30,
            count=n["visits_n"], icon="bi-clipboard-check"),
        Tab("ledger", _("Ledger"), "enterprises/dossier/ledger.html", bind(ledger_context), order=40,
            count=n["issues_n"], icon="bi-list-check"),
        Tab("images", _("Image material"), "enterprises/dossier/images.html", bind(images_context), order=50,
            count=n["visit_photos_n"] + n["issue_photos_n"], icon="bi-images"),
        Tab("documents", _("Documents"), "enterprises/dossier/documents.html", bind(documents_context), order=60,
            count=n["documents_n"], icon="bi-file-earmark-text"),
        Tab("timeline", _("Timeline"), "enterprises/dossier/timeline.html", bind(timeline_context), order=70,
            icon="bi-clock-history"),
    ]


def tabs(request, enterprise: Enterprise) -> list[Tab]:
    """The file's own tabs, then those other apps add (in their order)."""
    return own_tabs(request, enterprise, counts(enterprise)) + app_tabs(request, enterprise)


# ---------------------------------------------------------------- timeline


def _parse_before(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace(" ", "+"))
    except ValueError:
        return None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _name(user) -> str:
    return (user.name or user.username) if user else ""


class _Sources:
    """Each source yields the newest `limit` entries of one kind before the cursor."""

    def __init__(self, enterprise: Enterprise, before: dt.datetime | None, limit: int):
        self.enterprise, self.before, self.limit = enterprise, before, limit

    def _window(self, queryset, field):
        if self.before is not None:
            queryset = queryset.filter(**{f"{field}__lt": self.before})
        return queryset.filter(**{f"{field}__isnull": False}).order_by(f"-{field}", "-pk")[: self.limit]

    def visit(self):
        for v in self._window(Visit.objects.filter(enterprise=self.enterprise).select_related("author"), "visited_at"):
            yield TimelineEntry(
                at=v.visited_at, kind="visit", kind_label=_("Visit"), icon="bi-clipboard-check",
                title=_("Visit (%(channel)s)") % {"channel": v.get_channel_display()},
                text=(v.observations or v.opinions)[:300], actor=_name(v.author),
                url=optional_url("visits:visit_detail", v.pk), key=f"visit:{v.pk}",
            )

    def ledger(self):
        updates = IssueUpdate.objects.filter(issue__enterprise=self.enterprise).select_related("issue", "actor")
        for u in self._window(updates, "at"):
            if u.to_status and u.to_status != u.from_status:
                title = _("Ledger item %(number)s: %(status)s") % {"number": u.issue.number, "status": u.get_to_status_display()}
            else:
                title = _("Ledger item %(number)s: progress note") % {"number": u.issue.number}
            yield TimelineEntry(
                at=u.at, kind="ledger", kind_label=_("Ledger"), icon="bi-list-check", title=title,
                text=(u.text or u.issue.description)[:300], actor=_name(u.actor),
                url=optional_url("visits:issue_detail", u.issue_id), key=f"issueupdate:{u.pk}",
            )

    def plan(self):
        plans = Plan.objects.filter(enterprise=self.enterprise)
        for p in self._window(plans.select_related("created_by"), "created_at"):
            yield TimelineEntry(
                at=p.created_at, kind="plan", kind_label=_("Plan"), icon="bi-signpost-split",
                title=_("Plan drafted: %(title)s") % {"title": p.title}, actor=_name(p.created_by),
                url=p.get_absolute_url(), key=f"plan:{p.pk}:drafted",
            )
        for p in self._window(plans.select_related("approved_by"), "approved_at"):
            yield TimelineEntry(
                at=p.approved_at, kind="plan", kind_label=_("Plan"), icon="bi-patch-check",
                title=_("Plan approved: %(title)s") % {"title": p.title}, text=p.approval_note,
                actor=_name(p.approved_by), url=p.get_absolute_url(), key=f"plan:{p.pk}:approved",
            )
        for p in self._window(plans.select_related("closed_by"), "closed_at"):
            yield TimelineEntry(
                at=p.closed_at, kind="plan", kind_label=_("Plan"), icon="bi-archive",
                title=_("Plan closed: %(title)s") % {"title": p.title}, text=p.close_reason,
                actor=_name(p.closed_by), url=p.get_absolute_url(), key=f"plan:{p.pk}:closed",
            )

    def task(self):
        tasks = PlanTask.objects.filter(plan__enterprise=self.enterprise)
        for t in self._window(tasks.select_related("created_by", "owner"), "created_at"):
            yield TimelineEntry(
                at=t.created_at, kind="task", kind_label=_("Task"), icon="bi-list-task",
                title=_("Task planned: %(title)s") % {"title": t.title},
                text=_("Owner %(owner)s, deadline %(deadline)s") % {"owner": _name(t.owner), "deadline": t.deadline.isoformat()},
                actor=_name(t.created_by), url=t.get_absolute_url(), key=f"task:{t.pk}:planned",
            )
        for t in self._window(tasks.select_related("done_by"), "done_at"):
            yield TimelineEntry(
                at=t.done_at, kind="task", kind_label=_("Task"), icon="bi-check2-square",
                title=_("Task done: %(title)s") % {"title": t.title}, text=t.completion_note,
                actor=_name(t.done_by), url=t.get_absolute_url(), key=f"task:{t.pk}:done",
            )

    def attachment(self):
        rows = Attachment.objects.filter(enterprise=self.enterprise)
        for a in self._window(rows.select_related("created_by"), "created_at"):
            yield TimelineEntry(
                at=a.created_at, kind="attachment", kind_label=_("Document"), icon="bi-file-earmark-arrow-up",
                title=_("Document added: %(title)s") % {"title": a.title}, text=a.get_kind_display(),
                actor=_name(a.created_by), url=a.get_absolute_url(), key=f"attachment:{a.pk}:added",
            )
        for a in self._window(rows.select_related("removed_by"), "removed_at"):
            yield TimelineEntry(
                at=a.removed_at, kind="attachment", kind_label=_("Document"), icon="bi-file-earmark-x",
                title=_("Document removed: %(title)s") % {"title": a.title}, text=a.removal_reason,
                actor=_name(a.removed_by), url=a.get_absolute_url(), key=f"attachment:{a.pk}:removed",
            )

    def edit(self):
        yield from audit_entries(self.enterprise, self._window)


def audit_entries(enterprise: Enterprise, window):
    """Audited edits (django-auditlog) of the enterprise, its assignments, plans and tasks.

    Transitions already on the timeline (a plan's status, a task done) and the visit time the visits app keeps
    on the enterprise are left out so that nothing shows twice.
    """
    types = ContentType.objects.get_for_models(Enterprise, Assignment, Plan, PlanTask)
    update = LogEntry.Action.UPDATE
    condition = (
        (Q(content_type=types[Enterprise], object_id=enterprise.pk) & ~(Q(action=update) & Q(changes__has_key="last_visit_at")))
        | Q(content_type=types[Assignment], object_id__in=Assignment.objects.filter(enterprise=enterprise).values("pk"))
        | (Q(content_type=types[Plan], action=update, object_id__in=Plan.objects.filter(enterprise=enterprise).values("pk"))
           & ~Q(changes__has_key="status"))
        | (Q(content_type=types[PlanTask], action=update,
             object_id__in=PlanTask.objects.filter(plan__enterprise=enterprise).values("pk"))
           & ~Q(changes__has_key="done_at"))
    )
    entries = list(window(LogEntry.objects.filter(condition).select_related("actor"), "timestamp"))
    models = {ct.pk: model for model, ct in types.items()}
    described = describe_changes(entries, models)
    labels = {
        LogEntry.Action.CREATE: _("created"),
        LogEntry.Action.UPDATE: _("changed"),
        LogEntry.Action.DELETE: _("deleted"),
    }
    for entry in entries:
        model = models[entry.content_type_id]
        changes = described.get(entry.pk, [])
        if entry.action == update and not changes:
            continue
        if model is Plan:
            url = reverse("enterprises:plan_detail", args=[entry.object_id])
        elif model is PlanTask:
            url = ""
        else:
            url = reverse("enterprises:enterprise_detail", args=[enterprise.pk])
        yield TimelineEntry(
            at=entry.timestamp, kind="edit", kind_label=_("Edit"), icon="bi-pencil",
            title=(_("%(kind)s %(action)s: %(record)s") % {
                "kind": str(model._meta.verbose_name).capitalize(), "action": labels.get(entry.action, ""),
                "record": entry.object_repr,
            })[:200],
            text="; ".join(changes) if entry.action == update else "", actor=_name(entry.actor), url=url,
            key=f"log:{entry.pk}",
        )


HIDDEN_FIELDS = {"updated_at", "created_at", "created_by", "last_visit_at", "id"}


def describe_changes(entries, models) -> dict[int, list[str]]:
    """'field: old → new' per log entry, with related records named in one query per related model."""
    wanted: dict[type, set] = {}
    parsed = []
    for entry in entries:
        model = models[entry.content_type_id]
        for name, values in (entry.changes or {}).items():
            if name in HIDDEN_FIELDS or not isinstance(values, list) or len(values) != 2:
                continue
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if not field.concrete or field.many_to_many:
                continue
            parsed.append((entry.pk, field, values))
            if field.is_relation and field.many_to_one:
                for value in values:
                    if value not in (None, "None", ""):
                        wanted.setdefault(field.related_model, set()).add(value)
    named = {}
    for model, pks in wanted.items():
        ids = [int(pk) for pk in pks if str(pk).isdigit()]
        named[model] = {str(pk): str(obj) for pk, obj in model.objects.in_bulk(ids).items()}
    out: dict[int, list[str]] = {}
    for pk, field, values in parsed:
        shown = []
        for value in values:
            if value in (None, "None", ""):
                shown.append("—")
            elif field.is_relation:
                shown.append(named.get(field.related_model, {}).get(str(value), str(value)))
            elif field.choices:
                shown.append(str(dict(field.flatchoices).get(value, value)))
            else:
                text = str(value)
                shown.append(text if len(text) <= 60 else text[:60] + "…")
        out.setdefault(pk, []).append(f"{field.verbose_name}: {shown[0]} → {shown[1]}")
    return out


def timeline(request, enterprise: Enterprise, *, kind: str = "", before: dt.datetime | None = None,
             page_size: int = TIMELINE_PAGE) -> tuple[list[TimelineEntry], dt.datetime | None, list[tuple[str, str]]]:
    """(entries newest first, cursor of the next page or None, the kinds to filter by)."""
    sources = _Sources(enterprise, before, page_size + 1)
    kinds = [(k, str(label)) for k, label in TIMELINE_KINDS]
    merged: list[TimelineEntry] = []
    for key, _label in TIMELINE_KINDS:
        if not kind or kind == key:
            merged.extend(getattr(sources, key)())
    known = {k for k, _label in kinds}
    for entry in app_timeline(request, enterprise):
        if entry.kind not in known:
            known.add(entry.kind)
            kinds.append((entry.kind, str(entry.kind_label)))
        if (not kind or entry.kind == kind) and (before is None or entry.at < before):
            merged.append(entry)
    merged.sort(key=lambda e: (e.at, e.key), reverse=True)
    if len(merged) <= page_size:
        return merged, None, kinds
    page = merged[:page_size]
    # Never split entries of the same moment across pages (approving a plan closes the old one at that moment).
    rest = merged[page_size:]
    while rest and rest[0].at == page[-1].at:
        page.append(rest.pop(0))
    return page, (page[-1].at if rest else None), kinds


def timeline_context(request, enterprise: Enterprise) -> dict:
    kind = request.GET.get("kind", "")
    before = _parse_before(request.GET.get("before"))
    entries, next_before, kinds = timeline(request, enterprise, kind=kind, before=before)
    return {
        "timeline": entries,
        "timeline_next": next_before.isoformat() if next_before else "",
        "timeline_kinds": kinds,
        "timeline_kind": kind,
        "timeline_before": before,
    }
