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
from django.db.models.functions import Cast, Coalesce, NullIf
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


def _actor_of(path: str):
    """The person's name, or their username when the name is blank (as `User.__str__` does), in SQL."""
    prefix = f"{path}__" if path else ""
    return Coalesce(NullIf(F(f"{prefix}name"), Value("")), F(f"{prefix}username"), Value(""), output_field=CharField())


# Columns every branch of the timeline's union selects, in this order; `_event` reads them back by tag.
EVENT_COLUMNS = ("e_at", "e_tag", "e_pk", "e_ref", "e_n1", "e_n2", "e_title", "e_a", "e_b", "e_text", "e_more", "e_actor")


def _branch(queryset, at: str, tag: str, actor: str, **columns):
    text, number = CharField(), IntegerField()
    values = {
        "e_at": F(at), "e_tag": Value(tag, output_field=text), "e_pk": F("pk"),
        "e_ref": Value(None, output_field=number), "e_n1": Value(None, output_field=number),
        "e_n2": Value(None, output_field=number), "e_title": Value("", output_field=text),
        "e_a": Value("", output_field=text), "e_b": Value("", output_field=text),
        "e_text": Value("", output_field=text), "e_more": Value("", output_field=text), "e_actor": _actor_of(actor),
    }
    values.update({f"e_{name}": value for name, value in columns.items()})
    return queryset.filter(**{f"{at}__isnull": False}).order_by().annotate(**values).values_list(*EVENT_COLUMNS)


def _branches(enterprise: Enterprise) -> dict[str, list]:
    """The union's branches of each kind: one per dated event a record has (a plan is drafted, approved, closed)."""
    visits = Visit.objects.filter(enterprise=enterprise)
    updates = IssueUpdate.objects.filter(issue__enterprise=enterprise)
    plans = Plan.objects.filter(enterprise=enterprise)
    tasks = PlanTask.objects.filter(plan__enterprise=enterprise)
    documents = Attachment.objects.filter(enterprise=enterprise)
    return {
        "visit": [_branch(visits, "visited_at", "visit", "author", a=F("channel"), text=F("observations"),
                          more=F("opinions"))],
        "ledger": [_branch(updates, "at", "ledger", "actor", ref=F("issue_id"), n1=F("issue__year"),
                           n2=F("issue__serial"), a=F("from_status"), b=F("to_status"), text=F("text"),
                           more=F("issue__description"))],
        "plan": [
            _branch(plans, "created_at", "plan:drafted", "created_by", title=F("title")),
            _branch(plans, "approved_at", "plan:approved", "approved_by", title=F("title"), text=F("approval_note")),
            _branch(plans, "closed_at", "plan:closed", "closed_by", title=F("title"), text=F("close_reason")),
        ],
        "task": [
            _branch(tasks, "created_at", "task:planned", "created_by", ref=F("plan_id"), title=F("title"),
                    a=_actor_of("owner"), b=Cast("deadline", CharField())),
            _branch(tasks, "done_at", "task:done", "done_by", ref=F("plan_id"), title=F("title"),
                    text=F("completion_note")),
        ],
        "attachment": [
            _branch(documents, "created_at", "attachment:added", "created_by", title=F("title"), a=F("kind")),
            _branch(documents, "removed_at", "attachment:removed", "removed_by", title=F("title"),
                    text=F("removal_reason")),
        ],
    }


def record_events(enterprise: Enterprise, kinds: list[str], *, before: dt.datetime | None = None,
                  at: dt.datetime | None = None, limit: int | None = None) -> list[TimelineEntry]:
    """The newest `limit` events of the given kinds before the cursor (or exactly at `at`), in one query."""
    branches = [b for kind, listed in _branches(enterprise).items() if kind in kinds for b in listed]
    if not branches:
        return []
    if before is not None:
        branches = [b.filter(e_at__lt=before) for b in branches]
    if at is not None:
        branches = [b.filter(e_at=at) for b in branches]
    union = branches[0].union(*branches[1:], all=True).order_by("-e_at", "-e_pk")
    return [_event(enterprise, *row) for row in (union[:limit] if limit else union)]


def _choice(model, field: str, value: str) -> str:
    return str(dict(model._meta.get_field(field).flatchoices).get(value, value))


