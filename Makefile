# Developer and CI entry points. Run `make` (or `make help`) for the list.
#
# PostgreSQL and Redis run as plain local processes on unix sockets (scripts/services.sh):
# `make run` keeps its data in .local/, tests use a throwaway directory under /tmp.

UV ?= python3 -m uv
# Use the machine's Python 3.11; never download interpreters.
export UV_PYTHON_DOWNLOADS := never
export UV

# Data size for `make bench`: S (dev), M (the targets), L (50 tenants, ~1M registrations).
SCALE ?= M

# Extra arguments for pytest, e.g. `make test PYTEST_ARGS="-k invitations -x"`.
PYTEST_ARGS ?=
# pytest-xdist processes for the test targets (0: one process, as with a debugger).
TEST_WORKERS ?= 2
export TEST_WORKERS

.DEFAULT_GOAL := help
.PHONY: help install run test test-fast e2e lint bench demo-data clean

help: ## Show this list
	@echo "Usage: make <target>"
	@echo
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

install: ## Install uv, the locked Python environment and missing system programs
	@python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install -q 'uv==0.13.9' \
		|| python3 -m pip install -q --break-system-packages 'uv==0.13.9'
	$(UV) sync --frozen
	scripts/services.sh check

run: install ## Run the demo (web, Celery worker and beat) on http://localhost:8000; Ctrl-C stops it
	scripts/run-demo.sh

# Tests drive a real Chromium, so `install` must also make sure it is there: a target-specific
# exported variable is passed on to the prerequisites built for this target.
test e2e: export NEED_BROWSER := 1

test: install ## Run the whole test suite against throwaway PostgreSQL and Redis
	scripts/run-tests.sh $(PYTEST_ARGS)

test-fast: install ## The suite without the browser and real-worker tests, for quick loops
	scripts/run-tests.sh -m "not browser and not worker" $(PYTEST_ARGS)

e2e: install ## Run only the browser (Playwright + Chromium) tests
	scripts/run-tests.sh -m browser $(PYTEST_ARGS)

lint: install ## Ruff (lint and format), mypy, and a check for missing migrations
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy prm partners deals training mdf commissions reporting
	scripts/with-services.sh $(UV) run python manage.py makemigrations --check --dry-run

bench: install ## Benchmark deals on throwaway services (SCALE=S|M|L, default M); see bench/
	SCALE=$(SCALE) scripts/run-bench.sh $(SCALE)

demo-data: install ## Create or update the demo database in .local (migrate and seed)
	scripts/run-demo.sh --data-only

clean: ## Stop the .local services and delete .local (demo database, mail, media)
	scripts/services.sh destroy .local
