import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liaison.tables import TEMPLATE, WrittenRows, esc, labels, url_writer
from visits.models import Issue, Visit

LIGHT_LABELS = {"green": _("Green"), "yellow": _("Yellow"), "red": _("Red")}


def light_badge(light):
    if not light:
        return "—"
    return format_html('<span class="badge badge-light-{}" data-light="{}">{}</span>', light, light, LIGHT_LABELS[light])


class VisitTable(WrittenRows, tables.Table):
    """The visit log: rows and export written directly (liaison.tables), as a city records half a million visits."""

    visited_at = tables.DateTimeColumn(format="Y-m-d H:i", linkify=True, verbose_name=_("Time of visit"))
    # The enterprise's name leads to its file (the time of the visit leads to the visit).
    enterprise = tables.Column(accessor="enterprise__name", verbose_name=_("Enterprise"),
                               linkify=lambda record: reverse("enterprises:enterprise_detail", args=[record.enterprise_id]))
    station = tables.Column(accessor="enterprise__station__name", verbose_name=_("Police station"))
    channel = tables.Column()
    author = tables.Column(accessor="author__name", verbose_name=_("Recorded by"))
    received_by = tables.Column(verbose_name=_("Received by"), default="—")
    services_given = tables.Column(verbose_name=_("Services delivered"), empty_values=(), orderable=False)
    problem_count = tables.Column(verbose_name=_("Problems"), attrs={"td": {"class": "text-end"}})
    photo_count = tables.Column(verbose_name=_("Photos"), attrs={"td": {"class": "text-end"}})

    class Meta:
        model = Visit
        fields = ["visited_at", "enterprise", "station", "channel", "author", "received_by", "services_given",
                  "problem_count", "photo_count"]
        attrs = {"class": "table table-sm table-hover align-middle", "id": "visit-table"}
        order_by = ("-visited_at",)
        template_name = TEMPLATE

    def _services(self):
        """record → the services delivered, joined as on the visit's page (labels translated once per page)."""
        named = [(name, str(Visit._meta.get_field(name).verbose_name)) for name in Visit.SERVICE_FIELDS]
        return lambda r: "、".join(label for name, label in named if getattr(r, name)) or "—"

    def cell_writers(self):
        visit, enterprise = url_writer("visits:visit_detail"), url_writer("enterprises:enterprise_detail")
        channels = labels(Visit.Channel.choices)
        here = timezone.get_current_timezone()
        services = self._services()

        def count(n):
            return str(n) if n is not None else "—"

        return {
            "visited_at": lambda r: f'<a href="{visit(r.pk)}">{r.visited_at.astimezone(here).strftime("%Y-%m-%d %H:%M")}</a>',
            "enterprise": lambda r: f'<a href="{enterprise(r.enterprise_id)}">{esc(r.enterprise.name)}</a>',
            "station": lambda r: esc(r.enterprise.station.name),
            "channel": lambda r: channels.get(r.channel) or esc(r.channel),
            "author": lambda r: esc(r.author.name or "—"),
            "received_by": lambda r: esc(r.received_by or "—"),
            "services_given": lambda r: esc(services(r)),
            "problem_count": lambda r: count(r.problem_count),
            "photo_count": lambda r: count(r.photo_count),
        }

    def value_writers(self):
        channels = {value: str(label) for value, label in Visit.Channel.choices}
        here = timezone.get_current_timezone()
        return {
            "visited_at": lambda r: r.visited_at.astimezone(here).strftime("%Y-%m-%d %H:%M"),
            "enterprise": lambda r: r.enterprise.name,
            "station": lambda r: r.enterprise.station.name,
            "channel": lambda r: channels.get(r.channel, r.channel),
            "author": lambda r: r.author.name or None,
            # An empty value is an empty cell (None), as django-tables2 exports a column's default.
            "received_by": lambda r: r.received_by or None,
            "services_given": self._services(),
            "problem_count": lambda r: r.problem_count,
            "photo_count": lambda r: r.photo_count,
        }

    def value_visited_at(self, record):
        # Offices read the export in local time, as on screen.
        return timezone.localtime(record.visited_at).strftime("%Y-%m-%d %H:%M")

    def render_services_given(self, record):
        return "、".join(str(label) for _name, label in record.services) or "—"

    def value_services_given(self, record):
        return self.render_services_given(record)


