# The two commands of the README:
#   make run   set up everything and serve the app on http://127.0.0.1:8000 (demo / demo)
#   make test  set up everything and run the whole test suite (lint, types, pytest, browser)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test install browser-deps proxy-deps lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet "torch==2.13.0"
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	./scripts/run.sh

browser-deps:
	./scripts/browser_deps.sh

proxy-deps:
	./scripts/proxy_deps.sh

test: install browser-deps proxy-deps
	./scripts/test.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) node_modules var
