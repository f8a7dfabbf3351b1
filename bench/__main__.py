"""`python -m bench` runs the benchmark; `python -m bench compare SMALL.json LARGE.json` compares two runs."""

import json
import sys

from bench import stats
from bench.run import main

if len(sys.argv) > 1 and sys.argv[1] == "compare":
    small, large = (json.loads(open(path).read()) for path in sys.argv[2:4])
    rows = stats.compare_runs(small["results"], large["results"])
    columns = [
        ("page", "page"), ("role", "as"), ("queries_small", f"q @{small['fixtures']['enterprises']}"),
        ("queries_large", f"q @{large['fixtures']['enterprises']}"), ("p95_small_ms", "p95 small"),
        ("p95_large_ms", "p95 large"), ("growth", "p95 large/small"),
        ("cpu_small_ms", "CPU small"), ("cpu_large_ms", "CPU large"), ("cpu_growth", "CPU large/small"),
        ("sql_small_ms", "SQL small"), ("sql_large_ms", "SQL large"),
    ]
    print(stats.format_table(rows, columns))
    sys.exit(0)
sys.exit(main())
