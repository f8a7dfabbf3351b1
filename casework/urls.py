from django.urls import path

from casework import views

app_name = "casework"

urlpatterns = [
    path("cases/", views.CaseListView.as_view(), name="case_list"),
    path("cases/add/", views.CaseCreateView.as_view(), name="case_add"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("cases/<int:pk>/edit/", views.CaseEditView.as_view(), name="case_edit"),
    path("cases/<int:pk>/file/", views.CaseFileView.as_view(), name="case_file"),
    path("cases/<int:pk>/solve/", views.CaseSolveView.as_view(), name="case_solve"),
    path("cases/<int:pk>/close/", views.CaseCloseView.as_view(), name="case_close"),
    path("cases/<int:pk>/transfer/", views.CaseTransferView.as_view(), name="case_transfer"),
    path("cases/<int:pk>/measures/add/", views.MeasureProposeView.as_view(), name="measure_add"),
    path("measures/", views.MeasureListView.as_view(), name="measure_list"),
    path("measures/<int:pk>/", views.MeasureDetailView.as_view(), name="measure_detail"),
    path("measures/<int:pk>/review/", views.MeasureReviewView.as_view(), name="measure_review"),
    path("measures/<int:pk>/execute/", views.MeasureExecuteView.as_view(), name="measure_execute"),
    path("measures/<int:pk>/lift/", views.MeasureLiftView.as_view(), name="measure_lift"),
    path("channels/", views.GreenChannelListView.as_view(), name="channel_list"),
    path("channels/add/", views.GreenChannelCreateView.as_view(), name="channel_add"),
    path("channels/<int:pk>/", views.GreenChannelDetailView.as_view(), name="channel_detail"),
    path("channels/<int:pk>/edit/", views.GreenChannelEditView.as_view(), name="channel_edit"),
    path("channels/<int:pk>/approve/", views.ChannelApproveView.as_view(), name="channel_approve"),
    path("channels/<int:pk>/close/", views.GreenChannelCloseView.as_view(), name="channel_close"),
    path("activities/", views.ActivityListView.as_view(), name="activity_list"),
    path("activities/add/", views.ActivityCreateView.as_view(), name="activity_add"),
    path("activities/<int:pk>/", views.ActivityDetailView.as_view(), name="activity_detail"),
    path("activities/<int:pk>/edit/", views.ActivityEditView.as_view(), name="activity_edit"),
    path("activities/<int:pk>/photos/", views.ActivityPhotoAddView.as_view(), name="activity_photo_add"),
    path("activities/photos/<int:pk>/", views.ActivityPhotoView.as_view(), name="activity_photo"),
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
]
