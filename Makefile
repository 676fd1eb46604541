# Two commands: `make run` (serve the demo on http://127.0.0.1:8000) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?= --reuse-db
export DJANGO_SETTINGS_MODULE ?= liaison.settings.local

.PHONY: schemathesis run test install install-dev migrate seed lint check messages bench-dashboard clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/activate
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/activate
	$(PIP) install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo --if-empty

run: seed
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@echo ""
	@echo "Deputy liaison stations portal: http://$(HOST):$(PORT)/"
	@echo "Demo logins (password demo-pass-2026): admin, county, street, officer (station YL-001), deputy"
	@echo "Admin: http://$(HOST):$(PORT)/admin/   API docs: http://$(HOST):$(PORT)/api/docs/"
	@echo ""
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install-dev
	DJANGO_SETTINGS_MODULE=liaison.settings.test $(VENV)/bin/pytest $(PYTEST_ARGS)

schemathesis: install-dev
	SCHEMATHESIS=1 DJANGO_SETTINGS_MODULE=liaison.settings.test $(VENV)/bin/pytest tests/api -p no:cacheprovider

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/bandit -q -r accounts activities core deputies desk liaison notices portal reports stations suggestions surveys visits -ll

check: install-dev
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

messages: install-dev
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=staticfiles
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/liaison_bench
BENCH_SCALE ?= 50
BENCH_VISITS ?= 2000000

bench-dashboard: install  ## PostgreSQL: scaled demo (≥ 2,000 stations), 2 M visit logs, rollups vs raw
	$(PY) -c "import psycopg,sys; u='$(BENCH_DATABASE_URL)'; b,n=u.rsplit('/',1); c=psycopg.connect(b+'/postgres',autocommit=True); c.execute('CREATE DATABASE '+n) if not c.execute('SELECT 1 FROM pg_database WHERE datname=%s',[n]).fetchone() else None"
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py seed_demo --scale $(BENCH_SCALE)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench_dashboard --visits $(BENCH_VISITS)

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 .pytest_cache
