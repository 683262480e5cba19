# Quick start (see README):  make demo   |   make test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo serve test lint install clean

install: $(STAMP)

# A virtual environment with exactly the versions we test (constraints.txt).
$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit("coop needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

# Build the demo co-op (once) on the embedded PostgreSQL and serve it.
demo: $(STAMP)
	$(BIN)/coop demo

serve: $(STAMP)
	$(BIN)/coop serve

# The whole test suite: domain, application, projections, web and browser tests.
test: $(STAMP)
	@scripts/ensure-chromium.sh
	$(BIN)/pytest -n 2  # two workers: each its own databases, server and browser

lint: $(STAMP)
	$(BIN)/ruff check coop tests bench
	$(BIN)/ruff format --check coop tests bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .coop
