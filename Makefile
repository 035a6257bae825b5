# The README's two commands are `make run` and `make test`. Both set up what
# they need first and skip every step whose inputs did not change.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.12 2>/dev/null || (pyenv which python 2>/dev/null) || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .make
HOST ?= 127.0.0.1
PORT ?= 8000
# Run `make test PYTEST_ARGS="tests/members -x"` for part of the suite.
PYTEST_ARGS ?=

.PHONY: run test lint format bench loadtest setup lock translations messages clean

run: setup
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 $(BIN)/python manage.py seed_demo
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The browser tests need a Chromium and the HTML check (tests/test_html_valid.py)
# a Java: scripts/ensure-chromium and scripts/ensure-java find one each (or
# install Debian's, or stop here with what to install) and pytest gets the paths.
test: setup $(STAMPS)/observatory
	CHROMIUM="$$(scripts/ensure-chromium)" && export CHROMIUM && \
	JAVA="$$(scripts/ensure-java)" && export JAVA && \
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=lef.settings_test && \
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMPS)/python
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMPS)/python
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: setup
	$(BIN)/python -m bench $(BENCH_ARGS)

# The site under load (not part of `make test`): its own PostgreSQL with the bench
# data, gunicorn with the production settings, locust headless for 90 s and a
# database restart in the middle; prints rps and p50/p95/p99 per page, then checks
# capacity, double bookings, team sizes and that no confirmed action was lost.
# LOADTEST_SECONDS=30 for a quick run; `make loadtest LOADTEST_ARGS="--users 60"`.
loadtest: setup $(STAMPS)/observatory
	$(BIN)/python -m loadtest $(LOADTEST_ARGS)

# Update the catalogues after changing strings (needs GNU gettext's xgettext).
messages: $(STAMPS)/python
	$(BIN)/python manage.py makemessages --settings=lef.settings_test --locale nl --locale en --no-obsolete --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'tests/*'
	$(BIN)/python manage.py makemessages --settings=lef.settings_test --locale nl --locale en --no-obsolete -d djangojs --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'staticfiles/*'

setup: $(STAMPS)/python $(STAMPS)/node translations

# Regenerate the lock files from requirements.in and requirements-dev.in after
# editing them; pins already in the lock files are kept unless
# `make lock LOCK_ARGS="--upgrade-package django"` (or `--upgrade`) says otherwise.
# The runtime lock comes first: the development lock is constrained by it.
LOCK_ARGS ?=
LOCK := $(BIN)/uv pip compile --quiet --generate-hashes --universal --python-version 3.12 \
	--custom-compile-command "make lock" $(LOCK_ARGS)
lock: $(STAMPS)/python
	$(LOCK) requirements.in -o requirements.txt
	$(LOCK) requirements-dev.in -o requirements-dev.txt

translations: $(STAMPS)/python
	@$(BIN)/python manage.py compiletranslations --settings=lef.settings_test

$(STAMPS)/python: requirements.txt requirements-dev.txt .python-version
	@mkdir -p $(STAMPS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -c 'import sys; assert sys.version_info[:2] == (3, 12), "Python 3.12 is required"'
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.txt
	@touch $@

$(STAMPS)/node: package.json package-lock.json
	@mkdir -p $(STAMPS)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Mozilla's HTTP Observatory scanner for tests/lef/test_observatory.py, in a folder
# of its own: its install scripts download lists from the internet, which the
# loopback scan does not need (tools/observatory/scan.mjs).
$(STAMPS)/observatory: tools/observatory/package.json tools/observatory/package-lock.json
	@mkdir -p $(STAMPS)
	npm ci --prefix tools/observatory --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

clean:
	rm -rf $(VENV) node_modules $(STAMPS) staticfiles
