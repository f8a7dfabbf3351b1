"""The pages the benchmark measures: one line each.

`url` and `admin` are paths with `{placeholders}` filled from the generated city (see `bench.run.fixtures`):
  {station}     the busiest police station's pk
  {name_term}   four characters of a real enterprise name (a typical name search)
  {short_term}  two characters of it (too short for a trigram index: the worst case)
  {code}        a real enterprise's full credit code
  {sample}      the enterprise that has 50 visits and 30 ledger items (seed_scale.SAMPLE_NAME)
`role` is one of leader / office / officer. `admin` is the project's own Django admin page for the same model,
filter and page size (the admin shows 100 rows, so list pages ask for per_page=100). A page that answers 404
when the benchmark runs (not built yet) is reported as "not available" and skipped.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    role: str
    admin: str | None = None
    # Latency targets of issue 7, shown beside the result (never asserted).
    target_p95_ms: float | None = None
    # Cap on the sequential/concurrent request counts, for pages that are seconds long (exports).
    max_requests: int | None = None
    download: bool = False
    # The page's city-wide figures are kept until the records change (liaison.citywide): `cold` measures it with
    # the records changed before every request, so that every request computes them.
    cold: bool = False


ENTERPRISE_ADMIN = "/admin/enterprises/enterprise/"

PAGES: list[Page] = [
    Page("home", "/", "officer", target_p95_ms=100),
    Page("home", "/", "leader", target_p95_ms=300),
    Page("home, after a change", "/", "leader", cold=True, max_requests=30),
    Page("enterprise list", "/enterprises/?per_page=100", "office", ENTERPRISE_ADMIN, target_p95_ms=100),
    Page("enterprise list (default page)", "/enterprises/", "officer", target_p95_ms=100),
    Page("enterprises by station", "/enterprises/?station={station}&per_page=100", "office",
         ENTERPRISE_ADMIN + "?station__id__exact={station}", target_p95_ms=100),
    Page("enterprise name search", "/enterprises/?q={name_term}&per_page=100", "leader",
         ENTERPRISE_ADMIN + "?q={name_term}", target_p95_ms=100),
    Page("enterprise name search, 2 chars", "/enterprises/?q={short_term}&per_page=100", "leader",
         ENTERPRISE_ADMIN + "?q={short_term}", target_p95_ms=100),
    Page("enterprise credit-code search", "/enterprises/?q={code}&per_page=100", "office",
         ENTERPRISE_ADMIN + "?q={code}", target_p95_ms=100),
    Page("enterprise file (50 visits, 30 items)", "/enterprises/{sample}/", "officer",
         ENTERPRISE_ADMIN + "{sample}/change/", target_p95_ms=100),
    Page("enterprise export xlsx", "/enterprises/?export=xlsx", "office", max_requests=6, download=True),
    # Pages of the other parts of issue 7's list: measured as soon as they answer.
    Page("ledger, red items", "/issues/?light=red&per_page=100", "office", "/admin/visits/issue/?status__exact=IN_PROGRESS",
         target_p95_ms=100),
    Page("visit log (default page)", "/visits/", "officer", target_p95_ms=100),
    Page("visit log", "/visits/?per_page=100", "office", "/admin/visits/visit/", target_p95_ms=100),
    Page("plans", "/enterprises/plans/?per_page=100", "office", "/admin/enterprises/plan/", target_p95_ms=100),
    Page("plan tasks (default page)", "/enterprises/tasks/", "officer", target_p95_ms=100),
    Page("coverage report", "/reports/coverage/", "office", target_p95_ms=100),
    Page("coverage report, after a change", "/reports/coverage/", "office", cold=True, max_requests=30),
    Page("leader dashboard", "/reports/", "leader", target_p95_ms=300),
    Page("leader dashboard, after a change", "/reports/", "leader", cold=True, max_requests=30),
    Page("scoreboard", "/supervision/scoreboard/", "leader", target_p95_ms=300),
    Page("scoreboard, after a change", "/supervision/scoreboard/", "leader", cold=True, max_requests=30),
    Page("ledger export xlsx", "/issues/?export=xlsx", "office", max_requests=4, download=True),
    Page("dossier docx", "/enterprises/{sample}/file.docx", "officer", max_requests=6, download=True),
]
