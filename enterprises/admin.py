from django.contrib import admin

from enterprises.models import Assignment, Attachment, Enterprise, Plan, PlanTask


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    autocomplete_fields = ["officer", "team"]
    fields = ["kind", "officer", "team", "started_on", "ended_on", "end_reason"]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "station", "industry", "is_key", "status"]
    list_filter = ["station", "industry", "is_key", "status", "has_explosives", "has_hazardous_chemicals"]
    search_fields = ["name", "credit_code"]
    autocomplete_fields = ["station"]
    readonly_fields = ["last_visit_at", "created_at", "updated_at", "created_by"]
    inlines = [AssignmentInline]
    list_select_related = ["station"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "kind", "officer", "team", "started_on", "ended_on"]
    list_filter = ["kind", "enterprise__station"]
    search_fields = ["enterprise__name", "officer__name", "team__name"]
    autocomplete_fields = ["enterprise", "officer", "team"]
    list_select_related = ["enterprise", "officer", "team"]


class PlanTaskInline(admin.TabularInline):
    model = PlanTask
    extra = 0
    can_delete = False
    fk_name = "plan"
    fields = ["title", "owner", "starts_on", "workdays", "deadline", "done_at", "done_by", "completion_note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    """Read-only: a plan moves DRAFT → APPROVED → CLOSED through its services only (checked and audited)."""

    list_display = ["title", "enterprise", "status", "approved_at", "review_on"]
    list_filter = ["status", "enterprise__station"]
    search_fields = ["title", "enterprise__name"]
    list_select_related = ["enterprise"]
    inlines = [PlanTaskInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    """Documents are listed for reference; they are added and removed in the file, never deleted here."""

    list_display = ["title", "enterprise", "kind", "file_type", "created_at", "removed_at"]
    list_filter = ["kind", "file_type"]
    search_fields = ["title", "enterprise__name"]
    list_select_related = ["enterprise"]
    exclude = ["file"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
