import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise


class EnterpriseTable(tables.Table):
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

    def value_hazards(self, record):
        return self.render_hazards(record)

    def render_next_visit(self, record):
        due = record.next_visit_due
        return due.isoformat() if due else _("Not yet visited")

    def value_next_visit(self, record):
        return self.render_next_visit(record)
