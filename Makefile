# The two commands a newcomer needs: `make quickstart` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: quickstart test lint bench clean

# The runtime alone for the quickstart; the development extras (pytest, Playwright, mypy…)
# for the tests, the linters and the benchmarks.
$(BIN)/distributor: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.dev: $(BIN)/distributor
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

## Set up, create the database, show the system's status and send the demo, on embedded defaults (no servers).
quickstart: $(BIN)/distributor
	$(BIN)/distributor db upgrade
	$(BIN)/distributor health
	$(BIN)/distributor demo

## Run the whole suite, one process per core; PostgreSQL and Redis are started from binaries on PATH (skipped if absent).
test: $(VENV)/.dev
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

## Benchmarks: one table, each figure beside its baseline measured in the same run (BENCH_ARGS=--quick: a few minutes).
## BENCH_DATABASE_URL=postgresql://… adds PostgreSQL figures; with BENCH_REDIS_URL it names the servers sending uses.
bench: $(VENV)/.dev
	$(BIN)/python bench/suite.py $(BENCH_ARGS) $(if $(BENCH_DATABASE_URL),--database-url $(BENCH_DATABASE_URL)) $(if $(BENCH_REDIS_URL),--redis-url $(BENCH_REDIS_URL))

lint: $(VENV)/.dev
	$(BIN)/ruff check distributor tests migrations bench
	$(BIN)/mypy distributor

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
