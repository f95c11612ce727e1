# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
BENCH_STAMP := $(VENV)/.bench-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test lint bench schema validate digest format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

run: $(STAMP)
	# The launcher keeps Streamlit off the network before its first connection (explorer/ui/offline.py).
	$(BIN)/python -m explorer.ui.serve --server.address localhost --server.port 8501

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# The benchmarks compare with pm4py (AGPL): the bench extra, installed for them only.
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	rm -f $(VENV)/.bench-*
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python benchmarks/run.py

validate: $(STAMP)
	$(BIN)/permanence-explorer validate flows/

schema: $(STAMP)
	$(BIN)/permanence-explorer schema --out flows/schema

format: $(STAMP)
	$(BIN)/permanence-explorer format

digest: $(STAMP)
	$(BIN)/permanence-explorer digest --out docs/flows

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
