# QI Hub — make help lists every target.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Python 3.12 is preferred, 3.11 is the oldest supported; take the first that really runs.
PYTHON ?= $(shell for p in python3.12 $$HOME/.pyenv/versions/3.12*/bin/python3.12 python3.11 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then \
	echo $$p; break; fi; done)
STAMP := $(VENV)/.installed

.PHONY: help install run serve test test-fast check lint fmt typecheck imports migrations-check \
	bench openapi demo clean

help: ## Show this help
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python >= 3.11 is required (3.12 preferred)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

.env:
	cp .env.example .env

install: $(STAMP) .env ## Create .venv and install QI Hub with its development tools
	@mkdir -p var

run: install ## Migrate, load reference and demo data if the database is empty, serve on :$(PORT)
	$(BIN)/qihub migrate --no-input
	$(BIN)/qihub load_reference_data
	$(BIN)/qihub import standards qihub/standards/data/standards.csv
	$(BIN)/qihub demo --scale small --if-empty
	$(BIN)/qihub runserver 127.0.0.1:$(PORT)

serve: install ## Serve with gunicorn (production-like; needs QIHUB_* production settings)
	$(BIN)/qihub collectstatic --no-input
	$(BIN)/gunicorn qihub.wsgi --bind 127.0.0.1:$(PORT) --workers 2

test: install ## Run the whole test suite (Chromium and PostgreSQL tests skip when absent)
	$(BIN)/pytest

lint: install ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: install ## Format the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: install ## mypy (strict, django-stubs)
	$(BIN)/mypy qihub

imports: install ## Check the layers of CONVENTIONS.md §3
	$(BIN)/lint-imports

migrations-check: install ## Fail when a model change has no migration
	$(BIN)/qihub makemigrations --check --dry-run

check: lint typecheck imports migrations-check test ## Everything CI runs: lint, types, layers, migrations, tests

bench: install ## Run the benchmarks in bench/ (ratios against a baseline measured in the same run)
	$(BIN)/python -m bench

openapi: install ## Regenerate the OpenAPI snapshot that tests compare against
	$(BIN)/qihub export_openapi_schema --api qihub.api.api.api --indent 2 \
		--output qihub/api/tests/snapshots/openapi.json

demo: install ## Load the Liaoning-scale demo data into the configured database
	$(BIN)/qihub migrate --no-input
	$(BIN)/qihub load_reference_data
	$(BIN)/qihub demo --scale liaoning

clean: ## Remove the virtual environment and local data
	rm -rf $(VENV) var .mypy_cache .ruff_cache
