"""Every URL of the project, for every role, GET and POST, against the explicit table in tests/*/access_rows.py."""

import importlib
import pkgutil

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from tests.matrix import ROLES

PROJECT_APPS = {"accounts", "enterprises", "visits", "supervision", "casework", "reports", "liaison"}


def collect_rows():
    rows = []
    for module in pkgutil.iter_modules(tests.__path__):
        if not module.ispkg:
            continue
        try:
            rows_module = importlib.import_module(f"tests.{module.name}.access_rows")
        except ModuleNotFoundError:
            continue
        rows.extend(rows_module.ROWS)
    return rows


ROWS = collect_rows()


def project_url_names():
    names = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace or namespace
                if ns in ("admin",) or pattern.app_name == "admin":
                    continue
                walk(pattern.url_patterns, ns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                module = pattern.lookup_str.split(".")[0]
                if module in PROJECT_APPS:
                    names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


def test_every_project_url_has_a_row():
    covered = {row.name for row in ROWS}
    missing = project_url_names() - covered
    assert not missing, f"URLs without an access-matrix row: {sorted(missing)}"
    unknown = covered - project_url_names()
    assert not unknown, f"Rows for URLs that do not exist: {sorted(unknown)}"


def database_state():
    """Row counts of every project model and of the audit log: a refused request changes none of them."""
    state = {}
    for model in apps.get_models():
        if model._meta.app_label in PROJECT_APPS and model._meta.model_name not in ("authevent", "submittoken"):
            state[model._meta.label] = model.objects.count()
    state["auditlog"] = LogEntry.objects.count()
    return state


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_access_matrix(row, world, client):
    mismatches = []
    query = row.query(world) if callable(row.query) else row.query
    url = reverse(row.name, args=row.args(world)) + (f"?{query}" if query else "")
    for role in ROLES:
        for method in ("get", "post"):
            expected = (row.get if method == "get" else row.post)[role]
            client.logout()
            user = world.user(role)
            if user is not None:
                client.force_login(user)
            with transaction.atomic():
                before = database_state()
                data = row.data(world) if (method == "post" and row.data) else {}
                response = getattr(client, method)(url, data)
                after = database_state()
                transaction.set_rollback(True)
            if response.status_code != expected:
                mismatches.append(f"{role} {method.upper()} {url}: expected {expected}, got {response.status_code}")
            if method == "post" and response.status_code in (302, 403, 404, 405) and expected != 302 and before != after:
                changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
                mismatches.append(f"{role} POST {url} was refused but changed the database: {changed}")
            if role == "anonymous" and response.status_code == 302:
                assert "/accounts/login/" in response["Location"]
    assert not mismatches, "\n".join(mismatches)
