"""`make bench`: the city-scale benchmark against gunicorn and PostgreSQL.

1. A database of its own (`liaison_bench` by default) is created, migrated and filled with
   `seed_scale --enterprises SCALE` (kept and reused by the next run at the same scale; `--fresh` rebuilds it).
2. Static files are collected and gunicorn serves the project with production settings (DJANGO_DEBUG=0).
3. For each page of `bench.pages.PAGES`, as the page's role and then the admin page beside it:
   - the queries of one request (Django's test client in this process, CaptureQueriesContext) and the
     database time of that SQL (EXPLAIN ANALYZE of each SELECT, best of 3, summed; the slowest one's plan kept);
   - p50/p95 latency of sequential requests over HTTP, and requests/s with N concurrent clients;
   - the peak resident memory of a gunicorn worker while the page was served.
4. One table is printed with the ratios page/admin and page/SQL, and everything is saved as JSON in
   bench-results/.
Nothing here asserts a timing: the numbers are recorded, docs/performance.md explains them.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import logging
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from bench import stats
from bench.pages import PAGES, Page

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/liaison_bench"
SERVER_CURSOR = re.compile(r'^DECLARE\s+"?[\w]+"?\s+.*?CURSOR\s+(WITH(OUT)?\s+HOLD\s+)?FOR\s+', re.I | re.S)
HEADERS = {"X-Forwarded-Proto": "https", "Accept-Language": "zh-hans"}


def parse_args(argv=None):
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=int(env("BENCH_SCALE") or 5000), help="enterprises in the city")
    parser.add_argument("--requests", type=int, default=int(env("BENCH_REQUESTS") or 200), help="sequential requests per page")
    parser.add_argument("--concurrency", type=int, default=int(env("BENCH_CONCURRENCY") or 8))
    parser.add_argument("--workers", type=int, default=int(env("BENCH_WORKERS") or 3), help="gunicorn workers")
    parser.add_argument("--database-url", default=env("BENCH_DATABASE_URL") or DEFAULT_DB)
    parser.add_argument("--pages", default=env("BENCH_PAGES") or "", help="only pages whose name contains one of these (comma-separated)")
    parser.add_argument("--cache-url", default=env("BENCH_CACHE_URL") or default_cache_url(),
                        help="the shared cache (default: Redis on 127.0.0.1:6379 when it answers)")
    parser.add_argument("--fresh", action="store_true", default=bool(env("BENCH_FRESH")), help="rebuild the database")
    parser.add_argument("--out", default=str(ROOT / "bench-results"))
    return parser.parse_args(argv)


# ---------------------------------------------------------------- database


def default_cache_url() -> str:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return "redis://127.0.0.1:6379/0"
    except OSError:
        return ""


def _admin_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres"))


def city_size(url: str) -> int | None:
    """Enterprises in the bench database, or None when it does not exist or is not migrated."""
    import psycopg2

    try:
        with psycopg2.connect(url) as conn, conn.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM enterprises_enterprise")
            return cursor.fetchone()[0]
    except psycopg2.Error:
        return None


def recreate_database(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    name = urlsplit(url).path.lstrip("/")
    conn = psycopg2.connect(_admin_url(url))
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()


def media_root(args) -> Path:
    return Path(args.out) / "media" / urlsplit(args.database_url).path.lstrip("/")


def configure_environment(args, static_root: Path) -> None:
    """Production settings for this process and gunicorn alike."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="liaison.settings",
        DJANGO_DEBUG="0",
        SECRET_KEY=os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DATABASE_URL=args.database_url,
        STATIC_ROOT=str(static_root),
        # The sample enterprise's photo files belong with its database, kept and rebuilt with it.
        MEDIA_ROOT=str(media_root(args)),
        LOG_LEVEL="ERROR",
        # The shared cache of production (Redis), where the workers keep the city-wide figures; without it
        # (no Redis listening) every request computes them, and the "after a change" pages equal the others.
        CACHE_KEY_PREFIX=f"bench-{urlsplit(args.database_url).path.lstrip('/')}",
    )
    if args.cache_url:
        os.environ["CACHE_URL"] = args.cache_url
    os.environ.pop("PYTEST_VERSION", None)


