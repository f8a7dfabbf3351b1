"""`python -m bench growth`: how much a page slows down with ten times the data, both cities served at once.

Two runs of `make bench`, one per city, see two different machines: on a shared host the same page varies by
±40 % from one hour to the next, so the ratio of their p95 mixes the growth with the noise. Here each city has
its own gunicorn, started side by side, and the requests take turns (small city, large city, small city, …),
so both see the same load; the ratio is the growth alone (issue 7: at most 1.3 × from 5,000 to 50,000).

Each city is built first when missing, as `make bench` builds it (a city of its own per database). Pages whose
city-wide figures are recomputed before every request ("after a change") and downloads are left out: the former
needs the harness inside each city's database, and an export writes every row of the city by design.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import sys
import time
from pathlib import Path

from bench import run, stats
from bench.pages import PAGES, Page
from bench.run import ROOT, Server, Side

GROWTH_LIMIT = 1.3


def parse_args(argv=None):
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="python -m bench growth", description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=int(env("BENCH_SMALL") or 5000), help="enterprises in the small city")
    parser.add_argument("--large", type=int, default=int(env("BENCH_LARGE") or 50000), help="enterprises in the large city")
    parser.add_argument("--small-database-url", default=env("BENCH_SMALL_DATABASE_URL") or "")
    parser.add_argument("--large-database-url", default=env("BENCH_LARGE_DATABASE_URL") or "")
    parser.add_argument("--requests", type=int, default=int(env("BENCH_REQUESTS") or 200), help="requests per page and city")
    parser.add_argument("--workers", type=int, default=int(env("BENCH_WORKERS") or 3), help="gunicorn workers per city")
    parser.add_argument("--pages", default=env("BENCH_PAGES") or "", help="only pages whose name contains one of these (comma-separated)")
    parser.add_argument("--cache-url", default=env("BENCH_CACHE_URL") or run.default_cache_url())
    parser.add_argument("--fresh", action="store_true", default=bool(env("BENCH_FRESH")), help="rebuild both databases")
    parser.add_argument("--out", default=str(ROOT / "bench-results"))
    args = parser.parse_args(argv)
    # By default one database per scale (liaison_bench_5000, liaison_bench_50000), never the one `make bench` rebuilds.
    args.small_database_url = args.small_database_url or f"{run.DEFAULT_DB}_{args.small}"
    args.large_database_url = args.large_database_url or f"{run.DEFAULT_DB}_{args.large}"
    return args


def measured_pages(wanted: str) -> list[Page]:
    return [page for page in run.selected(PAGES, wanted) if not page.cold and not page.download]


def city(options: dict) -> dict:
    """In a process of its own (Django is set up once per process, for one database): the city built, and what
    its server needs — its environment, the fixture values and a signed-in session per role."""
    args = argparse.Namespace(**options)
    run.configure_environment(args, Path(args.out) / "static")
    sys.path.insert(0, str(ROOT))
    values, accounts, seed_seconds = run.build_city(args)
    from django.db import connection

    sessions = {role: run.session_for(user) for role, user in accounts.items() if role != "admin"}
    connection.close()
    return {"env": dict(os.environ), "values": values, "sessions": sessions, "seed_seconds": seed_seconds}


def build(args, scale: int, database_url: str) -> dict:
    options = {
        "scale": scale, "database_url": database_url, "fresh": args.fresh, "cache_url": args.cache_url, "out": args.out,
    }
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(city, (options,))


def growth_row(page: Page, small: Side, large: Side) -> dict:
    """One printed row: the page at both scales, measured in the same turns, and the ratios large/small."""
    a, b = small.result, large.result
    growth = stats.ratio(b.get("p95_ms"), a.get("p95_ms"))
    return {
        "page": page.name, "role": page.role,
        "p50_small_ms": a.get("p50_ms"), "p50_large_ms": b.get("p50_ms"),
        "p95_small_ms": a.get("p95_ms"), "p95_large_ms": b.get("p95_ms"),
        "cpu_small_ms": a.get("cpu_ms"), "cpu_large_ms": b.get("cpu_ms"),
        "p50_growth": stats.ratio(b.get("p50_ms"), a.get("p50_ms")),
        "growth": growth,
        "cpu_growth": stats.ratio(b.get("cpu_ms"), a.get("cpu_ms")),
        "errors": a.get("errors", 0) + b.get("errors", 0),
        "note": "" if growth is None else f"≤ {GROWTH_LIMIT:g} ×: {'met' if growth <= GROWTH_LIMIT else 'MISSED'}",
    }


COLUMNS = [
    ("page", "page"), ("role", "as"),
    ("p50_small_ms", "p50 small"), ("p50_large_ms", "p50 large"), ("p50_growth", "p50 large/small"),
    ("p95_small_ms", "p95 small"), ("p95_large_ms", "p95 large"), ("growth", "p95 large/small"),
    ("cpu_small_ms", "CPU small"), ("cpu_large_ms", "CPU large"), ("cpu_growth", "CPU large/small"),
    ("note", "note"),
]


def main(argv=None) -> int:
    args = parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    cities = {
        "small": build(args, args.small, args.small_database_url),
        "large": build(args, args.large, args.large_database_url),
    }
    # This process reads the project's settings as the servers do (the session cookie's name, say).
    os.environ.update(cities["small"]["env"])
    load_before = run.load()
    servers = {
        name: Server(args.workers, out / f"gunicorn-growth-{name}.log", env=built["env"]) for name, built in cities.items()
    }
    rows = []
    try:
        for server in servers.values():
            server.wait_ready()
        for page in measured_pages(args.pages):
            print(f"  {page.name} ({page.role})…", flush=True)
            sides = [
                Side(url=run.fill(page.url, built["values"]), session_key=built["sessions"][page.role], server=servers[name])
                for name, built in cities.items()
            ]
            run.sequential(sides, args.requests)
            rows.append(growth_row(page, *sides))
    finally:
        for server in servers.values():
            server.stop()

    table = stats.format_table(rows, COLUMNS)
    small, large = (cities[name]["values"]["enterprises"] for name in ("small", "large"))
    print()
    print(f"Growth from {small} to {large} enterprises — both cities served at once (gunicorn ×{args.workers} each), "
          f"{args.requests} requests a page and city taking turns; load average {load_before['loadavg'][0]:.1f} "
          f"before, {os.getloadavg()[0]:.1f} after")
    print(table)
    report = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": run.machine(),
        "settings": {k: v for k, v in vars(args).items() if not k.endswith("database_url")},
        "cities": {name: {"fixtures": built["values"], "seed_seconds": built["seed_seconds"]} for name, built in cities.items()},
        "total_seconds": round(time.monotonic() - started, 1),
        "load": {"before": load_before, "after": run.load()},
        "rows": rows,
        "table": table,
    }
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = out / f"growth-{small}-{large}-{stamp}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(f"\nSaved {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} ({report['total_seconds']} s).")
    # The smoke-test verdict, as for `make bench`: no timing in it, only that every request answered 200.
    failed = sum(1 for row in rows if row["errors"])
    print(f"bench growth: {len(rows) - failed} passed, {failed} failed")
    return 1 if failed or not rows else 0
