from django.contrib import admin
from django.urls import include, path

from liaison import home, notifications, picker

handler400 = "liaison.errors.bad_request"
handler403 = "liaison.errors.permission_denied"
handler404 = "liaison.errors.page_not_found"
handler500 = "liaison.errors.server_error"

urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("enterprises/", include("enterprises.urls")),
    path("", include("visits.urls")),
    path("supervision/", include("supervision.urls")),
    path("casework/", include("casework.urls")),
    path("reports/", include("reports.urls")),
    path("notifications/", notifications.notification_list, name="notification_list"),
    path("notifications/read/", notifications.notification_read, name="notification_read"),
    # Search behind the enterprise and people selects once a city has too many to list (liaison.picker).
    path("pick/enterprises/", picker.pick_enterprises, name="pick_enterprises"),
    path("pick/people/", picker.pick_people, name="pick_people"),
    path("pick/plan-tasks/", picker.pick_plan_tasks, name="pick_plan_tasks"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
