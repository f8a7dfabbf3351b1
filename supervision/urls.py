from django.urls import path

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("referrals/", views.ReferralListView.as_view(), name="referral_list"),
    path("referrals/add/", views.ReferralCreateView.as_view(), name="referral_add"),
    path("referrals/<int:pk>/", views.ReferralDetailView.as_view(), name="referral_detail"),
    path("referrals/<int:pk>/edit/", views.ReferralEditView.as_view(), name="referral_edit"),
    path("referrals/<int:pk>/submit/", views.ReferralSubmitView.as_view(), name="referral_submit"),
    path("referrals/<int:pk>/return/", views.ReferralReturnView.as_view(), name="referral_return"),
    path("referrals/<int:pk>/report/", views.ReferralReportView.as_view(), name="referral_report"),
    path("referrals/<int:pk>/instruct/", views.ReferralInstructView.as_view(), name="referral_instruct"),
    path("referrals/<int:pk>/assign/", views.ReferralAssignView.as_view(), name="referral_assign"),
    path("referrals/<int:pk>/reply/", views.ReferralReplyView.as_view(), name="referral_reply"),
    path("referrals/<int:pk>/report.docx", views.ReferralDocumentView.as_view(), name="referral_document"),
    path("meetings/", views.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/add/", views.MeetingCreateView.as_view(), name="meeting_add"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.MeetingEditView.as_view(), name="meeting_edit"),
    path("meetings/<int:pk>/minutes.docx", views.MeetingMinutesView.as_view(), name="meeting_minutes"),
    path("meetings/<int:pk>/decisions/add/", views.MeetingActionCreateView.as_view(), name="meetingaction_add"),
    path("decisions/", views.MeetingActionListView.as_view(), name="meetingaction_list"),
    path("decisions/<int:pk>/edit/", views.MeetingActionEditView.as_view(), name="meetingaction_edit"),
    path("decisions/<int:pk>/done/", views.MeetingActionDoneView.as_view(), name="meetingaction_done"),
    path("decisions/<int:pk>/cancel/", views.MeetingActionCancelView.as_view(), name="meetingaction_cancel"),
    path("notices/", views.NoticeListView.as_view(), name="notice_list"),
    path("notices/add/", views.NoticeCreateView.as_view(), name="notice_add"),
    path("notices/<int:pk>/", views.NoticeDetailView.as_view(), name="notice_detail"),
    path("notices/<int:pk>/edit/", views.NoticeEditView.as_view(), name="notice_edit"),
    path("scoreboard/", views.ScoreboardView.as_view(), name="scoreboard"),
    path("scoreboard/<int:pk>/<slug:kind>/", views.ScoreboardRecordsView.as_view(), name="scoreboard_records"),
    path("units/<int:pk>/", views.UnitDetailView.as_view(), name="unit_detail"),
]
