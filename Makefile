# Dudao — two commands: `make run` (set up everything and serve) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

# Debian packages the app and its tests use: gettext (translations), CJK fonts (PDFs),
# Chromium (browser tests), poppler (pdftotext in tests), Node.js and npm (axe-core for the
# accessibility check), Redis and PostgreSQL (CI, production).
SYSTEM_PACKAGES := gettext fonts-noto-cjk chromium poppler-utils nodejs:node npm:npm
CI_PACKAGES := redis-server postgresql

.PHONY: run setup system venv deps messages migrate demo worker check test test-dates test-postgres bench bench-city loadtest loadtest-city lint fmt prod-check clean

run: setup demo ## set everything up and serve at http://127.0.0.1:8000 with a background worker
	@scripts/serve.sh $(HOST) $(PORT)

setup: system deps messages migrate

system:
	@scripts/install-system-packages.sh $(SYSTEM_PACKAGES)

$(PY):
	$(PYTHON) -m venv $(VENV) || { scripts/install-system-packages.sh python3-venv && $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.deps: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

venv deps: $(VENV)/.deps

messages: deps
	@$(MANAGE) compilemessages --ignore=.venv -v0

migrate: deps
	@mkdir -p var
	@$(MANAGE) migrate --no-input -v0

demo: migrate
	@$(MANAGE) seed_demo

worker: ## the Celery worker alone (production uses Redis; locally a SQLite-file broker)
	$(VENV)/bin/celery -A config worker -B -l info --concurrency 1

# axe-core, pinned in package.json/package-lock.json, for tests/browser/test_accessibility.py.
node_modules/axe-core/axe.min.js: package.json package-lock.json | system
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

check: deps ## the quick gate before the suite: lint errors, the layers, missing migrations
	@$(VENV)/bin/ruff check --quiet .
	@out=$$($(VENV)/bin/lint-imports --no-cache --no-logo 2>&1) || { echo "$$out"; echo "An app imports from a layer above it (.importlinter, STYLE.md)" >&2; exit 1; }
	@$(MANAGE) makemigrations --check --dry-run -v0 || { echo "Models changed without a migration: run manage.py makemigrations" >&2; exit 1; }

test: system deps messages check node_modules/axe-core/axe.min.js ## the whole suite (SQLite unless DATABASE_URL is set), browser journeys included
	@$(PY) -m pytest -q -p no:randomly $(PYTEST_ARGS)

# The suite on the days that break date arithmetic: a month's first and last day, a leap day,
# New Year's Eve (tests/conftest.py pins the clock to DUDAO_TEST_NOW).
TEST_DATES := 2026-12-01T00:05:00+08:00 2026-11-30T23:30:00+08:00 2028-02-29T10:00:00+08:00 2026-12-31T23:20:00+08:00
test-dates: system deps messages node_modules/axe-core/axe.min.js ## the whole suite once per date above
	@for now in $(TEST_DATES); do echo "== DUDAO_TEST_NOW=$$now"; \
	  DUDAO_TEST_NOW=$$now $(PY) -m pytest -q -p no:randomly $(PYTEST_ARGS) || exit 1; done

test-postgres: system deps messages ## the whole suite against a PostgreSQL and Redis started here
	@scripts/install-system-packages.sh $(CI_PACKAGES)
	@scripts/with-services.sh $(MAKE) --no-print-directory test

bench: deps messages ## speed targets of the issues; writes docs/benchmarks.md
	@for module in $$(ls bench/*.py | grep -v __init__ | sed 's|/|.|; s|\.py$$||'); do \
	  echo "== $$module"; DJANGO_SETTINGS_MODULE=config.settings.local $(PY) -m $$module || exit 1; \
	done

# Not in `make bench`: bench/city/ is a package, and its first run seeds 100,000 workers.
bench-city: deps ## issue 13's pages at 2,000 and 100,000 workers on PostgreSQL; writes docs/benchmarks.md
	@scripts/install-system-packages.sh gettext fonts-noto-cjk postgresql
	@$(MAKE) --no-print-directory messages
	@$(PY) -m bench.city $(BENCH_CITY_ARGS)

loadtest: deps ## 50 users for 60 s on gunicorn + PostgreSQL + Celery; writes docs/benchmarks.md
	@scripts/install-system-packages.sh gettext fonts-noto-cjk $(CI_PACKAGES)
	@$(MAKE) --no-print-directory messages
	@scripts/loadtest.sh

loadtest-city: deps ## the same load against a copy of bench-city's 100,000-worker district (issue 13)
	@scripts/install-system-packages.sh gettext fonts-noto-cjk $(CI_PACKAGES)
	@$(MAKE) --no-print-directory messages
	@LOADTEST_CITY=1 scripts/loadtest.sh

lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run

fmt: deps
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

prod-check: deps ## Django's deployment checklist against the production settings
	@DJANGO_SETTINGS_MODULE=config.settings.production \
	 DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-prod-check-$$(head -c 32 /dev/urandom | base64 | tr -dc A-Za-z0-9)} \
	 DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:-dudao.cn.gov.local} \
	 DUDAO_PII_KEY=$${DUDAO_PII_KEY:-$$(head -c 32 /dev/urandom | base64 | tr '+/' '-_')} \
	 DUDAO_PII_HASH_KEY=$${DUDAO_PII_HASH_KEY:-prod-check-$$(head -c 32 /dev/urandom | base64 | tr -dc A-Za-z0-9)} \
	 DATABASE_URL=$${DATABASE_URL:-postgres://dudao@localhost/dudao} \
	 CELERY_BROKER_URL=$${CELERY_BROKER_URL:-redis://localhost:6379/0} \
	 $(MANAGE) check --deploy --fail-level WARNING

clean:
	rm -rf var staticfiles .hypothesis node_modules
