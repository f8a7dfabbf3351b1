# Liaison: `make run` serves the demo district, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

.PHONY: run test lint messages bench bench-growth browser-deps clean

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $(STAMP)

run: $(STAMP)
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py seed_demo
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py runserver 127.0.0.1:8000

# Browser tests drive Debian's Chromium; install it (and CJK fonts for readable screenshots) when missing.
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
		if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = "0" ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk gettext >/dev/null; \
		else echo "Chromium is missing: install Debian's chromium package (browser tests will fail)."; fi; \
	fi

test: $(STAMP) browser-deps
	$(VENV)/bin/ruff check .
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n 2 --dist loadgroup

# The city-scale benchmark against gunicorn and PostgreSQL (docs/performance.md): builds a database of its own
# (kept for the next run at the same scale), prints one table and saves JSON in bench-results/.
# CI runs it tiny as a smoke test: make bench BENCH_SCALE=200 BENCH_REQUESTS=20
BENCH_SCALE ?= 5000
BENCH_REQUESTS ?= 200
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/liaison_bench
bench: $(STAMP)
	BENCH_SCALE=$(BENCH_SCALE) BENCH_REQUESTS=$(BENCH_REQUESTS) BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m bench

# Ten times the data, measured in one run: a server per city, the requests taking turns (bench/growth.py).
# Each city has a database of its own (liaison_bench_5000, liaison_bench_50000), built when missing.
BENCH_SMALL ?= 5000
BENCH_LARGE ?= 50000
bench-growth: $(STAMP)
	BENCH_SMALL=$(BENCH_SMALL) BENCH_LARGE=$(BENCH_LARGE) BENCH_REQUESTS=$(BENCH_REQUESTS) $(PY) -m bench growth

lint: $(STAMP)
	$(VENV)/bin/ruff check .

# Refresh the Chinese catalogue after changing user-facing strings (needs GNU gettext).
messages: $(STAMP)
	DJANGO_DEBUG=1 $(PY) manage.py makemessages -l zh_Hans --no-obsolete --no-location -i ".venv/*" -i "staticfiles/*" -i "tests/*"
	DJANGO_DEBUG=1 $(PY) manage.py compilemessages -l zh_Hans -i ".venv"

clean:
	rm -rf $(VENV) staticfiles