class IssueTable(WrittenRows, tables.Table):
    """The ledger list: rows written directly (liaison.tables), as a city's ledger has hundreds of thousands."""

    # Ticks for the office's bulk assignment: the inputs belong to the form above the table.
    issues = tables.CheckBoxColumn(
        accessor="pk", verbose_name="", attrs={"th__input": {"class": "d-none"}, "input": {"form": "bulk-assign", "class": "form-check-input"}}
    )
    number = tables.Column(verbose_name=_("Number"), order_by=("year", "serial"), linkify=True, empty_values=())
    light = tables.Column(verbose_name=_("Light"), accessor="light_code", order_by=("deadline",))
    enterprise = tables.Column(accessor="enterprise__name", verbose_name=_("Enterprise"))
    category = tables.Column()
    description = tables.Column(verbose_name=_("Problem"), attrs={"td": {"class": "text-break"}})
    responsible_unit = tables.Column(accessor="responsible_unit__name", verbose_name=_("Responsible unit"), default="—")
    owner = tables.Column(accessor="owner__name", verbose_name=_("Owner"), default="—")
    status = tables.Column()
    deadline = tables.DateColumn(format="Y-m-d", default="—")
    supervision = tables.Column(default="")

    class Meta:
        model = Issue
        fields = ["issues", "number", "light", "enterprise", "category", "description", "responsible_unit", "owner",
                  "status", "deadline", "supervision"]
        attrs = {"class": "table table-sm table-hover align-middle", "id": "issue-table"}
        row_attrs = {"data-light": lambda record: record.light_code or "none"}
        order_by = ("-number",)
        template_name = TEMPLATE

    def row_extra_attrs(self, record):
        return f' data-light="{record.light_code or "none"}"'

    def cell_writers(self):
        detail = url_writer("visits:issue_detail")
        badges = {code: str(light_badge(code)) for code in ("", *LIGHT_LABELS)}
        categories = labels(Issue.Category.choices)
        statuses = labels(Issue.Status.choices)
        was = esc(_("was"))

        def deadline(r):
            if r.deadline is None:
                return "—"
            if r.was_extended:
                return f'{r.deadline.isoformat()} <span class="small text-muted">({was} {r.original_deadline.isoformat()})</span>'
            return r.deadline.isoformat()

        return {
            "issues": lambda r: f'<input type="checkbox" name="issues" value="{r.pk}" form="bulk-assign" class="form-check-input"/>',
            "number": lambda r: f'<a href="{detail(r.pk)}">{r.number}</a>',
            "light": lambda r: badges[r.light_code or ""],
            "enterprise": lambda r: esc(r.enterprise.name),
            "category": lambda r: categories.get(r.category) or esc(r.category),
            "description": lambda r: esc(self.render_description(r.description)),
            "responsible_unit": lambda r: esc(r.responsible_unit.name) if r.responsible_unit_id else "—",
            "owner": lambda r: esc(r.owner.name) if r.owner_id else "—",
            "status": lambda r: statuses.get(r.status) or esc(r.status),
            "deadline": deadline,
            "supervision": lambda r: str(self.render_supervision(r)),
        }

    def render_number(self, record):
        return record.number

    def render_light(self, record):
        return light_badge(record.light_code)

    def render_description(self, value):
        return value if len(value) <= 60 else f"{value[:60]}…"

    def render_supervision(self, record):
        if not record.supervision:
            return ""
        badge = format_html('<span class="badge text-bg-danger">{}</span>', record.get_supervision_display())
        if getattr(record, "note_due", False):
            badge = format_html('{} <span class="badge text-bg-warning" title="{}">!</span>', badge,
                                _("Supervision note missing"))
        return badge

    def render_deadline(self, record, value):
        if value is None:
            return "—"
        if record.was_extended:
            return format_html('{} <span class="small text-muted">({} {})</span>', value.isoformat(), _("was"),
                               record.original_deadline.isoformat())
        return value.isoformat()


