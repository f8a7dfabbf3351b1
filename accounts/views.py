from auditlog.models import LogEntry
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts.filters import AuthEventFilter, LogEntryFilter
from accounts.forms import LoginForm
from accounts.models import AuthEvent
from accounts.tables import AuthEventTable, LogEntryTable
from liaison import access


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class AuditMixin:
    """The audit log: for the auditor alone (separation of duties), read-only."""

    paginate_by = 50

    def dispatch(self, request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return self.http_method_not_allowed(request)
        if not access.can(request.user, "accounts.view_audit"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class AuditLogView(AuditMixin, SingleTableMixin, FilterView):
    template_name = "accounts/audit_log.html"
    table_class = LogEntryTable
    filterset_class = LogEntryFilter
    title = _("Audit log: changes")

    def get_queryset(self):
        return LogEntry.objects.select_related("actor", "content_type")


class AuthEventLogView(AuditMixin, SingleTableMixin, FilterView):
    template_name = "accounts/audit_log.html"
    table_class = AuthEventTable
    filterset_class = AuthEventFilter
    title = _("Audit log: sign-ins")

    def get_queryset(self):
        return AuthEvent.objects.select_related("user")
