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
    # The file (一企一档): print view, Word document, photos shown on its pages.
    path("<int:pk>/print/", views.EnterprisePrintView.as_view(), name="enterprise_print"),
    path("<int:pk>/file.docx", views.EnterpriseFileView.as_view(), name="enterprise_file"),
    path("photos/<str:source>/<int:pk>/", views.DossierPhotoView.as_view(), name="dossier_photo"),
    # Plans (一企一策) and their tasks (节点化).
    path("plans/", views.PlanListView.as_view(), name="plan_list"),
    path("plans/overview/", views.PlanOverviewView.as_view(), name="plan_overview"),
    path("<int:pk>/plans/add/", views.PlanCreateView.as_view(), name="plan_add"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<int:pk>/edit/", views.PlanEditView.as_view(), name="plan_edit"),
    path("plans/<int:pk>/approve/", views.PlanApproveView.as_view(), name="plan_approve"),
    path("plans/<int:pk>/close/", views.PlanCloseView.as_view(), name="plan_close"),
    path("plans/<int:pk>/revise/", views.PlanReviseView.as_view(), name="plan_revise"),
    path("plans/<int:pk>/tasks/add/", views.TaskCreateView.as_view(), name="task_add"),
    path("tasks/", views.TaskListView.as_view(), name="task_list"),
    path("tasks/<int:pk>/edit/", views.TaskEditView.as_view(), name="task_edit"),
    path("tasks/<int:pk>/done/", views.TaskCompleteView.as_view(), name="task_done"),
    # Documents in the file.
    path("<int:pk>/attachments/add/", views.AttachmentCreateView.as_view(), name="attachment_add"),
    path("attachments/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment_download"),
    path("attachments/<int:pk>/remove/", views.AttachmentRemoveView.as_view(), name="attachment_remove"),
]
