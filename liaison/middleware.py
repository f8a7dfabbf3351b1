import time

from django.conf import settings
from django.contrib.auth import logout

from liaison import access, citywide, workdays


class SessionTimeoutMiddleware:
    """Ends a session after 30 idle minutes or 12 hours after login, whichever comes first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            started = request.session.setdefault("login_at", now)
            last = request.session.get("seen_at", now)
            if now - last > settings.SESSION_IDLE_TIMEOUT or now - started > settings.SESSION_COOKIE_AGE:
                logout(request)
            else:
                # Only write the session once a minute so that every request does not cost a write.
                if now - last >= 60 or "seen_at" not in request.session:
                    request.session["seen_at"] = now
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages shown to a signed-in user carry personal data: no browser or proxy may keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store"
        return response


class ReadOnceMiddleware:
    """What many parts of a page ask for is read once per request: the user's assignments (liaison.access), the
    office's calendar (liaison.workdays: lights, note rules, due dates) and the records' version under which
    city-wide figures are kept (liaison.citywide). A change within the request drops what it changed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with access.remembering_assignments(), workdays.calendar_read_once(), citywide.version_read_once():
            return self.get_response(request)