# ---------------------------------------------------------------- the city's fixtures


def fixtures() -> dict:
    from django.db.models import Count

    from accounts.models import Unit
    from enterprises.models import Enterprise
    from liaison.management.commands import seed_scale

    city = Enterprise.objects.filter(station__parent__name=seed_scale.BUREAU)
    station = (
        Unit.objects.filter(kind=Unit.Kind.STATION, parent__name=seed_scale.BUREAU)
        .annotate(n=Count("enterprises")).order_by("-n", "pk").first()
    )
    total = city.count()
    middle = city.order_by("pk")[total // 2]
    term = middle.name[len(seed_scale.CITY):]
    return {
        "station": station.pk,
        "station_enterprises": station.n,
        "name_term": term[:4],
        "short_term": term[:2],
        "code": middle.credit_code,
        "sample": Enterprise.objects.get(name=seed_scale.SAMPLE_NAME).pk,
        "enterprises": total,
    }


def fill(template: str, values: dict) -> str:
    return template.format(**{k: quote(str(v), safe="") for k, v in values.items()})


def users() -> dict:
    """The accounts the benchmark signs in as: created when the city does not have them."""
    from accounts.models import Unit, User
    from liaison.management.commands import seed_scale

    bureau = Unit.objects.get(name=seed_scale.BUREAU)
    office = Unit.objects.get(name=seed_scale.OFFICE)
    station = Unit.objects.filter(kind=Unit.Kind.STATION, parent=bureau).order_by("pk").first()
    wanted = {
        "leader": (seed_scale.BENCH_LEADER, {"role": User.Role.LEADER, "unit": bureau}),
        "office": (seed_scale.BENCH_OFFICE, {"role": User.Role.COORDINATOR, "unit": office}),
        "officer": (seed_scale.BENCH_OFFICER, {"role": User.Role.OFFICER, "unit": station}),
        "admin": (seed_scale.BENCH_ADMIN, {"role": "", "unit": bureau, "is_staff": True, "is_superuser": True}),
    }
    found = {}
    for role, (username, defaults) in wanted.items():
        user, created = User.objects.get_or_create(username=username, defaults={"name": username, **defaults})
        if created:
            user.set_password(seed_scale.PASSWORD)
            user.save()
        found[role] = user
    return found


def session_for(user) -> str:
    """A signed-in session, as the login form would leave it."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    now = int(time.time())
    session.update({
        SESSION_KEY: str(user.pk),
        BACKEND_SESSION_KEY: "accounts.backends.UnitModelBackend",
        HASH_SESSION_KEY: user.get_session_auth_hash(),
        "login_at": now,
        "seen_at": now,
    })
    session.create()
    return session.session_key


# ---------------------------------------------------------------- gunicorn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, workers: int, log_path: Path, env: dict | None = None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "liaison.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
                "--workers", str(workers), "--timeout", "600", "--log-level", "warning",
            ],
            cwd=ROOT, env=env or os.environ.copy(), stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def wait_ready(self, timeout=180.0) -> None:
        import requests

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.proc.returncode}); see {self.log.name}")
            try:
                if requests.get(self.base + "/accounts/login/", headers=HEADERS, timeout=30).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer in time")

    def worker_pids(self) -> list[int]:
        import psutil

        return [child.pid for child in psutil.Process(self.proc.pid).children()]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class PeakMemory:
    """Peak resident memory of the gunicorn workers while a block runs.

    Uses the kernel's high-water mark (VmHWM, reset through /proc/<pid>/clear_refs) and, as a cross-check
    where that is not allowed, samples the resident size every 10 ms.
    """

    def __init__(self, pids: list[int]):
        self.pids = pids
        self.sampled = 0
        self._stop = threading.Event()

    def __enter__(self):
        self.hwm_reset = all(self._write(pid, "5") for pid in self.pids)
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    @staticmethod
    def _write(pid, value) -> bool:
        try:
            Path(f"/proc/{pid}/clear_refs").write_text(value)
            return True
        except OSError:
            return False

    def _sample(self):
        import psutil

        procs = [psutil.Process(pid) for pid in self.pids]
        while not self._stop.is_set():
            for proc in procs:
                with contextlib.suppress(psutil.Error):
                    self.sampled = max(self.sampled, proc.memory_info().rss)
            self._stop.wait(0.01)

    def peak_mb(self) -> float:
        peak = self.sampled
        if self.hwm_reset:
            for pid in self.pids:
                try:
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmHWM:"):
                            peak = max(peak, int(line.split()[1]) * 1024)
                except OSError:
                    pass
        return round(peak / 2**20, 1)


# ---------------------------------------------------------------- measuring


def records_changed() -> None:
    """As after any change to the records: the city-wide figures kept in the shared cache are computed again."""
    from liaison import citywide

    citywide.records_changed()


def capture_queries(url: str, session_key: str, before=None) -> dict:
    """The page's queries and status through Django's test client (the second of two runs: warm caches)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_X_FORWARDED_PROTO="https")
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    captured = None
    status = None
    for _ in range(2):
        if before:
            before()
        with CaptureQueriesContext(connection) as context:
            response = client.get(url, secure=True)
            if getattr(response, "streaming", False):
                for _chunk in response.streaming_content:
                    pass
            status = response.status_code
            if hasattr(response, "close"):
                response.close()
        captured = [q["sql"] for q in context.captured_queries]
    return {"status": status, "sql": captured}


