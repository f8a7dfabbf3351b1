"""The benchmark's pure helpers: percentiles, ratios, the table and the page list."""

import pytest

from bench import stats
from bench.pages import PAGES
from bench.run import fill, selected


def test_percentile_interpolates_between_ranks():
    values = list(range(1, 101))  # 1..100
    assert stats.percentile(values, 50) == pytest.approx(50.5)
    assert stats.percentile(values, 95) == pytest.approx(95.05)
    assert stats.percentile(values, 0) == 1
    assert stats.percentile(values, 100) == 100


def test_percentile_of_one_value_and_of_none():
    assert stats.percentile([7.0], 95) == 7.0
    assert stats.percentile([], 50) is None
    with pytest.raises(ValueError):
        stats.percentile([1, 2], 101)


def test_percentile_does_not_depend_on_order():
    assert stats.percentile([5, 1, 4, 2, 3], 50) == 3


def test_latency_summary_reports_milliseconds():
    summary = stats.latency_summary([0.010, 0.020, 0.030, 0.040])
    assert summary == {"n": 4, "p50_ms": 25.0, "p95_ms": 38.5, "max_ms": 40.0}


def test_ratio_handles_missing_and_zero():
    assert stats.ratio(30, 60) == 0.5
    assert stats.ratio(None, 60) is None
    assert stats.ratio(30, None) is None
    assert stats.ratio(30, 0) is None


def test_table_row_computes_ratios_against_admin_and_sql():
    result = {
        "name": "enterprises by station", "role": "office", "status": "ok", "note": "",
        "page": {"queries": 9, "p50_ms": 20.0, "p95_ms": 30.0, "rps": 100.0, "peak_rss_mb": 80.0, "sql_ms": 4.0},
        "admin": {"queries": 6, "p50_ms": 70.0, "p95_ms": 90.0},
    }
    row = stats.table_row(result)
    assert row["p95_vs_admin"] == 0.33
    assert row["p50_vs_sql"] == 5.0
    assert row["queries"] == 9 and row["admin_queries"] == 6


def test_table_row_of_a_page_not_built_yet_says_so():
    row = stats.table_row({"name": "scoreboard", "role": "leader", "status": "not available", "note": "/x answers 404"})
    assert row["note"] == "not available: /x answers 404"
    assert "p95_ms" not in row


def test_format_table_aligns_columns_including_chinese():
    rows = [{"page": "首页", "role": "officer", "queries": 5, "p50_ms": 12.345}, {"page": "list", "role": "office"}]
    lines = stats.format_table(rows).splitlines()
    assert len(lines) == 4
    assert len({stats._width(line) for line in lines}) == 1
    assert "12.3" in lines[2] and "—" in lines[3]


def test_compare_runs_gives_the_growth_from_small_to_large():
    small = [{"name": "list", "role": "office", "status": "ok", "page": {"queries": 9, "p95_ms": 20.0}}]
    large = [{"name": "list", "role": "office", "status": "ok", "page": {"queries": 9, "p95_ms": 24.0}}]
    (row,) = stats.compare_runs(small, large)
    assert row["growth"] == 1.2
    assert row["same_queries"] is True


def test_every_page_has_a_known_role_and_placeholders_that_fill():
    values = {"station": 1, "name_term": "鑫源化工", "short_term": "鑫源", "code": "91350100M000100Y43", "sample": 2}
    for page in PAGES:
        assert page.role in {"leader", "office", "officer"}
        assert fill(page.url, values).startswith("/")
        if page.admin:
            assert fill(page.admin, values).startswith("/admin/")
    assert "%E9%91%AB" in fill("/enterprises/?q={short_term}", values)


def test_page_selection_by_name():
    assert {p.name for p in selected(PAGES, "scoreboard")} == {"scoreboard", "scoreboard, after a change"}
    assert {p.name for p in selected(PAGES, "export, dossier")} == {"enterprise export xlsx", "ledger export xlsx", "dossier docx"}
    assert selected(PAGES, "") == PAGES


def test_verdict_counts_pages_that_answered_skipped_and_failed():
    results = [
        {"status": "ok", "page": {"errors": 0, "concurrent_errors": 0}, "admin": {"errors": 0}},
        {"status": "ok", "page": {"errors": 0, "concurrent_errors": 2}},
        {"status": "error", "note": "/x answers 500"},
        {"status": "not available"},
    ]
    assert stats.verdict(results) == (1, 2, 1)


def test_server_side_cursor_is_explained_as_its_select():
    from bench.run import SERVER_CURSOR

    declared = 'DECLARE "_django_curs_1_sync_2" NO SCROLL CURSOR WITH HOLD FOR SELECT "a"."id" FROM "a"'
    assert SERVER_CURSOR.sub("", declared, count=1) == 'SELECT "a"."id" FROM "a"'
    assert SERVER_CURSOR.sub("", "SELECT 1", count=1) == "SELECT 1"


def test_growth_row_gives_the_ratios_of_the_same_turns_and_the_verdict():
    from bench.growth import growth_row
    from bench.run import Side

    page = PAGES[0]
    small = Side(url="/", session_key="a", result={"p50_ms": 40.0, "p95_ms": 50.0, "cpu_ms": 30.0, "errors": 0})
    large = Side(url="/", session_key="b", result={"p50_ms": 44.0, "p95_ms": 70.0, "cpu_ms": 33.0, "errors": 1})
    row = growth_row(page, small, large)
    assert (row["p50_growth"], row["growth"], row["cpu_growth"]) == (1.1, 1.4, 1.1)
    assert row["note"] == "≤ 1.3 ×: MISSED"
    assert row["errors"] == 1
    large.result["p95_ms"] = 65.0
    assert growth_row(page, small, large)["note"] == "≤ 1.3 ×: met"


def test_growth_leaves_out_downloads_and_pages_recomputed_before_each_request():
    from bench.growth import measured_pages

    pages = measured_pages("")
    assert pages and all(not p.download and not p.cold for p in pages)
    assert {p.name for p in measured_pages("ledger")} == {"ledger, red items"}


def test_growth_uses_a_database_per_scale_unless_told(monkeypatch):
    from bench.growth import parse_args

    for name in ("BENCH_SMALL", "BENCH_LARGE", "BENCH_SMALL_DATABASE_URL", "BENCH_LARGE_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    args = parse_args(["--cache-url", ""])
    assert args.small_database_url.endswith("/liaison_bench_5000")
    assert args.large_database_url.endswith("/liaison_bench_50000")
    args = parse_args(["--small", "100", "--large-database-url", "postgres://h/other", "--cache-url", ""])
    assert args.small_database_url.endswith("/liaison_bench_100")
    assert args.large_database_url == "postgres://h/other"


def test_the_command_runs_nothing_on_import():
    # The growth run's processes import bench.__main__ again (multiprocessing "spawn").
    import importlib

    module = importlib.import_module("bench.__main__")
    assert callable(module.compare)
