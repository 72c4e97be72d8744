# Two commands do all the set-up on a fresh machine (see README.md):
#   make demo   - install auditreport in .venv and run the monthly job on the bundled sample month
#   make test   - install the test tools (moto server, an mlflow server in its own venv) and run every test
PYTHON ?= python3
VENV   ?= .venv
MLFLOW_VENV ?= .venv-mlflow
OUT    ?= out/sample
PIP    = $(VENV)/bin/pip

.PHONY: demo test install install-test system-deps bench clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# WeasyPrint draws text with Pango; most machines have it, a bare container may not.
system-deps:
	@scripts/ensure-system-deps.sh

install: $(VENV)/bin/python system-deps
	$(PIP) install --quiet -e .

install-test: $(VENV)/bin/python
	@scripts/ensure-system-deps.sh --test
	$(PIP) install --quiet -e '.[test]'
	@test -d scripts/sql-grammar/node_modules/dt-sql-parser || npm ci --prefix scripts/sql-grammar --no-audit --no-fund --silent
	@test -x $(MLFLOW_VENV)/bin/mlflow || { $(PYTHON) -m venv $(MLFLOW_VENV) && \
	  $(MLFLOW_VENV)/bin/pip install --quiet --upgrade pip && \
	  $(MLFLOW_VENV)/bin/pip install --quiet 'mlflow>=2.14,<4'; }

demo: install
	$(VENV)/bin/auditreport run --out $(OUT); code=$$?; \
	echo; echo "Report: $(OUT)/report.pdf and $(OUT)/report.html (exit code $$code; see README, 'Exit codes')"; \
	test $$code -le 2

test: install-test
	AUDITREPORT_MLFLOW_BIN=$(abspath $(MLFLOW_VENV))/bin/mlflow $(VENV)/bin/python -m pytest -q $(PYTEST_ARGS)

bench: install
	$(PIP) install --quiet -e '.[bench]'
	$(VENV)/bin/python benchmarks/ingest_benchmark.py --keep-out $(BENCH_ARGS)
	$(VENV)/bin/python benchmarks/checks_benchmark.py
	$(VENV)/bin/python benchmarks/sample_month_benchmark.py

clean:
	rm -rf out .pytest_cache build
