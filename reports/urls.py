from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("coverage/", views.CoverageListView.as_view(), name="coverage"),
]
