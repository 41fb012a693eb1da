# Quick start: `make demo` (set up and show the main job), `make test` (set up and run every check).
# Each target creates its own virtual environment in .venv on first use.

VENV ?= .venv
PYTHON ?= python3
SOURCES ?= ../shared/sources
BIN = $(VENV)/bin

.PHONY: demo test lint typecheck unit schema fmt benchmark clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

EXAMPLE ?= examples/rectal-stage4-kras-wild-type.json

demo: $(BIN)/.installed
	$(BIN)/onconav options --profile $(EXAMPLE) --sources $(SOURCES)

test: lint typecheck unit

lint: $(BIN)/.installed
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/onconav kb fmt --check

typecheck: $(BIN)/.installed
	$(BIN)/mypy

unit: $(BIN)/.installed
	ONCONAV_SOURCES=$(abspath $(SOURCES)) $(BIN)/pytest

schema: $(BIN)/.installed
	$(BIN)/onconav kb schema

fmt: $(BIN)/.installed
	$(BIN)/onconav kb fmt

benchmark: $(BIN)/.installed
	$(BIN)/python benchmarks/engine.py --write docs/benchmarks.md

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
