from liaison import access, citywide
from liaison.models import Notification


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Tables render in a context of their own, which runs the processors again: count once per request.
    if not hasattr(request, "_nav_unread"):
        request._nav_unread = (
            Notification.objects.filter(recipient=user, read_at__isnull=True).count() if access.is_programme_user(user) else 0
        )
    return {
        "nav_role": access.role_of(user),
        "nav_programme": access.is_programme_user(user),
        "nav_auditor": access.is_auditor(user),
        "nav_unread": request._nav_unread,
        "figures_as_of": citywide.figures_as_of(),
    }
