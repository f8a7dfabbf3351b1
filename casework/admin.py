"""Admin for casework. The state of cases and the whole triple collective review are read-only here:
they move only through casework.services (checked, in order, audited); nothing can be approved in the admin."""

from django.contrib import admin

from casework.models import Activity, ActivityPhoto, Case, ChannelApproval, CoerciveMeasure, GreenChannel, MeasureReview


class NoWriteInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "enterprise", "case_type", "handling_unit", "status", "received_at"]
    list_filter = ["status", "case_type", "handling_unit"]
    search_fields = ["title", "enterprise__name"]
    autocomplete_fields = ["enterprise", "handling_unit"]
    list_select_related = ["enterprise", "handling_unit"]
    readonly_fields = [
        "year", "serial", "status", "received_at", "filed_at", "solved_at", "closed_at", "transferred_at", "transferred_to",
        "party_notified_on", "created_at", "created_by",
    ]

    def has_add_permission(self, request):
        return False  # registered through the case form, which numbers it

    def has_delete_permission(self, request, obj=None):
        return False


class MeasureReviewInline(NoWriteInline):
    model = MeasureReview
    fields = ["stage", "held_on", "decision", "minutes", "economic_impact", "recorded_by", "recorded_at"]
    readonly_fields = fields


@admin.register(CoerciveMeasure)
class CoerciveMeasureAdmin(admin.ModelAdmin):
    """View only: proposals, reviews, approval, execution and lifting go through the application."""

    list_display = ["__str__", "case", "status", "unit_decision", "legal_decision", "leadership_decision", "proposed_on"]
    list_filter = ["status", "kind"]
    search_fields = ["target", "case__title"]
    list_select_related = ["case"]
    inlines = [MeasureReviewInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ChannelApprovalInline(NoWriteInline):
    model = ChannelApproval
    fields = ["date", "quantity", "approver", "approved_at", "note"]
    readonly_fields = fields


@admin.register(GreenChannel)
class GreenChannelAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "subject", "frequency", "officer", "started_on", "ended_on"]
    list_filter = ["frequency"]
    search_fields = ["enterprise__name", "subject"]
    autocomplete_fields = ["enterprise", "officer"]
    readonly_fields = ["created_at", "created_by"]
    inlines = [ChannelApprovalInline]


class ActivityPhotoInline(NoWriteInline):
    model = ActivityPhoto
    fields = ["caption", "created_at", "created_by"]
    readonly_fields = fields


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["held_on", "kind", "title", "place"]
    list_filter = ["kind", "theme", "target", "service_kind", "escort_kind"]
    search_fields = ["title", "place"]
    date_hierarchy = "held_on"
    autocomplete_fields = ["units", "officers", "enterprises"]
    readonly_fields = ["created_at", "created_by"]
    inlines = [ActivityPhotoInline]
