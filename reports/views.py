from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from enterprises.models import Enterprise
from enterprises.views import with_community_officer
from liaison.views import KeptOrderPaginator, ObjectListView, ScopedMixin
from reports import dashboard
from reports.filters import CoverageFilter
from reports.tables import CoverageTable
from supervision.figures import period_from, presets


class DashboardView(ScopedMixin, TemplateView):
    """Leaders and the office: the whole district; a team: the enterprises it answers for."""

    model = Enterprise
    permission = "reports.view_dashboard"
    template_name = "reports/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period, form = period_from(self.request)
        board = dashboard.figures(self.request.user, period)
        context.update(
            board=board, period=period, form=form, presets=presets(timezone.localdate()),
            chart_data=board.chart_data(), light_labels=dashboard.light_labels(),
        )
        return context


class CoverageListView(ObjectListView):
    """Which enterprises were visited in a period, and how often; the dashboard's coverage figures open it."""

    model = Enterprise
    permission = "reports.view_coverage"
    export_permission = "reports.view_coverage"
    table_class = CoverageTable
    filterset_class = CoverageFilter
    template_name = "reports/coverage_list.html"
    export_filename = _("coverage")
    # Sorted by the visits of the period, counted for every enterprise of the city: each page's rows are kept.
    paginator_class = KeptOrderPaginator

    def get_queryset(self):
        return with_community_officer(super().get_queryset())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["period"] = context["filter"].period
        return context
