# The two commands a newcomer needs: `make quickstart` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: quickstart test lint bench clean

$(BIN)/distributor: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

## Set up, create the database, show the system's status and send the demo, on embedded defaults (no servers).
quickstart: $(BIN)/distributor
	$(BIN)/distributor db upgrade
	$(BIN)/distributor health
	$(BIN)/distributor demo

## Run the whole suite; PostgreSQL and Redis are started from binaries on PATH (skipped if absent).
test: $(BIN)/distributor
	$(BIN)/pytest $(PYTEST_ARGS)

## Benchmarks: each prints its figures beside a baseline measured in the same run.
bench: $(BIN)/distributor
## BENCH_DATABASE_URL=postgresql://… measures on PostgreSQL too.
	$(BIN)/python bench/deliveries.py $(if $(BENCH_DATABASE_URL),--database-url $(BENCH_DATABASE_URL))
	$(BIN)/python bench/import_contacts.py $(if $(BENCH_DATABASE_URL),--database-url $(BENCH_DATABASE_URL))
	$(BIN)/python bench/bounces.py $(if $(BENCH_DATABASE_URL),--database-url $(BENCH_DATABASE_URL))
	$(BIN)/python bench/unsubscribe.py $(if $(BENCH_DATABASE_URL),--database-url $(BENCH_DATABASE_URL))
	$(BIN)/python bench/rendering.py
## BENCH_DATABASE_URL and BENCH_REDIS_URL name the servers; else throw-away ones are started.
	$(BIN)/python bench/sending.py

lint: $(BIN)/distributor
	$(BIN)/ruff check distributor tests migrations bench
	$(BIN)/mypy distributor

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
