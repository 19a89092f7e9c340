# Safer Spaces: every set-up step a newcomer or CI needs. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export UV_PYTHON_DOWNLOADS := never
export DJANGO_SETTINGS_MODULE := saferspaces.settings

UV_VERSION := 0.13.8
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PORT ?= 8000
# absolute links (invitations) point to the port served, unless SAFERSPACES_SITE_URL is set
SITE_URL = $(or $(SAFERSPACES_SITE_URL),http://127.0.0.1:$(PORT))
VENV := .venv
BIN := $(VENV)/bin
DEV := SAFERSPACES_DEBUG=1
# make test runs the suite in parallel with pytest-xdist: one worker per core, at most 4 (a
# container may report more cores than it may use), each test file on one worker (its module
# fixtures, such as the demo, are built once); PYTEST_WORKERS=0 runs it serially in one process
PYTEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); [ "$$n" -gt 4 ] && n=4; echo $$n)
XDIST := -n $(PYTEST_WORKERS) --dist loadfile

.PHONY: help install run test test-sqlite test-postgres lint bench demo-reset messages clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@

install: $(VENV)/.synced ## create the virtual environment from the committed lock file

run: install ## migrate an SQLite database, load the demo, serve on http://127.0.0.1:$(PORT) with a task worker
	$(DEV) $(BIN)/saferspaces migrate --noinput
	$(DEV) SAFERSPACES_SITE_URL='$(SITE_URL)' $(BIN)/saferspaces demo load
	@echo "Serving on http://127.0.0.1:$(PORT)/ with one task worker (Ctrl+C stops both); links in e-mails use $(SITE_URL)"
	$(DEV) SAFERSPACES_SITE_URL='$(SITE_URL)' $(BIN)/saferspaces serve 127.0.0.1:$(PORT)

test: install ## the whole suite on SQLite (browser tests included), then again on PostgreSQL
	@$(MAKE) --no-print-directory test-sqlite
	@$(MAKE) --no-print-directory test-postgres

test-sqlite: install
	@echo "== Test suite on SQLite =="
	env -u DATABASE_URL $(BIN)/pytest -p no:cacheprovider $(XDIST) $(PYTEST_ARGS)

test-postgres: install
	@if [ -n "$$SAFERSPACES_TEST_POSTGRES_URL" ]; then \
	  echo "== Test suite on PostgreSQL =="; \
	  DATABASE_URL="$$SAFERSPACES_TEST_POSTGRES_URL" SAFERSPACES_EXPECT_POSTGRES=1 \
	    $(BIN)/pytest -p no:cacheprovider -m "not browser" $(XDIST) $(PYTEST_ARGS); \
	elif [ -n "$$SAFERSPACES_CI" ] && [ "$$SAFERSPACES_CI" != "0" ]; then \
	  echo "SAFERSPACES_CI=1 but SAFERSPACES_TEST_POSTGRES_URL is not set: the PostgreSQL pass is required in CI" >&2; exit 1; \
	else \
	  echo "== PostgreSQL pass skipped: set SAFERSPACES_TEST_POSTGRES_URL=postgres://user:pw@host/db to run it =="; \
	fi

lint: install ## ruff, mypy, import-linter contracts, missing migrations
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(DEV) $(BIN)/mypy
	$(BIN)/lint-imports
	$(DEV) $(BIN)/saferspaces makemigrations --check --dry-run

bench: install ## the benchmarks; each asserts its issue's target (results: docs/benchmarks.md)
	$(BIN)/pytest -p no:cacheprovider benchmarks --benchmark-only --benchmark-columns=min,median,max,rounds $(PYTEST_ARGS)

demo-reset: install ## throw the local SQLite database away and rebuild it with the demo
	rm -f var/saferspaces.sqlite3
	$(DEV) $(BIN)/saferspaces migrate --noinput
	$(DEV) $(BIN)/saferspaces demo load

# every language with a catalogue folder, src/saferspaces/locale/<code>/LC_MESSAGES (English is
# the source and has none): adding a language is adding its folder
LOCALES := $(sort $(notdir $(patsubst %/LC_MESSAGES/,%,$(wildcard src/saferspaces/locale/*/LC_MESSAGES/))))

messages: install ## extract translatable strings into every language's .po file and compile them (needs GNU gettext)
	cd src/saferspaces && $(DEV) ../../$(BIN)/saferspaces makemessages $(addprefix -l ,$(LOCALES)) --no-obsolete --ignore "core/*"
	cd src/saferspaces && $(DEV) ../../$(BIN)/saferspaces compilemessages $(addprefix -l ,$(LOCALES))

clean: ## remove the virtual environment and local data
	rm -rf $(VENV) .tools var
