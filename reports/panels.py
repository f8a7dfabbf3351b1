"""Panels this app adds to the role home (see liaison.home)."""


def home_panels(request):
    return []
