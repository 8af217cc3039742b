# ISSA: `make demo` runs the product, `make test` runs every test. See README.md.
SHELL := /bin/bash
PY_BOOT ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
ADDR ?= 127.0.0.1:8000

.PHONY: demo test lint bench install assets migrate serve clean messages

# The virtualenv with the project and its dev tools; redone when pyproject.toml changes.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PY_BOOT) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Front-end assets (Pico CSS, htmx) from the npm registry, served by Django: no CDN.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch node_modules/.installed

install: $(STAMP) node_modules/.installed

assets: node_modules/.installed

migrate: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py createcachetable

## The product: install, migrate, periodic jobs, the demo operator, then web + worker (Ctrl-C stops both).
demo: migrate
	$(PY) manage.py issa_schedules
	$(PY) manage.py demo_load
	$(PY) manage.py issa_run --addr $(ADDR)

## Web + worker without reloading the demo data.
serve: migrate
	$(PY) manage.py issa_run --addr $(ADDR)

## The whole test suite (SQLite by default; DATABASE_URL=postgres://... for PostgreSQL).
## PYTEST_ARGS="-n 2" runs it on two processes (pytest-xdist), as .ci/run does.
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy issa bench
	$(PY) manage.py makemigrations --check --dry-run

## Benchmarks with their baselines; writes docs/performance.md. PostgreSQL figures need the
## server on 127.0.0.1:5432 (ISSA_BENCH_PG_URL to use another).
bench: migrate
	$(PY) -m bench

## Compile every area's translation catalogue (issa/locale/<area>/<lang>/LC_MESSAGES/django.po).
messages:
	for po in issa/locale/*/*/LC_MESSAGES/django.po; do [ -e "$$po" ] || continue; msgfmt --check -o "$${po%.po}.mo" "$$po" || exit 1; done

clean:
	rm -rf var/ .mypy_cache .ruff_cache
