"""City-wide figures, computed once for each state of the records.

The leaders' and the office's home panels and the scoreboard aggregate the whole city's ledger, visits and
enterprises: at 50,000 enterprises that is a second or more of SQL, for figures that change only when a record
does. They are kept in the shared cache (Redis in production) under the records' version, a counter raised by
every change to the programme's records. A kept figure is therefore never older than the records: nothing
expires by time (the timeout only bounds the memory that figures of past versions hold).

The counter is raised when a record is saved, deleted or linked, and once more when that change is committed:
a figure computed between the two (from the records before the commit) is stored under a version no request
reads again. Writes that bypass the model signals (bulk loads such as `seed_scale`) call `records_changed()`.

Right after a change, recomputing the city's figures takes seconds at 50,000 enterprises. For that long
(`FIGURES_STALE_SECONDS`, a minute by default) the figures last computed are shown, with the time they were
computed (`figures_as_of` in the page's context), while one worker recomputes them in the background; older
figures than that are never shown: the request computes them itself. `FIGURES_STALE_SECONDS=0` turns this off.

Without a shared cache (`FIGURES_CACHE` off: the default with the per-process memory cache, which the workers
of a server would not share) every request computes its figures.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from contextlib import suppress

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.utils import timezone, translation

from liaison.memo import held

logger = logging.getLogger(__name__)
VERSION_KEY = "liaison:records-version"
# Apps whose records the figures are computed from; within them, models that are not records of the programme.
RECORD_APPS = {"accounts", "enterprises", "visits", "supervision", "casework", "reports", "liaison"}
NOT_RECORDS = {"accounts.authevent", "liaison.notification", "liaison.submittoken"}
_MISSING = object()
_request_version: contextvars.ContextVar[dict | None] = contextvars.ContextVar("records_version", default=None)


def enabled() -> bool:
    return settings.FIGURES_CACHE


def version_read_once():
    """Within this block (a request: see liaison.middleware) the records' version is read from the cache once."""
    return held(_request_version, {})


def version() -> int | None:
    """The records' version, or None when the cache cannot be reached (the figures are then computed)."""
    memo = _request_version.get()
    if memo is not None and "number" in memo:
        return memo["number"]
    try:
        number = cache.get(VERSION_KEY)
        if number is None:
            # First use, or the cache lost the counter: a new series that no figure stored before can match.
            cache.add(VERSION_KEY, time.time_ns(), timeout=None)
            number = cache.get(VERSION_KEY)
    except Exception:  # the cache is down: serve computed figures rather than an error page
        logger.warning("The shared cache cannot be reached: city-wide figures are computed.", exc_info=True)
        number = None
    if memo is not None:
        memo["number"] = number
    return number


def records_changed(**kwargs) -> None:
    """Connected to every save, deletion and many-to-many change of a record (liaison.apps); bulk loads call it."""
    if not enabled():
        return
    sender = kwargs.get("sender")
    if sender is not None and not is_record(sender):
        return
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a sign-in
    _raise_version()
    transaction.on_commit(_raise_version)


def after_migrate(**kwargs) -> None:
    records_changed()


def is_record(model) -> bool:
    label = model._meta.label_lower
    return model._meta.app_label in RECORD_APPS and label not in NOT_RECORDS


def _raise_version() -> None:
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:
            cache.add(VERSION_KEY, time.time_ns(), timeout=None)
    except Exception:  # a record must be saved even when the cache is down; the figures' timeout bounds the rest
        logger.warning("The shared cache cannot be reached: the records' version was not raised.", exc_info=True)
    memo = _request_version.get()
    if memo is not None:
        memo.pop("number", None)


