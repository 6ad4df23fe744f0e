# Two commands on a fresh machine (Python 3.11 and pip): `make run`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
REPORTS_WAREHOUSE ?= warehouse/reports.duckdb
export REPORTS_WAREHOUSE

.PHONY: install run test ui sql report bench lint clean retract

install: $(VENV)/.installed

# the lock file pins every package, the duckdb CLI (.venv/bin/duckdb) included
$(VENV)/.installed: pyproject.toml uv.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv sync --frozen --inexact --python $(BIN)/python
	touch $@

# the Dagster instance the UI, the services and `make run` share (deploy/dagster.yaml: telemetry off,
# one run at a time, failed runs retried, dead run workers detected, tick retention)
$(DAGSTER_HOME)/dagster.yaml: deploy/dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp deploy/dagster.yaml $@

run: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/python -m orchestration.run
	$(MAKE) --no-print-directory report

test: install
	$(BIN)/pytest

# `dg dev` (webserver + daemon) in a wrapper that stops the whole group on Ctrl-C or SIGTERM
ui: install $(DAGSTER_HOME)/dagster.yaml
	exec $(BIN)/python -m orchestration.ui

sql: install
	$(BIN)/duckdb -readonly $(REPORTS_WAREHOUSE)

report: install
	$(BIN)/python -m orchestration.report

bench: install
	$(BIN)/python tests/bench.py

# take a report back out of the warehouse: make retract FILE=<source_file> REASON="why"
retract: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/python -m orchestration.retract "$(FILE)" --reason "$(REASON)"

lint: install
	$(BIN)/ruff check orchestration transforms tests

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
