from django.contrib import admin

from visits.models import Issue, IssueRequest, IssueUpdate, Visit


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "visited_at", "channel", "author"]
    list_filter = ["channel", "enterprise__station"]
    search_fields = ["enterprise__name", "author__name", "observations"]
    autocomplete_fields = ["enterprise", "author", "officers"]
    date_hierarchy = "visited_at"


class IssueUpdateInline(admin.TabularInline):
    model = IssueUpdate
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "from_status", "to_status", "text", "partly_fixed", "is_supervision_note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["number", "enterprise", "category", "status", "deadline", "supervision"]
    list_filter = ["status", "category", "supervision", "responsible_unit"]
    search_fields = ["enterprise__name", "description"]
    autocomplete_fields = ["enterprise", "visit", "responsible_unit", "owner"]
    # The ledger's state moves only through its services (checked, audited): never typed in here.
    readonly_fields = [
        "year", "serial", "status", "accepted_at", "deadline", "original_deadline", "resolved_at", "closed_at",
        "closed_by", "satisfaction", "supervision", "supervised_since", "version", "time_limit_days", "assigned_at",
        "needs_followup", "responsible_unit", "owner", "resolution", "supervision_instruction", "transferred_to", "reason",
    ]
    inlines = [IssueUpdateInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IssueRequest)
class IssueRequestAdmin(admin.ModelAdmin):
    """Extension and "cannot be handled" requests: decided by the office in the application, read-only here."""

    list_display = ["issue", "kind", "status", "proposed_deadline", "created_by", "decided_by"]
    list_filter = ["kind", "status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
