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
