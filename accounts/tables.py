import json

import django_tables2 as tables
from auditlog.models import LogEntry
from django.utils.translation import gettext_lazy as _

from accounts.models import AuthEvent


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
        parts = []
        for field, values in (changes or {}).items():
            if isinstance(values, list) and len(values) == 2:
                parts.append(f"{field}: {values[0]} → {values[1]}")
            else:
                parts.append(f"{field}: {values}")
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
