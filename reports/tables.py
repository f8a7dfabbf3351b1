import django_tables2 as tables
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from liaison.tables import TEMPLATE, WrittenRows, esc, url_writer


class CoverageTable(WrittenRows, tables.Table):
    """Coverage of a period: rows written directly (liaison.tables), as a city lists tens of thousands."""

    name = tables.Column(linkify=True)
    station = tables.Column(accessor="station__name", verbose_name=_("Police station"))
    community_officer = tables.Column(verbose_name=_("Community officer"), default="—")
    is_key = tables.BooleanColumn(verbose_name=_("Key"), yesno=("★", ""))
    period_visits = tables.Column(verbose_name=_("Visits in the period"), attrs={"td": {"class": "text-end"}})
    last_visit_at = tables.DateTimeColumn(verbose_name=_("Last visit"), format="Y-m-d", default="—")

    class Meta:
        model = Enterprise
        fields = ["name", "station", "community_officer", "is_key", "period_visits", "last_visit_at"]
        attrs = {"class": "table table-sm table-hover align-middle", "id": "coverage"}
        order_by = ("period_visits", "name")
        template_name = TEMPLATE

    def cell_writers(self):
        detail = url_writer("enterprises:enterprise_detail")
        here = timezone.get_current_timezone()
        return {
            "name": lambda r: f'<a href="{detail(r.pk)}">{esc(r.name)}</a>',
            "station": lambda r: esc(r.station.name),
            "community_officer": lambda r: esc(r.community_officer or "—"),
            "is_key": lambda r: '<span class="true">★</span>' if r.is_key else '<span class="false"></span>',
            "period_visits": lambda r: str(r.period_visits),
            "last_visit_at": lambda r: r.last_visit_at.astimezone(here).strftime("%Y-%m-%d") if r.last_visit_at else "—",
        }
