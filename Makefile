# The two commands: `make run` serves a demo; `make test` runs every check. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
E2E := tests/e2e
NODE_INSTALLED := $(E2E)/node_modules/.installed
VIEW := session_view
VIEW_INSTALLED := $(VIEW)/node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
ENV_FILE ?= .env

.PHONY: run serve test test-fast bench costs lint format lock setup view

setup: $(INSTALLED)

$(INSTALLED): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.txt -r requirements-dev.txt
	touch $@

# A working demo on the embedded SQLite database under var/ (no environment needed). Links, the Claude
# config and OAuth use the address it serves on (0.0.0.0 is reached as 127.0.0.1) unless ALLOY_PUBLIC_URL
# is set; .env (git-ignored: written once, its ALLOY_PUBLIC_URL kept to the last run's) lets manage.py
# commands run in the checkout afterwards with the same address. DEBUG stays off: the demo shows Alloy's
# own 404/403/500 pages, not Django's debug pages (which list settings, to anyone on the network with
# HOST=0.0.0.0); `make run DEBUG=true` brings those back.
run: export DEBUG ?= false
run: export ALLOY_PUBLIC_URL ?= http://$(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST)):$(PORT)
run: export ALLOY_ENV_FILE ?= $(abspath $(ENV_FILE))
run: $(INSTALLED)
	$(BIN)/python scripts/write_env.py "$$ALLOY_ENV_FILE" "$$ALLOY_PUBLIC_URL"
	mkdir -p var
	$(BIN)/python manage.py migrate --verbosity 0
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py demo_mcp_key
	$(BIN)/uvicorn alloy.asgi:application --host $(HOST) --port $(PORT)

# Production: gunicorn with WEB_CONCURRENCY uvicorn workers (alloy/gunicorn.conf.py). Needs the production
# environment: at least SECRET_KEY, DATABASE_URL (PostgreSQL), ALLOY_PUBLIC_URL and ALLOWED_HOSTS.
serve: export ALLOY_ENV_FILE =
serve: $(INSTALLED)
	$(BIN)/python scripts/check_production_env.py
	$(BIN)/python manage.py migrate --verbosity 0
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/gunicorn -c alloy/gunicorn.conf.py alloy.asgi:application

# The real MCP clients the end-to-end tests drive (mcp-remote, the MCP Inspector CLI), pinned.
$(NODE_INSTALLED): $(E2E)/package.json $(E2E)/package-lock.json
	npm ci --prefix $(E2E) --no-audit --no-fund --loglevel=error
	touch $@

# The session view's bundler and packages (session_view/README.md), pinned; the tests rebuild the view
# and drive it in a test host page built from the same packages.
$(VIEW_INSTALLED): $(VIEW)/package.json $(VIEW)/package-lock.json
	npm ci --prefix $(VIEW) --no-audit --no-fund --loglevel=error
	touch $@

# Rebuild the committed view (session_view/dist/session-view.html) after changing its source.
view: $(VIEW_INSTALLED)
	node $(VIEW)/build.mjs

test: $(INSTALLED) $(NODE_INSTALLED) $(VIEW_INSTALLED)
	scripts/ensure-services.sh
	scripts/ensure-debian-package.sh /usr/bin/chromium chromium "the browser tests"
	scripts/ensure-debian-package.sh /usr/bin/prometheus prometheus "the metrics test"
	scripts/ensure-debian-package.sh /usr/sbin/pgbouncer pgbouncer "the connection pooler test"
	scripts/ensure-debian-package.sh /usr/sbin/haproxy haproxy "the two-host load balancer test"
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DATABASE_URL=sqlite:///:memory: $(BIN)/mypy
	# SQLite in memory: the check reads the models, not a database (and no pool waits for one that is not there).
	DATABASE_URL=sqlite:///:memory: $(BIN)/python manage.py makemigrations --check --dry-run --verbosity 0 --settings tests.settings
	# The in-process tests on every core (a test database per worker), then the end-to-end tests one at a
	# time: they start servers, clients and a browser of their own.
	$(BIN)/pytest -m "not e2e" -n auto --durations=15
	$(BIN)/pytest -m e2e --durations=15

# Everything but the end-to-end tests (no server process, no Node, no browser): the lane to run while working.
test-fast: $(INSTALLED)
	scripts/ensure-services.sh
	$(BIN)/pytest -m "not e2e" -n auto --durations=10

# Median and p99 per tool call against a real server (see scripts/benchmark.py).
bench: $(INSTALLED)
	scripts/ensure-services.sh
	$(BIN)/python scripts/benchmark.py

# What the four usual tasks cost Claude in calls and tokens, and the tool list's size, against a real server
# (tests/e2e/test_task_costs.py; the table also goes to test-artifacts/task-costs.md).
costs: $(INSTALLED)
	scripts/ensure-services.sh
	$(BIN)/pytest tests/e2e/test_task_costs.py -m e2e -q -s -p no:cacheprovider

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DATABASE_URL=sqlite:///:memory: $(BIN)/mypy

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Re-pin every package from requirements.in and requirements-dev.in (pip-tools), with hashes. Versions
# already locked are kept unless the .in files no longer allow them; `make lock UPGRADE=--upgrade` takes the
# newest each allows.
PIP_COMPILE = $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links $(UPGRADE)
lock: $(INSTALLED)
	$(PIP_COMPILE) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) --output-file requirements-dev.txt requirements-dev.in
