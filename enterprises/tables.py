import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise, Plan, PlanTask
from liaison.tables import TEMPLATE, WrittenRows, esc, labels, url_writer


class EnterpriseTable(WrittenRows, tables.Table):
    """The enterprise list: rows and export written directly (liaison.tables), as a city has tens of thousands."""

    name = tables.Column(linkify=True)
    credit_code = tables.Column()
    station = tables.Column(accessor="station__name", verbose_name=_("Police station"))
    industry = tables.Column()
    community_officer = tables.Column(verbose_name=_("Community officer"), order_by=("community_officer",), default="—")
    is_key = tables.BooleanColumn(verbose_name=_("Key"), yesno=("★", ""))
    hazards = tables.Column(verbose_name=_("Hazardous goods"), empty_values=(), orderable=False)
    last_visit_at = tables.DateTimeColumn(format="Y-m-d", default="—")
    next_visit = tables.Column(verbose_name=_("Next visit due"), empty_values=(), orderable=False)
    status = tables.Column()

    class Meta:
        model = Enterprise
        fields = ["name", "credit_code", "station", "industry", "community_officer", "is_key", "hazards", "last_visit_at", "next_visit", "status"]
        attrs = {"class": "table table-sm table-hover align-middle"}
        order_by = ("name",)
        template_name = TEMPLATE

    def cell_writers(self):
        industries = labels(Enterprise.Industry.choices)
        statuses = labels(Enterprise.Status.choices)
        never = esc(_("Not yet visited"))
        here = timezone.get_current_timezone()
        detail = url_writer("enterprises:enterprise_detail")
        return {
            "name": lambda r: f'<a href="{detail(r.pk)}">{esc(r.name)}</a>',
            "credit_code": lambda r: esc(r.credit_code),
            "station": lambda r: esc(r.station.name),
            "industry": lambda r: industries.get(r.industry) or esc(r.industry),
            "community_officer": lambda r: esc(r.community_officer or "—"),
            "is_key": lambda r: '<span class="true">★</span>' if r.is_key else '<span class="false"></span>',
            "hazards": lambda r: esc(self.render_hazards(r)) if r.is_hazardous else "—",
            "last_visit_at": lambda r: r.last_visit_at.astimezone(here).strftime("%Y-%m-%d") if r.last_visit_at else "—",
            "next_visit": lambda r: r.next_visit_due.isoformat() if r.last_visit_at else never,
            "status": lambda r: statuses.get(r.status) or esc(r.status),
        }

    def render_hazards(self, record):
        names = []
        if record.has_explosives:
            names.append(str(_("Explosives")))
        if record.has_hazardous_chemicals:
            names.append(str(_("Hazardous chemicals")))
        if record.has_fuel:
            names.append(str(_("Fuel or gas")))
        if record.has_fireworks:
            names.append(str(_("Fireworks")))
        return "、".join(names) or "—"

    def value_is_key(self, record):
        return str(_("Yes")) if record.is_key else ""

    def value_last_visit_at(self, record):
        # Offices read the export in local time, as on screen.
        return timezone.localtime(record.last_visit_at).strftime("%Y-%m-%d %H:%M") if record.last_visit_at else "—"

    def value_hazards(self, record):
        return self.render_hazards(record)

    def value_writers(self):
        industries = {value: str(label) for value, label in Enterprise.Industry.choices}
        statuses = {value: str(label) for value, label in Enterprise.Status.choices}
        yes, never = str(_("Yes")), str(_("Not yet visited"))
        return {
            "name": lambda r: r.name,
            "credit_code": lambda r: r.credit_code,
            "station": lambda r: r.station.name,
            "industry": lambda r: industries.get(r.industry, r.industry),
            "community_officer": lambda r: r.community_officer,
            "is_key": lambda r: yes if r.is_key else "",
            "hazards": lambda r: self.render_hazards(r) if r.is_hazardous else "—",
            "last_visit_at": self.value_last_visit_at,
            "next_visit": lambda r: r.next_visit_due.isoformat() if r.last_visit_at else never,
            "status": lambda r: statuses.get(r.status, r.status),
        }

    def render_next_visit(self, record):
        due = record.next_visit_due
        return due.isoformat() if due else _("Not yet visited")

    def value_next_visit(self, record):
        return self.render_next_visit(record)


