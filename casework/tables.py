import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from casework.models import Activity, Case, CoerciveMeasure, GreenChannel

ATTRS = {"class": "table table-sm table-hover align-middle"}


class CaseTable(tables.Table):
    number = tables.Column(
        verbose_name=_("Number"), linkify=True, order_by=("year", "serial"), empty_values=(), attrs={"td": {"class": "text-nowrap"}}
    )
    title = tables.Column(linkify=True)
    enterprise = tables.Column(accessor="enterprise__name", verbose_name=_("Enterprise"))
    enterprise_role = tables.Column()
    case_type = tables.Column()
    handling_unit = tables.Column(accessor="handling_unit__name", verbose_name=_("Handling unit"))
    status = tables.Column()
    received_at = tables.DateTimeColumn(format="Y-m-d H:i", attrs={"td": {"class": "text-nowrap"}})
    hours_to_filing = tables.Column(verbose_name=_("Hours to filing"), empty_values=(), orderable=False)
    criminal_detentions = tables.Column(verbose_name=_("Criminal det."))
    administrative_detentions = tables.Column(verbose_name=_("Admin. det."))

    class Meta:
        model = Case
        fields = [
            "number", "title", "enterprise", "enterprise_role", "case_type", "handling_unit", "status", "received_at",
            "hours_to_filing", "criminal_detentions", "administrative_detentions",
        ]
        attrs = ATTRS
        order_by = ("-number",)

    def render_hours_to_filing(self, record):
        hours = record.hours_to_filing
        return "—" if hours is None else f"{hours:g}"

    def value_hours_to_filing(self, record):
        return record.hours_to_filing

    def value_number(self, record):
        return record.number


class MeasureTable(tables.Table):
    measure = tables.Column(verbose_name=_("Measure"), accessor="kind", linkify=lambda record: record.get_absolute_url())
    target = tables.Column()
    case = tables.Column(verbose_name=_("Case"), accessor="case__title", linkify=lambda record: record.case.get_absolute_url())
    enterprise = tables.Column(verbose_name=_("Enterprise"), accessor="case__enterprise__name")
    proposed_on = tables.DateColumn(format="Y-m-d")
    status = tables.Column()
    awaiting = tables.Column(verbose_name=_("Awaiting the review of"), empty_values=(), orderable=False)

    class Meta:
        model = CoerciveMeasure
        fields = ["measure", "target", "case", "enterprise", "proposed_on", "status", "awaiting"]
        attrs = ATTRS
        order_by = ("-proposed_on",)

    def render_awaiting(self, record):
        return record.next_stage_label or "—"

    def value_awaiting(self, record):
        return str(record.next_stage_label)


class GreenChannelTable(tables.Table):
    enterprise = tables.Column(accessor="enterprise__name", verbose_name=_("Enterprise"), linkify=lambda record: record.get_absolute_url())
    subject = tables.Column(linkify=True)
    frequency = tables.Column()
    officer = tables.Column(accessor="officer__name", verbose_name=_("Designated officer"))
    started_on = tables.DateColumn(format="Y-m-d")
    ended_on = tables.DateColumn(format="Y-m-d", default="—")
    last_approval = tables.DateColumn(verbose_name=_("Last approval"), format="Y-m-d", default="—")
    missed = tables.Column(verbose_name=_("Days missed (7 days)"), empty_values=(), orderable=False)

    class Meta:
        model = GreenChannel
        fields = ["enterprise", "subject", "frequency", "officer", "started_on", "ended_on", "last_approval", "missed"]
        attrs = ATTRS
        order_by = ("enterprise",)

    def __init__(self, *args, missed=None, **kwargs):
        self.missed = missed or {}
        super().__init__(*args, **kwargs)

    def render_missed(self, record):
        days = self.missed.get(record.pk, [])
        if not days:
            return "0"
        return format_html('<span class="text-danger fw-semibold">{}</span> <span class="small text-muted">{}</span>',
                           len(days), "、".join(d.strftime("%m-%d") for d in days))

    def value_missed(self, record):
        return len(self.missed.get(record.pk, []))


class ActivityTable(tables.Table):
    held_on = tables.DateColumn(format="Y-m-d")
    kind = tables.Column()
    title = tables.Column(linkify=True)
    place = tables.Column()
    detail = tables.Column(verbose_name=_("Theme or type"), empty_values=(), orderable=False)
    units = tables.Column(verbose_name=_("Units"), empty_values=(), orderable=False)
    n_enterprises = tables.Column(verbose_name=_("Enterprises"))
    figure = tables.Column(verbose_name=_("Result"), empty_values=(), orderable=False)

    class Meta:
        model = Activity
        fields = ["held_on", "kind", "title", "place", "detail", "units", "n_enterprises", "figure"]
        attrs = ATTRS
        order_by = ("-held_on",)

    def render_detail(self, record):
        return record.subkind_display or "—"

    def value_detail(self, record):
        return str(record.subkind_display)

    def render_units(self, record):
        return "、".join(unit.name for unit in record.units.all()) or "—"

    def value_units(self, record):
        return self.render_units(record)

    def render_figure(self, record):
        return record.figure

    def value_figure(self, record):
        return str(record.figure)
