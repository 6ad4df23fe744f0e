# Two commands on a fresh machine (Python 3.11, 3.12 or 3.13 and pip): `make run`, `make test`.
# `make install PYTHON=python3.12` builds .venv/ with that interpreter (replacing one made by another).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
REPORTS_WAREHOUSE ?= warehouse/reports.duckdb
export REPORTS_WAREHOUSE

.PHONY: install run test ui sql report export bench lint clean retract

# .venv/ is made afresh when its interpreter no longer starts, is outside 3.11-3.13, differs from
# a PYTHON given on the command line or in the environment, or when its last install stopped
# half-way (no .installed stamp): a broken .venv never needs `make clean`
PY_VERSION := import sys; print("%d.%d.%d" % sys.version_info[:3])
install:
	@have="$$($(BIN)/python -c '$(PY_VERSION)' 2>/dev/null)"; \
	if [ "$(origin PYTHON)" != file ]; then \
	    want="$$($(PYTHON) -c '$(PY_VERSION)' 2>/dev/null)" || { echo "make: no Python at PYTHON=$(PYTHON)" >&2; exit 1; }; \
	    case "$$want" in 3.11.*|3.12.*|3.13.*) ;; *) echo "make: PYTHON=$(PYTHON) is $$want; this project needs 3.11-3.13" >&2; exit 1;; esac; \
	else want="$$have"; fi; \
	if [ -e $(VENV) ]; then \
	    why=""; \
	    if [ -z "$$have" ]; then why="its python does not start"; \
	    elif [ ! -f $(VENV)/.installed ]; then why="its last install did not finish"; \
	    elif [ "$$have" != "$$want" ]; then why="it is Python $$have, PYTHON=$(PYTHON) is $$want"; \
	    else case "$$have" in 3.11.*|3.12.*|3.13.*) ;; *) why="it is Python $$have, outside 3.11-3.13";; esac; fi; \
	    if [ -n "$$why" ]; then echo "make: rebuilding $(VENV)/: $$why"; rm -rf $(VENV); fi; \
	fi
	@$(MAKE) --no-print-directory $(VENV)/.installed

# the lock file pins every package, the duckdb CLI (.venv/bin/duckdb) included, for 3.11-3.13;
# the packages' bytecode is compiled once here: where PYTHONDONTWRITEBYTECODE is set no cache is ever
# written, and every run compiled Dagster's ~2,000 modules again on start-up (1.6 s against 0.8 s)
$(VENV)/.installed: pyproject.toml uv.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv sync --frozen --inexact --compile-bytecode --python $(BIN)/python
	$(BIN)/python -c '$(PY_VERSION)' > $@

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

# the report and the export are written next to the warehouse they read
report: install
	$(BIN)/python -m orchestration.report

# every mart to <warehouse dir>/export/reports.xlsx (the data dictionary first) and export/parquet/<mart>.parquet
export: install
	$(BIN)/python -m orchestration.export

bench: install
	$(BIN)/python tests/bench.py

# each rule switched off in turn: the cases that fail without it, and the rules no case needs (exit 1)
.PHONY: rules mutations
rules: install
	$(BIN)/python tests/rule_ablation.py

# every threshold x0.5, x2, +-1 and every precedence table's adjacent pairs swapped: killed/total (exit 1 below 90 %)
mutations: install
	$(BIN)/python tests/mutations.py

# take a report back out of the warehouse: make retract FILE=<source_file> REASON="why"
retract: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/python -m orchestration.retract "$(FILE)" --reason "$(REASON)"

lint: install
	$(BIN)/ruff check orchestration transforms tests

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
