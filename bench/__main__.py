"""`python -m bench` runs the benchmark; `python -m bench compare SMALL.json LARGE.json` compares two runs;
`python -m bench growth` serves two cities at once and measures how each page grows from one to the other."""

import json
import sys

from bench import stats


def compare(small_path: str, large_path: str) -> int:
    small, large = (json.loads(open(path).read()) for path in (small_path, large_path))
    rows = stats.compare_runs(small["results"], large["results"])
    columns = [
        ("page", "page"), ("role", "as"), ("queries_small", f"q @{small['fixtures']['enterprises']}"),
        ("queries_large", f"q @{large['fixtures']['enterprises']}"), ("p95_small_ms", "p95 small"),
        ("p95_large_ms", "p95 large"), ("growth", "p95 large/small"),
        ("cpu_small_ms", "CPU small"), ("cpu_large_ms", "CPU large"), ("cpu_growth", "CPU large/small"),
        ("sql_small_ms", "SQL small"), ("sql_large_ms", "SQL large"),
    ]
    print(stats.format_table(rows, columns))
    return 0


# The growth run starts a process per city (multiprocessing's "spawn"), which imports this module again:
# nothing may run on import.
if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "compare":
        sys.exit(compare(*sys.argv[2:4]))
    if len(sys.argv) > 1 and sys.argv[1] == "growth":
        from bench import growth

        sys.exit(growth.main(sys.argv[2:]))
    from bench.run import main

    sys.exit(main())
