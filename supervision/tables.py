from urllib.parse import urlencode

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from liaison.tables import TEMPLATE, WrittenRows, esc
from supervision.models import Meeting, MeetingAction, Notice, Referral
from supervision.scoreboard import COLUMNS

ATTRS = {"class": "table table-sm table-hover align-middle"}


class ReferralTable(tables.Table):
    number = tables.Column(verbose_name=_("No."), linkify=True, order_by=("year", "serial"))
    title = tables.Column(linkify=True)
    enterprise = tables.Column(accessor="enterprise__name", verbose_name=_("Enterprise"))
    raised_by_unit = tables.Column(accessor="raised_by_unit__name", verbose_name=_("Raised by"))
    status = tables.Column()
    reported_at = tables.DateTimeColumn(format="Y-m-d", default="—")
    assigned_unit = tables.Column(accessor="assigned_unit__name", verbose_name=_("Assigned to"), default="—")
    reply_deadline = tables.DateColumn(format="Y-m-d", default="—")
    replied_at = tables.DateTimeColumn(format="Y-m-d", default="—")

    class Meta:
        model = Referral
        fields = ["number", "title", "enterprise", "raised_by_unit", "status", "reported_at", "assigned_unit", "reply_deadline", "replied_at"]
        attrs = ATTRS
        order_by = ("-number",)

    def render_reply_deadline(self, record, value):
        if value is None:
            return "—"
        if record.is_overdue:
            return format_html('<span class="text-danger fw-semibold">{}</span>', value.isoformat())
        return value.isoformat()

    def value_reply_deadline(self, record, value):
        return value.isoformat() if value else ""


class MeetingTable(tables.Table):
    display_title = tables.Column(verbose_name=_("Meeting"), linkify=True, order_by=("held_at",))
    held_at = tables.DateTimeColumn(format="Y-m-d H:i")
    place = tables.Column()
    chair = tables.Column(accessor="chair__name", verbose_name=_("Chaired by"))
    decisions = tables.Column(verbose_name=_("Decisions"), attrs={"td": {"class": "text-end"}})
    open_decisions = tables.Column(verbose_name=_("Still open"), attrs={"td": {"class": "text-end"}})

    class Meta:
        model = Meeting
        fields = ["display_title", "held_at", "place", "chair", "decisions", "open_decisions"]
        attrs = ATTRS
        order_by = ("-held_at",)


class MeetingActionTable(tables.Table):
    meeting = tables.Column(accessor="meeting__held_at", verbose_name=_("Meeting"), linkify=lambda record: record.get_absolute_url())
    position = tables.Column(verbose_name=_("No."))
    text = tables.Column(verbose_name=_("Decision"))
    owner_unit = tables.Column(accessor="owner_unit__name", verbose_name=_("Responsible unit"))
    owner = tables.Column(accessor="owner__name", verbose_name=_("Responsible officer"), default="—")
    deadline = tables.DateColumn(format="Y-m-d")
    status = tables.Column()
    issue = tables.Column(verbose_name=_("Ledger item"), default="—", order_by=("issue__year", "issue__serial"))

    class Meta:
        model = MeetingAction
        fields = ["meeting", "position", "text", "owner_unit", "owner", "deadline", "status", "issue"]
        attrs = ATTRS
        order_by = ("deadline",)

    def render_meeting(self, record):
        return record.meeting.display_title

    def value_meeting(self, record):
        return record.meeting.display_title

    def render_deadline(self, record, value):
        if record.is_overdue:
            return format_html('<span class="text-danger fw-semibold">{}</span>', value.isoformat())
        return value.isoformat()

    def render_issue(self, value):
        return value.number

    def value_issue(self, value):
        return value.number if value else ""


class NoticeTable(tables.Table):
    issued_on = tables.DateColumn(format="Y-m-d")
    kind = tables.Column()
    title = tables.Column(linkify=True)
    unit = tables.Column(accessor="unit__name", verbose_name=_("Unit"))
    officer = tables.Column(accessor="officer__name", verbose_name=_("Officer"), default="—")
    issuer = tables.Column(accessor="issuer__name", verbose_name=_("Issued by"))

    class Meta:
        model = Notice
        fields = ["issued_on", "kind", "title", "unit", "officer", "issuer"]
        attrs = ATTRS
        order_by = ("-issued_on",)

    def render_kind(self, record, value):
        css = "text-bg-success" if record.is_commendation else "text-bg-danger"
        return format_html('<span class="badge {}">{}</span>', css, value)


# ---------------------------------------------------------------- the scoreboard


def records_url(unit_pk: int, kind: str, period) -> str:
    return reverse("supervision:scoreboard_records", args=[unit_pk, kind]) + "?" + urlencode(period.query())


