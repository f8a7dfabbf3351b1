import json

import django_tables2 as tables
from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

from accounts.models import AuthEvent


def field_label(model, name: str) -> str:
    """The field's own (translated) name, as the pages show it; the raw name when the field is gone."""
    try:
        field = model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))


def readable(value) -> str:
    """auditlog stores values as text: show empty and yes/no values as the pages do."""
    if value in (None, "None", ""):
        return "—"
    if value in (True, "True"):
        return str(_("Yes"))
    if value in (False, "False"):
        return str(_("No"))
    return str(value)


class LogEntryTable(tables.Table):
    timestamp = tables.DateTimeColumn(verbose_name=_("Time"), format="Y-m-d H:i:s")
    actor = tables.Column(verbose_name=_("User"), default="—")
    remote_addr = tables.Column(verbose_name=_("Address"), default="—")
    action = tables.Column(verbose_name=_("Action"))
    content_type = tables.Column(verbose_name=_("Kind of record"), accessor="content_type__name")
    object_repr = tables.Column(verbose_name=_("Record"))
    changes = tables.Column(verbose_name=_("Changes"), orderable=False, empty_values=())

    class Meta:
        model = LogEntry
        fields = ["timestamp", "actor", "remote_addr", "action", "content_type", "object_repr", "changes"]
        attrs = {"class": "table table-sm align-top"}
        order_by = ("-timestamp",)

    def render_changes(self, record):
        changes = record.changes if isinstance(record.changes, dict) else json.loads(record.changes or "{}")
        model = record.content_type.model_class() if record.content_type_id else None
        parts = []
        for field, values in (changes or {}).items():
            label = field_label(model, field)
            if isinstance(values, list) and len(values) == 2:
                parts.append(f"{label}: {readable(values[0])} → {readable(values[1])}")
            else:
                parts.append(f"{label}: {readable(values)}")
        return "; ".join(parts) or "—"

    def value_changes(self, record):
        return self.render_changes(record)


class AuthEventTable(tables.Table):
    at = tables.DateTimeColumn(format="Y-m-d H:i:s")

    class Meta:
        model = AuthEvent
        fields = ["at", "kind", "username", "user", "ip_address", "user_agent"]
        attrs = {"class": "table table-sm"}
        order_by = ("-at",)
