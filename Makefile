# RackStudio: `make run` and `make test` work on a fresh machine with Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev
EXAMPLE := resources/examples/ai-pod.rackstudio

.PHONY: run test test-core test-ui test-plugins test-netbox lint clean dist dist-test bench soak

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(DEVSTAMP): pyproject.toml $(wildcard plugins/*/pyproject.toml) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet -e plugins/rackstudio-ai-racks
	touch $(STAMP) $@

run: $(STAMP)
	$(BIN)/rackstudio $(EXAMPLE)

# The import contracts first (pyproject.toml [tool.importlinter]: the layers, Qt only in ui), then the suites.
test: $(DEVSTAMP)
	$(BIN)/lint-imports --no-cache
	$(MAKE) --no-print-directory test-core test-ui test-plugins

# The core suite runs with Qt blocked from import (tests/core/conftest.py) and without pytest-qt,
# so any Qt import in the core fails it.
test-core: $(DEVSTAMP)
	$(BIN)/python -m pytest -p no:pytest-qt -W ignore::pytest.PytestConfigWarning tests/core tests/cli -q

# A stuck modal dialog waits in Qt's own event loop, which the default signal timeout cannot
# interrupt; the thread method dumps every stack and ends the run instead of hanging CI.
test-ui: $(DEVSTAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest --timeout-method=thread tests/ui -q

# The example plugin, installed into the venv like a user would install a vendor's plugin.
test-plugins: $(DEVSTAMP)
	$(BIN)/python -m pytest -p no:pytest-qt -W ignore::pytest.PytestConfigWarning plugins/rackstudio-ai-racks/tests -q

# The NetBox bridge against a real NetBox 4.7 on loopback: PostgreSQL, Redis and NetBox started and
# stopped by tests/netbox/server.sh (NetBox's venv is kept in build/netbox; step times in
# build/netbox/timings.txt).
test-netbox: $(DEVSTAMP)
	PYTHON=$(CURDIR)/$(BIN)/python tests/netbox/server.sh

# One-folder desktop bundle + archive + size report (packaging/BUILD.md).
dist: $(DEVSTAMP)
	$(BIN)/python packaging/build.py

# The built app moved elsewhere and run in a clean environment, compared with the source run.
dist-test: dist
	$(BIN)/python packaging/smoke_test.py

# Benchmarks for the 1,000-rack hall (BENCHMARKS.md): ~5 1/2 min; the first run also generates L and XL.
# Then the regression guard: the run's figures against benchmarks/baseline.json; a figure more
# than 20 % worse prints a REGRESSED line and fails the target (after the table is printed).
bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks; status=$$?; \
	$(BIN)/python -m benchmarks.guard || exit 1; exit $$status

# The long runs behind RELIABILITY.md (13.5 min on 2 cores; figures in build/soak).
soak: $(DEVSTAMP)
	$(BIN)/python -m pip install --quiet coverage atheris
	RACKSTUDIO_KILL_TRIALS=200 RACKSTUDIO_STATE_STEPS=10000 RACKSTUDIO_FUZZ_EXAMPLES=10000 \
	RACKSTUDIO_REPORT_DIR=build/soak $(BIN)/python -m pytest -p no:pytest-qt -p no:cacheprovider \
		-W ignore::pytest.PytestConfigWarning --hypothesis-profile=soak --timeout=7200 -q -s tests/core
	$(BIN)/python fuzz/run.py --runs 100000 --out build/soak/fuzz
	$(BIN)/python fuzz/run.py --runs 5000 --loader check-engine --timeout 30 --out build/soak/fuzz
	for seed in 1 2 3 4 5; do \
		QT_QPA_PLATFORM=offscreen RACKSTUDIO_MONKEY_ACTIONS=2000 RACKSTUDIO_MONKEY_SEED=$$seed \
		$(BIN)/python -m pytest -p no:cacheprovider --timeout=7200 -q -s tests/ui/test_monkey.py || exit 1; \
	done

lint: $(DEVSTAMP)
	$(BIN)/ruff check rackstudio tests

clean:
	rm -rf $(VENV) build dist .pytest_cache
