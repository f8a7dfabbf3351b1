"""Every sign-in, sign-out, failure and lockout goes into the audit log."""

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.models import AuthEvent
from liaison.net import client_ip


def _record(kind, request, username, user=None):
    AuthEvent.objects.create(
        kind=kind,
        username=(username or "")[:150],
        user=user,
        ip_address=client_ip(request) or None if request is not None else None,
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""),
    )


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    _record(AuthEvent.Kind.LOGIN, request, user.get_username(), user)
    if request is not None and hasattr(request, "session"):
        # The 12-hour absolute limit counts from here (liaison.middleware.SessionTimeoutMiddleware).
        now = int(time.time())
        request.session["login_at"] = now
        request.session["seen_at"] = now


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        _record(AuthEvent.Kind.LOGOUT, request, user.get_username(), user)


@receiver(user_login_failed)
def on_failure(sender, credentials, request=None, **kwargs):
    _record(AuthEvent.Kind.FAILURE, request, credentials.get("username", ""))


@receiver(user_locked_out)
def on_lockout(sender, request, username, ip_address, **kwargs):
    _record(AuthEvent.Kind.LOCKOUT, request, username)
