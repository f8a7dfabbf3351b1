import datetime as dt
import subprocess
import sys
import time

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuthEvent
from liaison.models import Notification

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")


def login(client, username, password="Demo#2026", **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_pages_need_a_sign_in(world, client):
    response = client.get(reverse("enterprises:enterprise_list"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_sign_in_and_out_are_recorded_with_the_address(world, client):
    response = login(client, "officer", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    event = AuthEvent.objects.get(kind=AuthEvent.Kind.LOGIN)
    assert event.user == world.officer and event.ip_address == "10.1.2.3"
    client.post(reverse("accounts:logout"))
    assert AuthEvent.objects.filter(kind=AuthEvent.Kind.LOGOUT, username="officer").exists()


def test_session_key_changes_at_sign_in(world, client):
    client.get(LOGIN)
    client.session["probe"] = 1
    before = client.session.session_key
    login(client, "officer")
    assert client.session.session_key != before


def test_five_failures_lock_the_username_for_thirty_minutes(world, client):
    for _ in range(5):
        response = login(client, "officer", password="Wrong#2026x")
    assert response.status_code == 429
    assert "锁定" in response.content.decode() or "locked" in response.content.decode().lower()
    # The right password is refused during the lockout.
    response = login(client, "officer")
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    assert AuthEvent.objects.filter(kind=AuthEvent.Kind.FAILURE, username="officer").count() >= 5
    assert AuthEvent.objects.filter(kind=AuthEvent.Kind.LOCKOUT, username="officer").exists()
    assert dt.timedelta(minutes=30) == settings.AXES_COOLOFF_TIME


def test_four_failures_do_not_lock(world, client):
    for _ in range(4):
        login(client, "officer", password="Wrong#2026x")
    assert login(client, "officer").status_code == 302


def test_lockout_uses_the_client_address_behind_the_proxy(world, client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    login(client, "nobody", password="x", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="172.16.5.9")
    assert AuthEvent.objects.get(kind=AuthEvent.Kind.FAILURE).ip_address == "172.16.5.9"


@pytest.mark.parametrize(
    "password, ok",
    [("Demo#2026", True), ("short1A", False), ("alllowercase", False), ("ALLUPPER#123", True), ("ALLUPPER123", False), ("officer#2026A", False), ("password", False)],
)
def test_password_rules(world, password, ok):
    if ok:
        validate_password(password, user=world.officer)
    else:
        with pytest.raises(ValidationError):
            validate_password(password, user=world.officer)


def test_idle_session_ends_after_thirty_minutes(world, client):
    client.force_login(world.officer)
    assert client.get("/").status_code == 200
    session = client.session
    session["seen_at"] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 5
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_session_ends_twelve_hours_after_sign_in(world, client):
    client.force_login(world.officer)
    client.get("/")
    session = client.session
    session["login_at"] = int(time.time()) - 12 * 3600 - 5
    session.save()
    assert client.get("/").status_code == 302


def test_disabling_an_account_ends_its_sessions(world, client):
    client.force_login(world.officer)
    assert client.get("/").status_code == 200
    world.officer.is_active = False
    world.officer.save()
    assert client.get("/").status_code == 302


def test_pages_are_not_stored_and_carry_a_strict_csp(world, client_for):
    response = client_for(world.officer).get("/")
    assert response["Cache-Control"] == "no-store"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response["X-Frame-Options"] == "DENY"


def test_no_inline_script_in_rendered_pages(world, client_for):
    import re

    client = client_for(world.coordinator)
    for url in ["/", reverse("enterprises:enterprise_list"), world.enterprise_a.get_absolute_url()]:
        html = client.get(url).content.decode()
        for tag in re.findall(r"<script[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, tag


def test_edits_are_audited_with_actor_and_address(world, client_for):
    client = client_for(world.officer)
    client.post(
        reverse("enterprises:enterprise_contact", args=[world.enterprise_a.pk]),
        {"contact_name": "王五", "contact_phone": "13803710000", "address": "新地址"},
        REMOTE_ADDR="10.9.8.7",
    )
    entry = LogEntry.objects.get_for_object(world.enterprise_a).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.actor == world.officer and entry.remote_addr == "10.9.8.7"
    assert "contact_name" in entry.changes_dict


def test_auditor_sees_the_log_and_nothing_else(world, client_for):
    client = client_for(world.auditor)
    assert client.get(reverse("accounts:audit_log")).status_code == 200
    assert client.get(reverse("accounts:audit_log"), {"actor": world.officer.pk}).status_code == 200
    assert client.get(reverse("enterprises:enterprise_list")).status_code == 403
    assert client.get(world.enterprise_a.get_absolute_url()).status_code == 403


def test_audit_log_filters_by_user(world, client_for):
    LogEntry.objects.all().delete()
    world.enterprise_a.name = "改名企业"
    from auditlog.context import set_actor

    with set_actor(world.coordinator):
        world.enterprise_a.save()
    with set_actor(world.leader):
        world.enterprise_b.save()
    table = client_for(world.auditor).get(reverse("accounts:audit_log"), {"actor": world.coordinator.pk}).context["table"]
    assert [row.record.actor for row in table.page.object_list] == [world.coordinator]


def test_nobody_can_change_or_delete_the_log_in_the_admin(world, client):
    from tests.factories import UserFactory

    admin = UserFactory(username="root", role="", is_staff=True, is_superuser=True)
    client.force_login(admin)
    entry = LogEntry.objects.first()
    assert client.get(reverse("admin:auditlog_logentry_changelist")).status_code == 200
    assert client.post(reverse("admin:auditlog_logentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_pruning_keeps_at_least_180_days(world):
    old = LogEntry.objects.first()
    LogEntry.objects.filter(pk=old.pk).update(timestamp=timezone.now() - dt.timedelta(days=200))
    young = LogEntry.objects.exclude(pk=old.pk).count()
    with pytest.raises(CommandError):
        call_command("prune_audit", days=30)
    call_command("prune_audit", days=180)
    assert not LogEntry.objects.filter(pk=old.pk).exists()
    assert LogEntry.objects.count() == young


def test_error_pages_are_localized_without_traceback(world, chinese_client):
    chinese_client.force_login(world.officer)
    response = chinese_client.get("/enterprises/999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Traceback" not in html and "不存在" in html
    english = chinese_client.get("/enterprises/999999/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "does not exist" in english


def test_the_interface_speaks_chinese_by_default(world, chinese_client):
    from django.test import Client

    assert settings.LANGUAGE_CODE == "zh-hans"
    plain = Client()  # no Accept-Language at all: the default language
    plain.force_login(world.officer)
    assert "我的企业" in plain.get("/").content.decode()


def test_notification_bell_counts_only_unread_own(world, client_for):
    Notification.objects.create(recipient=world.officer, kind="OTHER", text="a", key="k1")
    Notification.objects.create(recipient=world.officer, kind="OTHER", text="b", key="k2", read_at=timezone.now())
    Notification.objects.create(recipient=world.outsider, kind="OTHER", text="c", key="k3")
    client = client_for(world.officer)
    assert client.get("/").context["nav_unread"] == 1
    client.post(reverse("notification_read"))
    assert client.get("/").context["nav_unread"] == 0


def test_deploy_check_passes_with_production_settings(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": "x7$Kq2!pZr9@Lm4#Vw8^Nt1&Yb6*Hc3(Jd5)Fg0-Es+Qa=Uo~Ii",
        "ALLOWED_HOSTS": "liaison.example.internal",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, cwd=settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_templates_load_no_asset_from_outside():
    import re
    from pathlib import Path

    pattern = re.compile(r"""(src|href)\s*=\s*["']\s*(https?:)?//""", re.I)
    offenders = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                offenders.append(f"{path}:{number}")
    for path in Path(settings.BASE_DIR, "static").rglob("*.css"):
        if re.search(r"url\(\s*['\"]?https?://", path.read_text(encoding="utf-8", errors="ignore")):
            offenders.append(str(path))
    assert not offenders, offenders


def test_audit_log_names_fields_as_the_pages_do(world, client_for):
    from auditlog.context import set_actor

    LogEntry.objects.all().delete()
    world.enterprise_a.contact_name = "新联系人"
    world.enterprise_a.is_key = True
    with set_actor(world.coordinator):
        world.enterprise_a.save()
    table = client_for(world.auditor).get(reverse("accounts:audit_log")).context["table"]
    changes = table.rows[0].get_cell("changes")
    assert "contact person: " in changes and "→ 新联系人" in changes
    assert "key enterprise: No → Yes" in changes
