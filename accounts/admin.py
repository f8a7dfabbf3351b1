from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import AuthEvent, StationLiaison, Unit, User


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "function", "parent", "is_active"]
    list_filter = ["kind", "function", "is_active"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]


class UserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "name", "badge_number", "unit", "role", "phone")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserCreationForm
    list_display = ["username", "name", "badge_number", "unit", "role", "is_active", "is_staff"]
    list_filter = ["role", "unit__kind", "is_active", "is_staff"]
    search_fields = ["username", "name", "badge_number", "phone"]
    autocomplete_fields = ["unit"]
    ordering = ["username"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Officer"), {"fields": ("name", "badge_number", "unit", "role", "phone", "email")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "name", "badge_number", "unit", "role", "phone", "usable_password", "password1", "password2"),
            },
        ),
    )


@admin.register(StationLiaison)
class StationLiaisonAdmin(admin.ModelAdmin):
    list_display = ["station", "leader", "team"]
    list_filter = ["station"]
    search_fields = ["station__name", "leader__name", "team__name"]
    autocomplete_fields = ["station", "leader", "team"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records nobody may write or delete from the application."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuthEvent)
class AuthEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "username", "ip_address"]
    list_filter = ["kind"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "at"


# The audit log cannot be edited or deleted, not even by a superuser.
admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAdmin):
    list_display = ["timestamp", "actor", "remote_addr", "action", "content_type", "object_repr"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "actor__username", "remote_addr"]
    date_hierarchy = "timestamp"
    list_select_related = ["actor", "content_type"]
