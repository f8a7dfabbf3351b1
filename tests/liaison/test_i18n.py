"""The Chinese catalogue is complete, compiled, and covers every translatable string in the source."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
from django.conf import settings

PO = Path(settings.BASE_DIR, "locale", "zh_Hans", "LC_MESSAGES", "django.po")
MO = PO.with_suffix(".mo")


def test_every_entry_is_translated_and_not_fuzzy():
    catalogue = polib.pofile(str(PO))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries() if e.msgid]
    assert not untranslated, f"{len(untranslated)} untranslated: {untranslated[:20]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:20]}"


def test_compiled_catalogue_is_current():
    source = {(e.msgctxt, e.msgid): (e.msgstr or e.msgstr_plural.get(0, "")) for e in polib.pofile(str(PO)) if e.msgid}
    compiled = {(e.msgctxt, e.msgid): (e.msgstr or e.msgstr_plural.get(0, "")) for e in polib.mofile(str(MO)) if e.msgid}
    stale = {k for k in source if compiled.get(k) != source[k]}
    assert not stale, f"django.mo is out of date for {len(stale)} entries, e.g. {sorted(stale, key=str)[:5]}; run `make messages`"


def test_every_translatable_string_in_the_source_is_in_the_catalogue(tmp_path):
    assert shutil.which("xgettext"), "GNU gettext is missing: `make test` installs it (Debian package gettext)"
    root = Path(settings.BASE_DIR)
    copy = tmp_path / "src"
    ignore = shutil.ignore_patterns(".venv", ".git", "staticfiles", "media", "node_modules", "__pycache__", "tests", "*.sqlite3", "bench-results")
    shutil.copytree(root, copy, ignore=ignore)
    env = {"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "liaison.settings"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-location", "-i", "bench/*"],
        cwd=copy, env=env, check=True, capture_output=True,
    )
    fresh = {(e.msgctxt, e.msgid) for e in polib.pofile(str(copy / "locale/zh_Hans/LC_MESSAGES/django.po")) if e.msgid and not e.obsolete}
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(PO)) if e.msgid and e.translated()}
    missing = fresh - committed
    assert not missing, f"{len(missing)} strings are not translated yet (run `make messages` and translate): {sorted(missing, key=str)[:15]}"
