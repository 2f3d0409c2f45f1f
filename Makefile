# Two commands for a new machine with Python 3.11: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_TICKETS ?= 2000
# The suite runs in parallel, one worker per core (each with its own databases).
# `--dist load` hands out tests in pytest-django's order, transactional tests
# last: they empty the tables, data migrations' rows (helpdesk's e-mail
# templates) included, so no other test may run after them in a worker.
TEST_WORKERS ?= 2

.PHONY: venv run setup test lint unit e2e browser fonts office messages docker-check bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

venv: $(STAMP)

# Migrate, load regions and subsystems, seed demo data: each step idempotent.
setup: venv
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_regions
	$(BIN)/python manage.py seed_demo --tickets $(DEMO_TICKETS)
	$(BIN)/python manage.py sla_start_clocks
	$(BIN)/python manage.py kb_seed_demo
	$(BIN)/python manage.py kb_reindex
	$(BIN)/python manage.py collectstatic --noinput -v0

# The embedded default: SQLite, in-memory channel layer, Celery on a folder.
# Daphne in the foreground, the Celery worker with beat beside it; Ctrl-C stops both.
run: setup
	@echo "Service desk on http://$(HOST):$(PORT)/  (demo accounts: see README)"
	@$(BIN)/python -m helpdesk_site.run_embedded --host $(HOST) --port $(PORT)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

unit: venv fonts
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest -m "not e2e" -q -p no:cacheprovider -p tests.parallel -n $(TEST_WORKERS) --dist load

# Debian's Chromium for the browser tests; Playwright drives it, downloading nothing.
browser:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

# Debian's CJK font, for the Chinese labels of report charts.
fonts:
	@fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || (apt-get update -qq && apt-get install -y -qq fonts-noto-cjk >/dev/null)

# LibreOffice and pdftoppm render a Word report to PNG in the tests (not at run time).
office:
	@command -v soffice >/dev/null && command -v pdftoppm >/dev/null || (apt-get update -qq && apt-get install -y -qq libreoffice-writer-nogui poppler-utils >/dev/null)

# Browser tests run in their own pytest run (their event loop clashes with
# the async consumer tests), in parallel too: each worker has its own live
# server, databases and Chromium. Exit status 5 means none are collected yet.
e2e: venv browser
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/python -m pytest -m e2e -q -p no:cacheprovider \
		-p tests.parallel -n $(TEST_WORKERS) --dist load; \
	status=$$?; [ $$status -eq 0 ] || [ $$status -eq 5 ]

test: lint office unit e2e docker-check

# Production compose file: validated without a Docker engine.
docker-check:
	@if command -v docker-compose >/dev/null 2>&1; then \
		SECRET_KEY=x POSTGRES_PASSWORD=x docker-compose -f docker/docker-compose.yml config -q && echo "docker-compose config: ok"; \
	else echo "docker-compose not installed: compose file not validated (apt-get install docker-compose)"; fi

# Each app keeps its own catalogue; helpdesk_site/locale holds the site's,
# helpdesk_site/helpdesk_locale the Chinese of third-party apps (edited by hand).
messages: venv
	for app in helpdesk_site sla kb reporting rectification training quizzes residency keywork indicators inspections; do \
		(cd $$app && ../$(BIN)/django-admin makemessages -l zh_Hans -l en --ignore 'static/*' && \
		 ../$(BIN)/django-admin compilemessages) || exit 1; done
	cd helpdesk_site/helpdesk_locale/zh_Hans/LC_MESSAGES && msgfmt --check -o django.mo django.po

clean:
	rm -rf var
