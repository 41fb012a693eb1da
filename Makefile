# Quick start: `make demo` (set up and show the main job), `make test` (set up and run every check).
# Each target creates its own virtual environment in .venv on first use.

VENV ?= .venv
PYTHON ?= python3
SOURCES ?= ../shared/sources
BIN = $(VENV)/bin

.PHONY: demo test lint typecheck unit schema fmt benchmark bytecode clean setup-system screenshots

# Debian packages the page's tests, the PDF report and the Spark engine need: Chromium for the
# browser tests (never a browser download), Pango and fonts for WeasyPrint (DejaVu, and Noto's
# for the words a person types in other scripts: Chinese printed as empty boxes), a Java runtime (17 on
# Debian 12) for `onconav cohort --engine spark`, wrk for the HTTP API's load in benchmarks/api.py
# (a test runs it: without wrk it has no figure of the server's CPU). Installed only where missing
# (apt-get, as root or with sudo).
SYSTEM_PACKAGES ?= python3-venv chromium libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-noto-core fonts-noto-cjk default-jre-headless wrk

# onconav itself (what `make demo` needs), then what the checks need besides (the test extra:
# pytest, the browser driver, PySpark, ...), each installed once per change of pyproject.toml.
$(BIN)/.installed: pyproject.toml
	@# Debian's python3 makes no venv without python3-venv (ensurepip): installed when missing
	@$(PYTHON) -c "import ensurepip" 2>/dev/null || $(MAKE) --no-print-directory setup-system SYSTEM_PACKAGES=python3-venv
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(BIN)/.tested: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# An editable install has no bytecode of its own, and this machine sets PYTHONDONTWRITEBYTECODE,
# so without this every command would compile onconav's modules again at its start (what a
# non-editable `pip install` does once, at install). Stale files are ignored by Python.
bytecode: $(BIN)/.installed
	$(BIN)/python -m compileall -q src

EXAMPLE ?= examples/rectal-stage4-kras-wild-type.json

demo: bytecode
	$(BIN)/onconav options --profile $(EXAMPLE) --sources $(SOURCES)

test: setup-system lint typecheck unit

setup-system:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

lint: $(BIN)/.tested
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/onconav kb fmt --check
	$(BIN)/onconav kb build --check

typecheck: $(BIN)/.tested
	$(BIN)/mypy

unit: $(BIN)/.tested
	ONCONAV_SOURCES=$(abspath $(SOURCES)) $(BIN)/pytest

# The screenshots docs/web.md shows, from the browser tests (desktop and phone).
screenshots: setup-system $(BIN)/.tested
	ONCONAV_SOURCES=$(abspath $(SOURCES)) ONCONAV_SCREENSHOTS=$(abspath docs/screenshots) \
	  $(BIN)/pytest -q tests/test_browser.py -k accessible

schema: $(BIN)/.installed
	$(BIN)/onconav kb schema

fmt: $(BIN)/.installed
	$(BIN)/onconav kb fmt

benchmark: bytecode $(BIN)/.tested
	$(BIN)/python benchmarks/bench.py --write docs/benchmarks.md
	$(BIN)/python benchmarks/api.py --append docs/benchmarks.md
	$(BIN)/python benchmarks/page.py --sources $(abspath $(SOURCES)) --append docs/benchmarks.md
	$(BIN)/python benchmarks/cds_hooks.py --append docs/benchmarks.md
	$(BIN)/python benchmarks/cohort.py --append docs/benchmarks.md
	$(BIN)/python benchmarks/search.py --sources $(abspath $(SOURCES)) --append docs/benchmarks.md

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
