import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise


class CoverageTable(tables.Table):
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