def kept(name: str, key: tuple, compute: Callable, *, stale: bool = True):
    """compute(), or what it returned for the same name and key while the records were as they are now.

    `key` names everything the figures depend on besides the records: the viewer (their scope), the period, the
    day (lights and deadlines move with it). The language is added, for figures that carry translated labels.
    Right after a change the last figures may be served while they are recomputed (see the module's notes),
    unless `stale` is False.
    """
    number = version() if enabled() else None
    if number is None:
        return compute()
    parts = ":".join(str(part) for part in (*key, translation.get_language()))
    cache_key = f"liaison:figures:{name}:{number}:{parts}"
    latest_key = f"liaison:figures-latest:{name}:{parts}"
    try:
        value = cache.get(cache_key, _MISSING)
        latest = cache.get(latest_key) if value is _MISSING and stale and settings.FIGURES_STALE_SECONDS else None
    except Exception:
        logger.warning("The shared cache cannot be reached: city-wide figures are computed.", exc_info=True)
        return compute()
    if value is not _MISSING:
        return value
    if latest is not None and time.time() - latest[0] <= settings.FIGURES_STALE_SECONDS:
        computed_at, value = latest
        if _claim(f"liaison:figures-refresh:{name}:{parts}"):
            start_refresh(_refresher(compute, cache_key, latest_key, f"liaison:figures-refresh:{name}:{parts}"))
        _note_as_of(computed_at)
        return value
    started = time.time()
    value = compute()
    _store(cache_key, latest_key, value, started)
    return value


def _query_key(queryset) -> tuple[str, str]:
    """The model and a digest of the query's own SQL and parameters (the filters, the order, the viewer's scope,
    the day): what a kept count or page depends on besides the records."""
    sql = repr(queryset.query.sql_with_params())
    return queryset.model._meta.label_lower, hashlib.sha256(f"{queryset.db}:{sql}".encode()).hexdigest()


def count(queryset) -> int:
    """queryset.count(), kept like the figures: the number of rows a list shows beside its page.

    Kept under the query's own SQL and parameters, and never served from an earlier state of the records: the
    count must match the rows listed with it.
    """
    return kept("count", _query_key(queryset), queryset.count, stale=False)


def page_keys(queryset, start: int, stop: int) -> list:
    """The primary keys of rows start..stop of `queryset` in its order, kept like `count`.

    For a list sorted by a figure computed for every row (visits in a period, for each enterprise of the city),
    finding which rows make a page is the whole cost of the page; the rows themselves are then read by key.
    """
    keys = queryset.values_list("pk", flat=True)[start:stop]
    return kept("page", _query_key(keys), lambda: list(keys), stale=False)


def figures_as_of() -> dt.datetime | None:
    """When the oldest figures this request showed were computed, if any were of an earlier state of the records."""
    memo = _request_version.get()
    stamp = memo.get("as_of") if memo is not None else None
    return timezone.localtime(dt.datetime.fromtimestamp(stamp, tz=dt.UTC)) if stamp else None


def _note_as_of(computed_at: float) -> None:
    memo = _request_version.get()
    if memo is not None:
        memo["as_of"] = min(memo.get("as_of", computed_at), computed_at)


def _claim(lock_key: str) -> bool:
    """True for the one request that recomputes (the lock lapses if its worker dies on the way)."""
    try:
        return cache.add(lock_key, 1, timeout=max(settings.FIGURES_STALE_SECONDS, 60))
    except Exception:
        return False


def _store(cache_key: str, latest_key: str, value, started: float) -> None:
    """Keep the figures for this version of the records, and as the latest, dated when their computing began."""
    try:
        cache.set(cache_key, value, timeout=settings.FIGURES_CACHE_SECONDS)
        if settings.FIGURES_STALE_SECONDS:
            cache.set(latest_key, (started, value), timeout=settings.FIGURES_CACHE_SECONDS)
    except Exception:
        logger.warning("The shared cache cannot be reached: figures not kept.", exc_info=True)


def _refresher(compute: Callable, cache_key: str, latest_key: str, lock_key: str) -> Callable[[], None]:
    language = translation.get_language()

    def refresh():
        # Stored under the version the request read: a change made meanwhile leaves them under a version no
        # request reads again, as with a request's own computation; they become the latest all the same.
        try:
            started = time.time()
            with translation.override(language):
                value = compute()
            _store(cache_key, latest_key, value, started)
        except Exception:
            logger.exception("City-wide figures could not be recomputed in the background.")
        finally:
            with suppress(Exception):
                cache.delete(lock_key)
    return refresh


def start_refresh(refresh: Callable[[], None]) -> None:
    """Run `refresh` in a thread of this worker, with database connections of its own (closed when done)."""
    def run():
        try:
            refresh()
        finally:
            connections.close_all()
    threading.Thread(target=run, name="figures-refresh", daemon=True).start()
