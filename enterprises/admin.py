from django.contrib import admin

from enterprises.models import Assignment, Enterprise


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