def explain(queries: list[str]) -> dict:
    """Database time of the page's SELECTs (EXPLAIN ANALYZE, best of 3 each) and the slowest one's plan."""
    from django.db import connection

    total, slowest, slowest_ms = 0.0, None, -1.0
    with connection.cursor() as cursor:
        for query in queries:
            # Querysets read with .iterator() arrive as a server-side cursor over the SELECT.
            query = SERVER_CURSOR.sub("", query.lstrip(), count=1)
            if not query.upper().startswith(("SELECT", "WITH")):
                continue
            best = None
            for _ in range(3):
                cursor.execute("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + query)
                plan = cursor.fetchone()[0]
                plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
                ms = plan.get("Planning Time", 0.0) + plan.get("Execution Time", 0.0)
                best = ms if best is None else min(best, ms)
            total += best
            if best > slowest_ms:
                slowest, slowest_ms = query, best
        plan_text = None
        if slowest is not None:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest)
            plan_text = "\n".join(row[0] for row in cursor.fetchall())
    return {
        "sql_ms": round(total, 2),
        "slowest_sql_ms": round(slowest_ms, 2) if slowest is not None else None,
        "slowest_sql": slowest,
        "slowest_explain": plan_text,
    }


def http_session(session_key: str):
    import requests
    from django.conf import settings

    s = requests.Session()
    s.headers.update(HEADERS)
    s.headers["Cookie"] = f"{settings.SESSION_COOKIE_NAME}={session_key}"
    return s


def timed_get(session, url: str) -> tuple[int, float, int]:
    started = time.perf_counter()
    response = session.get(url, allow_redirects=False, timeout=600)
    size = len(response.content)
    return response.status_code, time.perf_counter() - started, size


class WorkerCPU:
    """CPU seconds the gunicorn workers spent: per request, it does not grow when other work shares the cores."""

    def __init__(self, pids: list[int]):
        import psutil

        self.procs = [psutil.Process(pid) for pid in pids]

    def total(self) -> float:
        spent = 0.0
        for proc in self.procs:
            times = proc.cpu_times()
            spent += times.user + times.system
        return spent