class FigureColumn(tables.Column):
    """A scoreboard figure: the number, linked to the records behind it; sorted by the number."""

    def __init__(self, key, *args, **kwargs):
        column = next(c for c in COLUMNS if c.key == key)
        kwargs.setdefault("verbose_name", column.label)
        kwargs.setdefault("attrs", {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end", "title": str(column.formula)}})
        super().__init__(*args, accessor=key, **kwargs)
        self.records_kind = column.records


def _link(url, text, count=None):
    if count is None:
        return format_html('<a href="{}">{}</a>', url, text)
    return format_html('<a href="{}" data-count="{}">{}</a>', url, count, text)


URL_MARKER = 987654321  # stands for a unit's pk in a records URL reversed once per kind


class ScoreboardTable(WrittenRows, tables.Table):
    """The scoreboard: one row per unit. Its rows are written directly (liaison.tables): each unit has a dozen
    linked figures, which django-tables2 would render cell by cell (~0.5 s for a city's 50 units)."""

    unit = tables.Column(verbose_name=_("Unit"), order_by=("unit_name",), attrs={"td": {"class": "text-nowrap"}})
    kind = tables.Column(verbose_name=_("Kind"), attrs={"th": {"class": "d-none d-md-table-cell"}, "td": {"class": "d-none d-md-table-cell"}})
    enterprises = FigureColumn("enterprises")
    coverage = FigureColumn("coverage")
    visits_per_enterprise = FigureColumn("visits_per_enterprise")
    on_time = FigureColumn("on_time")
    overdue = FigureColumn("overdue")
    mean_days = FigureColumn("mean_days")
    satisfaction = FigureColumn("satisfaction")
    not_reached = FigureColumn("not_reached")
    notes_on_time = FigureColumn("notes_on_time")
    notices = FigureColumn("notices")

    class Meta:
        attrs = {**ATTRS, "id": "scoreboard"}
        order_by = ("-coverage",)
        orderable = True
        template_name = TEMPLATE

    def __init__(self, data, *args, period=None, **kwargs):
        self.period = period
        self._url_templates = {}
        rows = [
            {
                "row": row, "unit": row.unit, "unit_name": row.unit.name, "kind": row.unit.get_kind_display(),
                **{c.key: getattr(row, c.key) for c in COLUMNS},
            }
            for row in data
        ]
        super().__init__(rows, *args, **kwargs)

    def _url(self, record, kind):
        template = self._url_templates.get(kind)
        if template is None:
            template = self._url_templates[kind] = records_url(URL_MARKER, kind, self.period)
        return template.replace(str(URL_MARKER), str(record["unit"].pk))

    def cell_writers(self):
        """Each column's render_ method called directly, with django-tables2's rule for an empty value."""

        def writer(column):
            render = getattr(self, f"render_{column.name}", None)
            default = esc(column.default)

            def write(record):
                value = record.get(column.name)
                if value in column.column.empty_values:
                    return default
                return str(render(record=record, value=value)) if render else esc(value)

            return write

        return {column.name: writer(column) for column in self.columns}

    def render_unit(self, record, value=None):
        url = reverse("supervision:unit_detail", args=[record["unit"].pk]) + "?" + urlencode(self.period.query())
        return format_html('<a href="{}">{}</a>', url, record["unit"].name)

    def value_unit(self, record):
        return record["unit"].name

    def render_enterprises(self, record, value):
        return _link(self._url(record, "enterprises"), value, value)

    def render_coverage(self, record, value):
        row = record["row"]
        return format_html(
            '{}<br><span class="text-muted small">({}/{})</span>',
            _link(self._url(record, "enterprises"), f"{value}%"), row.covered, row.enterprises,
        )

    def render_visits_per_enterprise(self, record, value):
        row = record["row"]
        return format_html(
            '{}<br><span class="text-muted small">({}/{})</span>',
            _link(self._url(record, "visits"), value), _link(self._url(record, "visits"), row.visits, row.visits), row.enterprises,
        )

    def render_on_time(self, record, value):
        row = record["row"]
        return format_html(
            '{}<br><span class="text-muted small">({}/{})</span>',
            _link(self._url(record, "closed"), f"{value}%"), row.closed_on_time, _link(self._url(record, "closed"), row.closed, row.closed),
        )

    def render_overdue(self, record, value):
        css = "text-danger fw-semibold" if value else ""
        return format_html('<span class="{}">{}</span>', css, _link(self._url(record, "overdue"), value, value))

    def render_mean_days(self, record, value):
        return _link(self._url(record, "closed"), value)

    def render_satisfaction(self, record, value):
        row = record["row"]
        return format_html(
            '{}<br><span class="text-muted small">({}/{})</span>',
            _link(self._url(record, "satisfaction"), f"{value}%"), row.satisfied,
            _link(self._url(record, "satisfaction"), row.rated, row.rated),
        )

    def render_not_reached(self, record, value):
        return _link(self._url(record, "not_reached"), value, value)

    def render_notes_on_time(self, record, value):
        row = record["row"]
        return format_html(
            '{}<br><span class="text-muted small">({}/{})</span>',
            _link(self._url(record, "supervision"), f"{value}%"), row.notes_met, row.notes_due,
        )

    def render_notices(self, record, value=None):
        row = record["row"]
        url = self._url(record, "notices")
        return format_html(
            '<a href="{}" data-count="{}"><span class="text-success">+{}</span> / <span class="text-danger">−{}</span></a>',
            url, row.commendations + row.criticisms, row.commendations, row.criticisms,
        )