def _local(value, fmt="%Y-%m-%d %H:%M"):
    return timezone.localtime(value).strftime(fmt) if value else ""


class IssueExportTable(WrittenRows, tables.Table):
    """The ledger as offices exchange it (问题梳理整改台账): these eleven columns, in this order.

    Streamed (liaison.tables): a city's export is hundreds of thousands of rows.
    """

    number = tables.Column(verbose_name=pgettext_lazy("ledger column", "Number"), empty_values=())
    enterprise = tables.Column(accessor="enterprise__name", verbose_name=pgettext_lazy("ledger column", "Enterprise"))
    description = tables.Column(verbose_name=pgettext_lazy("ledger column", "Problem description"))
    category = tables.Column(verbose_name=pgettext_lazy("ledger column", "Category"))
    responsible_unit = tables.Column(
        accessor="responsible_unit__name", verbose_name=pgettext_lazy("ledger column", "Responsible unit"), default=""
    )
    owner = tables.Column(accessor="owner__name", verbose_name=pgettext_lazy("ledger column", "Person responsible"), default="")
    measures = tables.Column(verbose_name=pgettext_lazy("ledger column", "Rectification measures"), default="")
    deadline = tables.Column(verbose_name=pgettext_lazy("ledger column", "Time limit"), default="")
    status = tables.Column(verbose_name=pgettext_lazy("ledger column", "Status"))
    progress = tables.Column(verbose_name=pgettext_lazy("ledger column", "Rectification progress"), empty_values=())
    closed_at = tables.Column(verbose_name=pgettext_lazy("ledger column", "Closing time"), default="")

    class Meta:
        model = Issue
        fields = ["number", "enterprise", "description", "category", "responsible_unit", "owner", "measures",
                  "deadline", "status", "progress", "closed_at"]
        order_by = ("year", "serial")

    def value_writers(self):
        categories = {value: str(label) for value, label in Issue.Category.choices}
        statuses = {value: str(label) for value, label in Issue.Status.choices}
        here = timezone.get_current_timezone()
        return {
            "number": lambda r: r.number,
            "enterprise": lambda r: r.enterprise.name,
            "description": lambda r: r.description,
            "category": lambda r: categories.get(r.category, r.category),
            # An empty value is an empty cell (None), as django-tables2 exports a column's default.
            "responsible_unit": lambda r: r.responsible_unit.name if r.responsible_unit_id else None,
            "owner": lambda r: r.owner.name if r.owner_id else None,
            "measures": lambda r: r.measures or None,
            "deadline": lambda r: r.deadline.isoformat() if r.deadline else None,
            "status": lambda r: statuses.get(r.status, r.status),
            "progress": self.value_progress,
            "closed_at": lambda r: r.closed_at.astimezone(here).strftime("%Y-%m-%d %H:%M") if r.closed_at else None,
        }

    def value_number(self, record):
        return record.number

    def value_category(self, record):
        return record.get_category_display()

    def value_status(self, record):
        return record.get_status_display()

    def value_deadline(self, record):
        return record.deadline.isoformat() if record.deadline else ""

    def value_progress(self, record):
        """整改情况: the verified result, else the rectification reported, else the latest note."""
        parts = [record.resolution or getattr(record, "latest_note", "") or ""]
        if record.status == Issue.Status.TRANSFERRED and record.transferred_to:
            parts = [f"{record.get_status_display()}：{record.transferred_to}", record.reason]
        elif record.status in (Issue.Status.UNABLE, Issue.Status.RETURNED):
            parts = [record.reason]
        if record.satisfaction:
            parts.append(f"（{record.get_satisfaction_display()}）")
        return " ".join(p for p in parts if p)

    def value_closed_at(self, record):
        return _local(record.closed_at)