def _event(enterprise, at, tag, pk, ref, n1, n2, title, a, b, text, more, actor) -> TimelineEntry:
    kind, _colon, event = tag.partition(":")
    if kind == "visit":
        channel = _choice(Visit, "channel", a)
        return TimelineEntry(
            at=at, kind="visit", kind_label=_("Visit"), icon="bi-clipboard-check",
            title=_("Visit (%(channel)s)") % {"channel": channel}, text=(text or more or "")[:300], actor=actor,
            url=optional_url("visits:visit_detail", pk), key=f"visit:{pk}",
        )
    if kind == "ledger":
        number = f"{n1}-{n2:04d}"
        if b and b != a:
            status = _choice(IssueUpdate, "to_status", b)
            title = _("Ledger item %(number)s: %(status)s") % {"number": number, "status": status}
        else:
            title = _("Ledger item %(number)s: progress note") % {"number": number}
        return TimelineEntry(
            at=at, kind="ledger", kind_label=_("Ledger"), icon="bi-list-check", title=title,
            text=(text or more or "")[:300], actor=actor, url=optional_url("visits:issue_detail", ref),
            key=f"issueupdate:{pk}",
        )
    if kind == "plan":
        titles = {"drafted": _("Plan drafted: %(title)s"), "approved": _("Plan approved: %(title)s"),
                  "closed": _("Plan closed: %(title)s")}
        icons = {"drafted": "bi-signpost-split", "approved": "bi-patch-check", "closed": "bi-archive"}
        return TimelineEntry(
            at=at, kind="plan", kind_label=_("Plan"), icon=icons[event], title=titles[event] % {"title": title},
            text=text, actor=actor, url=reverse("enterprises:plan_detail", args=[pk]), key=f"plan:{pk}:{event}",
        )
    if kind == "task":
        url = reverse("enterprises:plan_detail", args=[ref]) + f"#task-{pk}"
        if event == "planned":
            return TimelineEntry(
                at=at, kind="task", kind_label=_("Task"), icon="bi-list-task",
                title=_("Task planned: %(title)s") % {"title": title},
                text=_("Owner %(owner)s, deadline %(deadline)s") % {"owner": a, "deadline": b},
                actor=actor, url=url, key=f"task:{pk}:planned",
            )
        return TimelineEntry(
            at=at, kind="task", kind_label=_("Task"), icon="bi-check2-square",
            title=_("Task done: %(title)s") % {"title": title}, text=text, actor=actor, url=url, key=f"task:{pk}:done",
        )
    url = reverse("enterprises:enterprise_detail", args=[enterprise.pk]) + "?tab=documents"
    if event == "added":
        return TimelineEntry(
            at=at, kind="attachment", kind_label=_("Document"), icon="bi-file-earmark-arrow-up",
            title=_("Document added: %(title)s") % {"title": title}, text=_choice(Attachment, "kind", a),
            actor=actor, url=url, key=f"attachment:{pk}:added",
        )
    return TimelineEntry(
        at=at, kind="attachment", kind_label=_("Document"), icon="bi-file-earmark-x",
        title=_("Document removed: %(title)s") % {"title": title}, text=text, actor=actor, url=url,
        key=f"attachment:{pk}:removed",
    )


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


def _names(wanted: dict[type, list[int]]) -> dict[type, dict[str, str]]:
    """{model: {pk: the record's name}} of the records an edit pointed to, in one query.

    Each expression gives what the model's `__str__` gives; a model without one here is read on its own.
    """
    from accounts.models import Unit, User

    expressions = {User: _actor_of(""), Unit: F("name"), Enterprise: F("name"), Plan: F("title")}
    named: dict[type, dict[str, str]] = {model: {} for model in wanted}
    branches = []
    for model, ids in wanted.items():
        if model in expressions:
            branches.append(
                model.objects.filter(pk__in=ids).order_by()
                .annotate(n_model=Value(model._meta.label, output_field=CharField()), n_name=expressions[model])
                .values_list("n_model", "pk", "n_name")
            )
        else:
            named[model] = {str(pk): str(obj) for pk, obj in model.objects.in_bulk(ids).items()}
    if branches:
        labels = {model._meta.label: model for model in wanted}
        for label, pk, name in branches[0].union(*branches[1:], all=True):
            named[labels[label]][str(pk)] = name
    return named


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
    named = _names({model: [int(pk) for pk in pks if str(pk).isdigit()] for model, pks in wanted.items()})
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
    """(entries newest first, cursor of the next page or None, the kinds to filter by).

    The file's own records come from one query, its audited edits from another, other apps' entries from theirs.
    """
    wanted = [key for key, _label in TIMELINE_KINDS if not kind or kind == key]
    kinds = [(k, str(label)) for k, label in TIMELINE_KINDS]
    records = record_events(enterprise, wanted, before=before, limit=page_size + 1)
    merged = list(records)
    if "edit" in wanted:
        merged.extend(audit_entries(enterprise, _window(before, page_size + 1)))
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
    # Never split entries of the same moment across pages (approving a plan closes the old one at that moment):
    # the next page starts before that moment, so every record of it is shown here, including any the limit cut.
    rest = merged[page_size:]
    if rest[0].at == page[-1].at:
        moment = page[-1].at
        at_moment = {e.key: e for e in page + rest if e.at == moment}
        if len(records) > page_size and records[-1].at == moment:  # the limit may have cut records of that moment
            at_moment.update((e.key, e) for e in record_events(enterprise, wanted, at=moment))
        page = [e for e in page if e.at != moment] + sorted(at_moment.values(), key=lambda e: e.key, reverse=True)
        # Records older than that moment may lie beyond the limit: the cursor stays while any were cut.
        rest = [e for e in rest if e.at < moment] or records[page_size:]
    return page, (page[-1].at if rest else None), kinds


def _window(before: dt.datetime | None, limit: int):
    """The newest `limit` rows of a queryset by one of its times, before the cursor."""
    def window(queryset, field):
        if before is not None:
            queryset = queryset.filter(**{f"{field}__lt": before})
        return queryset.filter(**{f"{field}__isnull": False}).order_by(f"-{field}", "-pk")[:limit]
    return window


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
