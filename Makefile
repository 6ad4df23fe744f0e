# Two commands on a fresh machine (Python 3.11 and pip): `make run`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
REPORTS_WAREHOUSE ?= warehouse/reports.duckdb
export REPORTS_WAREHOUSE

.PHONY: install run test ui sql report bench lint clean

install: $(VENV)/.installed

# the lock file pins every package, the duckdb CLI (.venv/bin/duckdb) included
$(VENV)/.installed: pyproject.toml uv.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv sync --frozen --inexact --python $(BIN)/python
	touch $@

# the Dagster instance the UI and `make run` share: telemetry off (these machines are offline), and
# one run at a time, so the schedule and the sensor queue behind each other on the working DuckDB
$(DAGSTER_HOME)/dagster.yaml:
	mkdir -p $(DAGSTER_HOME)
	printf 'telemetry:\n  enabled: false\nconcurrency:\n  runs:\n    max_concurrent_runs: 1\n' > $@

run: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/python -m orchestration.run
	$(MAKE) --no-print-directory report

test: install
	$(BIN)/pytest

ui: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster dev

sql: install
	$(BIN)/duckdb -readonly $(REPORTS_WAREHOUSE)

report: install
	$(BIN)/python -m orchestration.report

bench: install
	$(BIN)/python tests/bench.py

lint: install
	$(BIN)/ruff check orchestration transforms tests

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
