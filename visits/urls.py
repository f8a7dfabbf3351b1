from django.urls import path

from visits import views

app_name = "visits"

ISSUE_ACTIONS = [
    ("assign", views.IssueAssignView),
    ("accept", views.IssueAcceptView),
    ("progress", views.IssueProgressView),
    ("resolve", views.IssueResolveView),
    ("close", views.IssueCloseView),
    ("reject", views.IssueRejectView),
    ("reopen", views.IssueReopenView),
    ("return", views.IssueReturnView),
    ("transfer", views.IssueTransferView),
    ("unable_request", views.IssueUnableRequestView),
    ("unable", views.IssueUnableView),
    ("unable_refuse", views.IssueUnableRefuseView),
    ("extension_request", views.IssueExtensionRequestView),
    ("extension_approve", views.IssueExtensionApproveView),
    ("extension_refuse", views.IssueExtensionRefuseView),
    ("supervise", views.IssueSuperviseView),
    ("satisfaction", views.IssueSatisfactionView),
    ("comment", views.IssueCommentView),
]

urlpatterns = [
    path("visits/", views.VisitListView.as_view(), name="visit_list"),
    path("visits/new/", views.VisitCreateView.as_view(), name="visit_add"),
    path("visits/<int:pk>/", views.VisitDetailView.as_view(), name="visit_detail"),
    path("visits/<int:pk>/edit/", views.VisitEditView.as_view(), name="visit_edit"),
    path("visits/photos/<int:pk>/", views.VisitPhotoView.as_view(), name="visit_photo"),
    path("issues/", views.IssueListView.as_view(), name="issue_list"),
    path("issues/new/", views.IssueCreateView.as_view(), name="issue_add"),
    path("issues/assign/", views.IssueBulkAssignView.as_view(), name="issue_bulk_assign"),
    path("issues/<int:pk>/", views.IssueDetailView.as_view(), name="issue_detail"),
    path("issues/photos/<int:pk>/", views.IssuePhotoView.as_view(), name="issue_photo"),
    *[
        path(f"issues/<int:pk>/{name.replace('_', '-')}/", view.as_view(), name=f"issue_{name}")
        for name, view in ISSUE_ACTIONS
    ],
]
