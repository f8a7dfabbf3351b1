"""The notification bell: a user's own reminders, newest first."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from liaison import access
from liaison.models import Notification


@require_safe
def notification_list(request):
    if not access.can(request.user, "liaison.use"):
        raise PermissionDenied
    notifications = Notification.objects.filter(recipient=request.user)[:200]
    return render(request, "notifications.html", {"notifications": notifications})


@require_POST
def notification_read(request):
    if not access.can(request.user, "liaison.use"):
        raise PermissionDenied
    mine = Notification.objects.filter(recipient=request.user, read_at__isnull=True)
    if request.POST.get("id", "").isdigit():
        mine = mine.filter(pk=request.POST["id"])
    mine.update(read_at=timezone.now())
    return redirect("notification_list")
