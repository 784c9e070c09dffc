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
SQLITE_TEST_URL := sqlite:///$(CURDIR)/instance/test-core.sqlite3
APT_PACKAGES := chromium poppler-utils espeak-ng sox

.PHONY: run test install services system-deps lint typecheck pytest pytest-sqlite bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	mkdir -p instance
	$(BIN)/serveline db upgrade
	$(BIN)/serveline seed-demo
	@echo
	@echo "ServeLine is starting on http://$(HOST):$(PORT) (SQLite under instance/, jobs in-process)."
	@echo "Try the phone line:  $(BIN)/serveline call --from +18605550190 --url http://$(HOST):$(PORT) --api-port $(API_PORT) [--wav comment.wav]"
	@echo "  (the softphone also plays Twilio's REST API on 127.0.0.1:$(API_PORT): this line fetches recordings there, TWILIO_API_BASE)"
	@echo "Try the text line:   $(BIN)/serveline text --from +18605550190"
	@echo "Faxes land in instance/fax-spool/; staff pages at http://$(HOST):$(PORT)/"
	@echo
	SESSION_COOKIE_SECURE=0 SERVELINE_INPROCESS_SWEEPER=1 \
	  TWILIO_API_BASE=$${TWILIO_API_BASE:-http://127.0.0.1:$(API_PORT)} \
	  TWILIO_ACCOUNT_SID=$${TWILIO_ACCOUNT_SID:-ACsimulator} SMS_SENDER=$${SMS_SENDER:-outbox} \
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

lint: install
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy

pytest: install services system-deps
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL_FOR_TESTS=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	  $(BIN)/pytest -q

pytest-sqlite: install
	mkdir -p instance
	rm -f instance/test-core.sqlite3*
	DATABASE_URL=$(SQLITE_TEST_URL) $(BIN)/pytest -q tests/core

test: lint typecheck pytest pytest-sqlite

# Benchmarks print figures; they are never part of `make test`.
bench: install services system-deps
	for b in bench/[a-z]*.py; do echo "== $$b"; $(BIN)/python -m bench.$$(basename $$b .py) || exit 1; done

clean:
	rm -rf $(VENV) instance/*.sqlite3* .pytest_cache .mypy_cache .ruff_cache
