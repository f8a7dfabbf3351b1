from django.urls import path

from enterprises import views

app_name = "enterprises"

urlpatterns = [
    path("", views.EnterpriseListView.as_view(), name="enterprise_list"),
    path("add/", views.EnterpriseCreateView.as_view(), name="enterprise_add"),
    path("<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise_detail"),
    path("<int:pk>/edit/", views.EnterpriseEditView.as_view(), name="enterprise_edit"),
    path("<int:pk>/contact/", views.EnterpriseContactEditView.as_view(), name="enterprise_contact"),
    path("<int:pk>/close/", views.EnterpriseCloseView.as_view(), name="enterprise_close"),
    path("<int:pk>/reopen/", views.EnterpriseReopenView.as_view(), name="enterprise_reopen"),
    path("<int:pk>/assign/", views.AssignmentCreateView.as_view(), name="assignment_add"),
    path("assignments/<int:pk>/end/", views.AssignmentEndView.as_view(), name="assignment_end"),
]