@dataclass
class Side:
    """One page under measurement (the page itself or its admin counterpart)."""

    url: str
    session_key: str
    server: Server | None = None
    before: object = None  # called before each request (records_changed for a cold page)
    result: dict = field(default_factory=dict)
    durations: list = field(default_factory=list)
    cpu: list = field(default_factory=list)
    errors: int = 0
    size: int = 0


def prepare(url: str, user, before=None) -> Side:
    """Sign in, count the queries of one request and take the database time of its SQL."""
    side = Side(url=url, session_key=session_for(user), before=before)
    captured = capture_queries(url, side.session_key, before)
    side.result = {"url": url, "status_code": captured["status"], "queries": len(captured["sql"])}
    if captured["status"] == 200:
        side.result.update(explain(captured["sql"]))
    return side


def sequential(sides: list[Side], count: int) -> None:
    """`count` requests to each side, taking turns, so that all see the same load on the machine.

    Each side is served by its own `server` (the same one for a page and its admin page; one per city when
    `bench.growth` compares two cities).
    """
    sessions = [http_session(side.session_key) for side in sides]
    cpu = {id(side.server): WorkerCPU(side.server.worker_pids()) for side in sides}
    for side, session in zip(sides, sessions, strict=True):
        for _ in range(min(5, max(1, count // 10))):
            timed_get(session, side.server.base + side.url)
    for _ in range(count):
        for side, session in zip(sides, sessions, strict=True):
            if side.before:
                side.before()
            workers = cpu[id(side.server)]
            before = workers.total()
            status, seconds, side.size = timed_get(session, side.server.base + side.url)
            side.cpu.append(workers.total() - before)
            side.durations.append(seconds)
            side.errors += status != 200
    for side in sides:
        side.result.update(stats.latency_summary(side.durations))
        side.result.update(
            # The kernel counts CPU time in 10 ms ticks: the mean over many requests is exact, a percentile is not.
            errors=side.errors, bytes=side.size, cpu_ms=round(sum(side.cpu) * 1000 / len(side.cpu), 1)
        )


def concurrent(base: str, side: Side, clients: int, count: int) -> None:
    per_client = max(1, count // clients)
    errors = []
    barrier = threading.Barrier(clients + 1)

    def worker():
        session = http_session(side.session_key)
        timed_get(session, base + side.url)  # open the connection before the clock starts
        barrier.wait()
        for _ in range(per_client):
            if side.before:
                side.before()
            status, _, _ = timed_get(session, base + side.url)
            if status != 200:
                errors.append(status)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    total = per_client * clients
    side.result.update(rps=round(total / wall, 1), concurrent_requests=total, concurrent_errors=len(errors))


def measure_page(server: Server, page: Page, values: dict, accounts: dict, args) -> dict:
    url = fill(page.url, values)
    count = min(args.requests, page.max_requests) if page.max_requests else args.requests
    result = {"name": page.name, "role": page.role, "target_p95_ms": page.target_p95_ms}
    own = prepare(url, accounts[page.role], records_changed if page.cold else None)
    status = own.result["status_code"]
    if status == 404:
        return {**result, "status": "not available", "note": f"{url} answers 404"}
    if status != 200:
        return {**result, "status": "error", "note": f"{url} answers {status}"}
    own.server = server
    sides = [own]
    admin = None
    if page.admin:
        admin = prepare(fill(page.admin, values), accounts["admin"])
        admin.server = server
        if admin.result["status_code"] == 200:
            sides.append(admin)
    clients = min(args.concurrency, count)
    with PeakMemory(server.worker_pids()) as memory:
        if admin is None:
            sequential(sides, count)
        concurrent(server.base, own, clients, max(count, clients))
    own.result["peak_rss_mb"] = memory.peak_mb()
    if admin is not None:
        sequential(sides, count)
        concurrent(server.base, admin, clients, max(count, clients))
        result["admin"] = admin.result
    result["page"] = own.result
    result["status"] = "ok"
    p95 = own.result.get("p95_ms")
    if page.target_p95_ms and p95 is not None:
        result["note"] = f"target p95 ≤ {page.target_p95_ms:g} ms: {'met' if p95 <= page.target_p95_ms else 'MISSED'}"
    return result


def selected(pages: list[Page], wanted: str) -> list[Page]:
    names = [w.strip().lower() for w in wanted.split(",") if w.strip()]
    return [p for p in pages if not names or any(n in p.name.lower() for n in names)]


def load() -> dict:
    """How busy the machine was (other work on the same cores makes every latency longer)."""
    info = {"loadavg": os.getloadavg()}
    with contextlib.suppress(OSError):
        info["cpu_pressure"] = Path("/proc/pressure/cpu").read_text().splitlines()[0]
    return info


def machine() -> dict:
    info = {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        info["memory_gb"] = round(int(mem) / 2**20, 1)
    except OSError:
        pass
    return info


def build_city(args) -> tuple[dict, dict, float | None]:
    """The city of `args.scale` enterprises in `args.database_url`, built unless it is there already, with its
    static files: (fixture values, the accounts by role, seconds spent seeding or None when reused)."""
    size = None if args.fresh else city_size(args.database_url)
    if size != args.scale:
        print(f"Creating {urlsplit(args.database_url).path.lstrip('/')} for {args.scale} enterprises…", flush=True)
        recreate_database(args.database_url)
        shutil.rmtree(media_root(args), ignore_errors=True)

    import django
    from django.core.management import call_command

    django.setup()
    # Pages not built yet answer 404 on purpose: no warning per probe.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    call_command("migrate", verbosity=0, interactive=False)
    seed_seconds = None
    if size != args.scale:
        seed_started = time.monotonic()
        # 500 photos in the sample's Word file at city scale; a handful in the smoke run.
        call_command("seed_scale", enterprises=args.scale, sample_photos=min(500, max(20, args.scale // 10)))
        seed_seconds = round(time.monotonic() - seed_started, 1)
    else:
        print(f"Reusing the city of {size} enterprises (--fresh rebuilds it).", flush=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    from django.db import connection

    values = fixtures()
    accounts = users()
    connection.close()
    return values, accounts, seed_seconds


def main(argv=None) -> int:
    args = parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    configure_environment(args, out / "static")
    sys.path.insert(0, str(ROOT))
    started = time.monotonic()

    values, accounts, seed_seconds = build_city(args)

    load_before = load()
    server = Server(args.workers, out / "gunicorn.log")
    results = []
    try:
        server.wait_ready()
        for page in selected(PAGES, args.pages):
            print(f"  {page.name} ({page.role})…", flush=True)
            results.append(measure_page(server, page, values, accounts, args))
    finally:
        server.stop()

    rows = [stats.table_row(r) for r in results]
    table = stats.format_table(rows)
    print()
    print(f"Liaison at {values['enterprises']} enterprises — PostgreSQL, gunicorn ×{args.workers}, "
          f"{args.requests} sequential requests, {args.concurrency} concurrent clients; "
          f"load average {load_before['loadavg'][0]:.1f} before, {os.getloadavg()[0]:.1f} after")
    print(table)
    report = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": {k: v for k, v in vars(args).items() if k != "database_url"},
        "seed_seconds": seed_seconds,
        "fixtures": values,
        "total_seconds": round(time.monotonic() - started, 1),
        "load": {"before": load_before, "after": load()},
        "results": results,
        "table": table,
    }
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = out / f"bench-{args.scale}-{stamp}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    (out / f"bench-{args.scale}-latest.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(f"\nSaved {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} ({report['total_seconds']} s).")
    # The smoke-test verdict (no timing in it): every available page answered 200 to every request.
    passed, failed, skipped = stats.verdict(results)
    print(f"bench: {passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0
