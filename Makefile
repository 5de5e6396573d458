# Brobygger: two commands on a fresh machine with Python 3.11.
#   make run   sets itself up and runs the main job on the embedded demo data
#   make test  sets itself up and runs the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA := data/activities
OUT := out

.PHONY: docs test-slow run plan test lint format typecheck benchmark demo-data clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# the app on the embedded demo data: http://127.0.0.1:8866/ (stop with Ctrl+C)
run: $(STAMP)
	$(BIN)/brobygger validate $(DATA)
	$(BIN)/brobygger app --data $(DATA)

# the batch plan of the demo's whole waiting list, without the app
plan: $(STAMP)
	$(BIN)/brobygger plan $(DATA) --out $(OUT)/PLAN.csv

test: $(STAMP)
	$(BIN)/ruff check matcher tests benchmarks
	$(BIN)/ruff format --check matcher tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -m "not benchmark and not slow" -q

# the long property runs, big instances and many-process tests (CI runs them after make test)
test-slow: $(STAMP)
	$(BIN)/python -m pytest -m "slow and not benchmark" -q

# the documentation site in site/ (mkdocs.yml, docs/): any warning fails it (CI runs it after make test)
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

lint: $(STAMP)
	$(BIN)/ruff check matcher tests benchmarks

format: $(STAMP)
	$(BIN)/ruff format matcher tests benchmarks
	$(BIN)/ruff check --fix matcher tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

benchmark: $(STAMP)
	$(BIN)/python -m benchmarks

# regenerate the embedded demo municipality (committed in data/activities)
demo-data: $(STAMP)
	$(BIN)/brobygger demo --out $(DATA) --patients 400 --offers 150 --seed 0

clean:
	rm -rf $(VENV) $(OUT) site .pytest_cache .mypy_cache .ruff_cache