class PlanTable(WrittenRows, tables.Table):
    """Plans: rows written directly (liaison.tables), as a city has one for a third of its enterprises."""

    title = tables.Column(linkify=True)
    enterprise = tables.Column(accessor="enterprise__name", verbose_name=_("Enterprise"),
                               linkify=lambda record: record.enterprise.get_absolute_url())
    station = tables.Column(accessor="enterprise__station__name", verbose_name=_("Police station"))
    status = tables.Column()
    tasks_open = tables.Column(verbose_name=_("Open tasks"), attrs={"td": {"class": "text-end"}})
    tasks_overdue = tables.Column(verbose_name=_("Overdue tasks"), attrs={"td": {"class": "text-end"}})
    approved_at = tables.DateTimeColumn(format="Y-m-d", default="—")
    review_on = tables.DateColumn(format="Y-m-d")

    class Meta:
        model = Plan
        fields = ["title", "enterprise", "station", "status", "tasks_open", "tasks_overdue", "approved_at", "review_on"]
        attrs = {"class": "table table-sm table-hover align-middle"}
        order_by = ("enterprise",)
        template_name = TEMPLATE

    def cell_writers(self):
        plan, enterprise = url_writer("enterprises:plan_detail"), url_writer("enterprises:enterprise_detail")
        statuses = labels(Plan.Status.choices)
        here = timezone.get_current_timezone()
        today = timezone.localdate()

        def review_on(r):
            if r.status == Plan.Status.APPROVED and r.review_on < today:
                return f'<span class="text-danger fw-semibold">{r.review_on.isoformat()}</span>'
            return r.review_on.isoformat()

        return {
            "title": lambda r: f'<a href="{plan(r.pk)}">{esc(r.title)}</a>',
            "enterprise": lambda r: f'<a href="{enterprise(r.enterprise_id)}">{esc(r.enterprise.name)}</a>',
            "station": lambda r: esc(r.enterprise.station.name),
            "status": lambda r: statuses.get(r.status) or esc(r.status),
            "tasks_open": lambda r: str(r.tasks_open),
            "tasks_overdue": lambda r: str(r.tasks_overdue),
            "approved_at": lambda r: r.approved_at.astimezone(here).strftime("%Y-%m-%d") if r.approved_at else "—",
            "review_on": review_on,
        }

    def render_review_on(self, record, value):
        if record.review_overdue:
            return format_html('<span class="text-danger fw-semibold">{}</span>', value.isoformat())
        return value.isoformat()

    def value_review_on(self, record, value):
        return value.isoformat()


class PlanTaskTable(WrittenRows, tables.Table):
    """Plan tasks: rows written directly (liaison.tables), as a city's plans have tens of thousands."""

    title = tables.Column(linkify=True)
    enterprise = tables.Column(accessor="plan__enterprise__name", verbose_name=_("Enterprise"))
    plan = tables.Column(accessor="plan__title", verbose_name=_("Plan"), linkify=lambda record: record.plan.get_absolute_url())
    owner = tables.Column(accessor="owner__name", verbose_name=_("Owner"))
    starts_on = tables.DateColumn(format="Y-m-d")
    deadline = tables.DateColumn(format="Y-m-d")
    state = tables.Column(verbose_name=_("State"), empty_values=(), orderable=False)

    class Meta:
        model = PlanTask
        fields = ["title", "enterprise", "plan", "owner", "starts_on", "deadline", "state"]
        attrs = {"class": "table table-sm table-hover align-middle"}
        order_by = ("deadline",)
        template_name = TEMPLATE

    def cell_writers(self):
        plan = url_writer("enterprises:plan_detail")
        badge = '<span class="badge text-bg-{}">{}</span>'
        done, overdue, open_ = (badge.format(style, esc(label)) for style, label in
                                (("success", _("Done")), ("danger", _("Overdue")), ("primary", _("Open"))))
        not_approved = {value: badge.format("secondary", label) for value, label in labels(Plan.Status.choices).items()}
        today = timezone.localdate()

        def state(r):
            if r.done_at:
                return done
            if r.plan.status != Plan.Status.APPROVED:
                return not_approved[r.plan.status]
            return overdue if r.deadline < today else open_

        return {
            "title": lambda r: f'<a href="{plan(r.plan_id)}#task-{r.pk}">{esc(r.title)}</a>',
            "enterprise": lambda r: esc(r.plan.enterprise.name),
            "plan": lambda r: f'<a href="{plan(r.plan_id)}">{esc(r.plan.title)}</a>',
            "owner": lambda r: esc(r.owner.name or "—") if r.owner_id else "—",
            "starts_on": lambda r: r.starts_on.isoformat() if r.starts_on else "—",
            "deadline": lambda r: r.deadline.isoformat() if r.deadline else "—",
            "state": state,
        }

    def render_state(self, record):
        if record.done_at:
            return format_html('<span class="badge text-bg-success">{}</span>', _("Done"))
        if record.plan.status != Plan.Status.APPROVED:
            return format_html('<span class="badge text-bg-secondary">{}</span>', record.plan.get_status_display())
        if record.is_overdue:
            return format_html('<span class="badge text-bg-danger">{}</span>', _("Overdue"))
        return format_html('<span class="badge text-bg-primary">{}</span>', _("Open"))

    def value_state(self, record):
        if record.done_at:
            return str(_("Done"))
        if record.plan.status != Plan.Status.APPROVED:
            return str(record.plan.get_status_display())
        return str(_("Overdue") if record.is_overdue else _("Open"))


class UnplannedEnterpriseTable(tables.Table):
    name = tables.Column(linkify=lambda record: record.get_absolute_url() + "?tab=plan")
    station = tables.Column(accessor="station__name", verbose_name=_("Police station"))
    is_key = tables.BooleanColumn(verbose_name=_("Key"), yesno=("★", ""))
    community_officer = tables.Column(verbose_name=_("Community officer"), default="—")
    draft_count = tables.Column(verbose_name=_("Drafts"), attrs={"td": {"class": "text-end"}})

    class Meta:
        model = Enterprise
        fields = ["name", "station", "is_key", "community_officer", "draft_count"]
        attrs = {"class": "table table-sm table-hover align-middle"}
        order_by = ("-is_key", "name")
        prefix = "u-"
        per_page = 25
