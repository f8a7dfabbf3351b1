"""Pure helpers of the benchmark: percentiles, ratios and the printed table."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], pct: float) -> float | None:
    """The pct-th percentile with linear interpolation between closest ranks (numpy's default method)."""
    if not values:
        return None
    if not 0 <= pct <= 100:
        raise ValueError("pct must be between 0 and 100")
    ordered = sorted(values)
    if len(ordered) == 1:
        return float(ordered[0])
    rank = (len(ordered) - 1) * pct / 100
    low, high = math.floor(rank), math.ceil(rank)
    return float(ordered[low] + (ordered[high] - ordered[low]) * (rank - low))


def latency_summary(seconds: Sequence[float]) -> dict:
    """p50/p95/max in milliseconds of a list of durations in seconds."""
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": _round(percentile(ms, 50)),
        "p95_ms": _round(percentile(ms, 95)),
        "max_ms": _round(max(ms)) if ms else None,
    }


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, 2)


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


COLUMNS = [
    ("page", "page"),
    ("role", "as"),
    ("queries", "q"),
    ("p50_ms", "p50 ms"),
    ("p95_ms", "p95 ms"),
    ("cpu_ms", "CPU ms"),
    ("rps", "req/s (8)"),
    ("rss_mb", "RSS MB"),
    ("sql_ms", "SQL ms"),
    ("admin_queries", "admin q"),
    ("admin_p50_ms", "admin p50"),
    ("admin_p95_ms", "admin p95"),
    ("admin_cpu_ms", "admin CPU"),
    ("p95_vs_admin", "p95 page/admin"),
    ("p50_vs_sql", "p50 page/SQL"),
    ("note", "note"),
]


def table_row(result: dict) -> dict:
    """One printed row from a page's result (see bench.run.measure_page)."""
    page, admin = result.get("page") or {}, result.get("admin") or {}
    row = {
        "page": result["name"],
        "role": result["role"],
        "note": result.get("note", ""),
    }
    if result.get("status") != "ok":
        row["note"] = result.get("status", "") + (f": {row['note']}" if row["note"] else "")
        return row
    row.update(
        queries=page.get("queries"),
        p50_ms=page.get("p50_ms"),
        p95_ms=page.get("p95_ms"),
        cpu_ms=_round(page.get("cpu_ms")),
        rps=page.get("rps"),
        rss_mb=page.get("peak_rss_mb"),
        sql_ms=page.get("sql_ms"),
        admin_queries=admin.get("queries"),
        admin_p50_ms=admin.get("p50_ms"),
        admin_p95_ms=admin.get("p95_ms"),
        admin_cpu_ms=_round(admin.get("cpu_ms")),
        p95_vs_admin=ratio(page.get("p95_ms"), admin.get("p95_ms")),
        p50_vs_sql=ratio(page.get("p50_ms"), page.get("sql_ms")),
    )
    return row


def format_cell(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def format_table(rows: list[dict], columns=COLUMNS) -> str:
    """A plain-text table (also valid Markdown) of rows keyed by the column keys."""
    header = [title for _, title in columns]
    body = [[format_cell(row.get(key)) for key, _ in columns] for row in rows]
    widths = [max(_width(cell) for cell in [title, *[line[i] for line in body]]) for i, title in enumerate(header)]
    lines = [_line(header, widths), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    lines.extend(_line(line, widths) for line in body)
    return "\n".join(lines)


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _line(cells: list[str], widths: list[int]) -> str:
    return "| " + " | ".join(cell + " " * (w - _width(cell)) for cell, w in zip(cells, widths, strict=True)) + " |"


def compare_runs(small: list[dict], large: list[dict]) -> list[dict]:
    """Page by page, how p95 and the query count grew from a smaller city to a larger one (issue 7: ≤ 1.3×)."""
    before = {(r["name"], r["role"]): r for r in small if r.get("status") == "ok"}
    rows = []
    for result in large:
        key = (result["name"], result["role"])
        if result.get("status") != "ok" or key not in before:
            continue
        a, b = before[key]["page"], result["page"]
        rows.append({
            "page": key[0], "role": key[1],
            "queries_small": a.get("queries"), "queries_large": b.get("queries"),
            "same_queries": a.get("queries") == b.get("queries"),
            "p95_small_ms": a.get("p95_ms"), "p95_large_ms": b.get("p95_ms"),
            "growth": ratio(b.get("p95_ms"), a.get("p95_ms")),
            "cpu_small_ms": a.get("cpu_ms"), "cpu_large_ms": b.get("cpu_ms"),
            "cpu_growth": ratio(b.get("cpu_ms"), a.get("cpu_ms")),
            "sql_small_ms": a.get("sql_ms"), "sql_large_ms": b.get("sql_ms"),
        })
    return rows


def verdict(results: list[dict]) -> tuple[int, int, int]:
    """(passed, failed, skipped): a page fails when it errs or any of its requests did not answer 200."""
    passed = failed = skipped = 0
    for result in results:
        if result.get("status") == "not available":
            skipped += 1
            continue
        sides = [result.get("page") or {}, result.get("admin") or {}]
        bad = result.get("status") != "ok" or any(s.get("errors") or s.get("concurrent_errors") for s in sides)
        failed += bad
        passed += not bad
    return passed, failed, skipped
