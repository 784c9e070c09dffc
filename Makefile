# ServeLine: `make run` for a working line on this machine, `make test` for the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
API_PORT ?= 5001
TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
APT_PACKAGES := chromium poppler-utils espeak-ng sox flite festival

.PHONY: run test install services system-deps lint format-check typecheck pytest pytest-sqlite bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,speech]'
	touch $(STAMP)

install: $(STAMP)

URL = http://$(HOST):$(PORT)

# A development run (SERVELINE_ENV=development): development secrets are accepted.
run: export SERVELINE_ENV = development
run: install
	$(BIN)/serveline db upgrade
	$(BIN)/serveline seed-demo --url $(URL)
	@echo
	@echo "ServeLine is starting on $(URL) (SQLite under instance/, jobs in-process)."
	@echo "Try the phone line:  $(BIN)/serveline call --url $(URL) --api-port $(API_PORT) --from +18605550190 [--wav comment.wav]"
	@echo "  (the softphone also plays Twilio's REST API on 127.0.0.1:$(API_PORT): this line fetches recordings there, TWILIO_API_BASE)"
	@echo "Try the text line:   $(BIN)/serveline text --url $(URL) --from +18605550190"
	@echo "Faxes land in instance/fax-spool/, mail in instance/outbox/; staff pages at $(URL)/"
	@echo
	SESSION_COOKIE_SECURE=0 SERVELINE_INPROCESS_SWEEPER=1 \
	  TWILIO_API_BASE=$${TWILIO_API_BASE:-http://127.0.0.1:$(API_PORT)} \
	  TWILIO_ACCOUNT_SID=$${TWILIO_ACCOUNT_SID:-ACsimulator} SMS_SENDER=$${SMS_SENDER:-outbox} \
	  PUBLIC_BASE_URL=$${PUBLIC_BASE_URL:-http://$(HOST):$(PORT)} \
	  $(BIN)/serveline run --host $(HOST) --port $(PORT)

# Start PostgreSQL and Redis where they are installed but stopped.
services:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { \
	  command -v pg_ctlcluster >/dev/null && \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -n1) main start; \
	  for i in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { \
	  mkdir -p /var/lib/redis /var/log/redis; \
	  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
	    --dir /var/lib/redis --logfile /var/log/redis/ci.log; \
	  for i in 1 2 3 4 5 6 7 8 9 10; do redis-cli ping >/dev/null 2>&1 && break; sleep 1; done; }

# Debian packages the tests use (headless Chromium, pdftoppm/pdftotext): installed when missing.
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "missing Debian packages:$$missing (run as root, or install them)"; fi; fi

# The code, its formatting (`ruff format` rewrites a file that fails) and its layers (.importlinter).
lint: install format-check
	$(BIN)/ruff check .
	$(BIN)/lint-imports

format-check: install
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

pytest: export SERVELINE_ENV = development
pytest: install services system-deps
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL_FOR_TESTS=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	  $(BIN)/pytest -q

# The SQLite run's database lives in a temporary folder: tests never write under instance/.
pytest-sqlite: export SERVELINE_ENV = development
pytest-sqlite: install
	@dir=$$(mktemp -d) && trap 'rm -rf "$$dir"' EXIT && \
	  DATABASE_URL=sqlite:///$$dir/test-core.sqlite3 $(BIN)/pytest -q tests/core

test: lint typecheck pytest pytest-sqlite

# Benchmarks print figures; they are never part of `make test`.
bench: install services system-deps
	for b in bench/[a-z]*.py; do echo "== $$b"; $(BIN)/python -m bench.$$(basename $$b .py) || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .import_linter_cache .grimp_cache
