# Portique — `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV ?= .venv
PY := $(VENV)/bin/python
PORTIQUE := $(VENV)/bin/portique
export PORTIQUE_DATABASE_URL ?= sqlite+aiosqlite:///var/portique.db

.PHONY: help install run serve test test-sqlite test-postgres lint i18n i18n-compile bench docs clean browser-deps scaleout-deps

help: ## Show this help
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed ## Create the virtualenv and install Portique with its dev tools

i18n-compile: install ## Compile the translation catalogs (.po -> .mo)
	$(PY) -m core.i18n.build compile

i18n: install ## Extract messages, update every catalog, compile, and fail on untranslated ones
	$(PY) -m core.i18n.build extract
	$(PY) -m core.i18n.build compile
	$(PY) -m core.i18n.build check

run: i18n-compile ## Migrate, create the demo tenants and serve on http://localhost:8000
	mkdir -p var
	$(PORTIQUE) db upgrade
	$(PORTIQUE) demo
	PORTIQUE_DEBUG=true PORTIQUE_RUN_WORKER_IN_PROCESS=true $(PORTIQUE) serve --host 127.0.0.1 --port 8000

serve: i18n-compile ## Serve without touching the database
	PORTIQUE_DEBUG=true PORTIQUE_RUN_WORKER_IN_PROCESS=true $(PORTIQUE) serve --host 127.0.0.1 --port 8000

browser-deps: ## Install Debian's chromium for the browser tests when it is missing (never a browser download)
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

scaleout-deps: ## Install Debian's nginx for the scale-out tests when it is missing
	@test -x /usr/sbin/nginx || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx)

test: i18n-compile browser-deps scaleout-deps ## Run the whole suite on SQLite, then on PostgreSQL when PORTIQUE_TEST_POSTGRES_URL is set
	$(MAKE) test-sqlite
	@if [ -n "$$PORTIQUE_TEST_POSTGRES_URL" ]; then \
		$(MAKE) test-postgres; \
	else \
		echo "PostgreSQL pass SKIPPED: set PORTIQUE_TEST_POSTGRES_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/test to run it"; \
	fi

test-sqlite: ## The suite on SQLite
	env -u PORTIQUE_TEST_POSTGRES_URL $(PY) -m pytest -q -p no:cacheprovider

test-postgres: ## The suite on PostgreSQL (needs PORTIQUE_TEST_POSTGRES_URL)
	@test -n "$$PORTIQUE_TEST_POSTGRES_URL" || (echo "PORTIQUE_TEST_POSTGRES_URL is not set" && exit 1)
	$(PY) -m pytest -q -p no:cacheprovider

lint: install ## ruff, ruff format --check, mypy (strict) on core and plugins, import-linter contracts
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy core plugins
	$(VENV)/bin/lint-imports

bench: i18n-compile ## Load benchmarks (not tests): prints ratios measured in the same run
	$(PY) -m bench

docs: install ## Build the documentation site into site/ (fails on any warning)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict

clean: ## Remove the virtualenv, the database and generated files
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
	find . -name '*.mo' -delete
