# ISSA: `make demo` runs the product, `make test` runs every test. See README.md.
SHELL := /bin/bash
PY_BOOT ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: demo test lint bench install assets migrate serve clean messages

$(STAMP): pyproject.toml
	test -x $(PY) || $(PY_BOOT) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch node_modules/.installed

install: $(STAMP) node_modules/.installed

assets: node_modules/.installed

migrate: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py createcachetable

## The product: install, migrate, load the demo operator, serve web + worker (Ctrl-C stops both).
demo: migrate
	$(PY) manage.py demo_load
	$(PY) manage.py issa_run

## The whole test suite (SQLite by default; DATABASE_URL=postgres://... for PostgreSQL).
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy issa
	$(PY) manage.py makemigrations --check --dry-run

bench: migrate
	$(PY) -m bench

messages: install
	for app in issa/*/; do if [ -d "$$app/locale" ]; then (cd $$app && ../../$(PY) ../../manage.py compilemessages --ignore=.venv); fi; done

clean:
	rm -rf var/ .mypy_cache .ruff_cache
