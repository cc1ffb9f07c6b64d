# The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PG_URL ?= postgres://postgres@127.0.0.1:5432/oic_portal
PG_BENCH_URL ?= postgres://postgres@127.0.0.1:5432/oic_bench
# Test processes (pytest-xdist): each has its own test database and Redis database.
TEST_PROCESSES ?= 2
APT_PACKAGES := chromium poppler-utils gettext zbar-tools

.PHONY: translations-check run test lint install install-dev assets system-packages migrate demo messages bench bench-certificates bench-seed bench-web bench-exports clean backup restore smoke

run: install assets
	@echo "==> Database migrations (SQLite, var/db.sqlite3)"
	@mkdir -p var
	@$(PY) manage.py migrate --noinput -v 0
	@echo "==> Demo data (kept if already loaded)"
	@$(PY) manage.py load_demo
	@echo "==> Portal at http://127.0.0.1:8000  (Ctrl-C to stop)"
	@$(PY) manage.py runserver 127.0.0.1:8000

test: install-dev assets system-packages lint
	@echo "==> Test suite on PostgreSQL ($(PG_URL))"
	DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -n $(TEST_PROCESSES) --dist worksteal

lint: install-dev system-packages
	@echo "==> ruff, migrations, translations, deploy checks"
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	@$(MAKE) --no-print-directory translations-check
	DJANGO_ENV=production SECRET_KEY=check-deploy-$$(head -c 32 /dev/urandom | base64 | tr -dc A-Za-z0-9) \
		ALLOWED_HOSTS=bollinoblu.example DATABASE_URL=$(PG_URL) \
		$(PY) manage.py check --deploy --fail-level WARNING

$(VENV)/bin/activate:
	@echo "==> Python virtual environment"
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.installed: requirements.txt $(VENV)/bin/activate
	@echo "==> Python packages (requirements.txt)"
	$(PIP) install -q -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	@echo "==> Python development packages (requirements-dev.txt)"
	$(PIP) install -q -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

node_modules/.installed: package.json package-lock.json
	@echo "==> Front-end assets from npm (Bootstrap Italia, axe-core)"
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

assets: node_modules/.installed

# Debian packages the tests need: Chromium for the browser tests, pdftotext for PDFs, zbarimg
# for the QR codes on certificates, msgfmt.
system-packages:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v zbarimg >/dev/null || missing="$$missing zbar-tools"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	if [ -n "$$missing" ]; then \
		echo "==> Debian packages:$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# The catalogues must match the source (makemessages would change nothing but the date), the
# English one must be complete, and the committed .mo files must be compiled from the .po files.
translations-check:
	@tmp=$$(mktemp -d); cp -r locale $$tmp/; \
	$(PY) manage.py makemessages -l it -l en --no-location --no-obsolete -i node_modules -i var -i staticfiles -v 0; \
	$(PY) .ci/fill-italian-catalogue.py locale/it/LC_MESSAGES/django.po; \
	if ! diff -r -q -I '^"POT-Creation-Date' $$tmp/locale locale >/dev/null; then \
		diff -r -I '^"POT-Creation-Date' $$tmp/locale locale | head -40; \
		rm -rf locale; cp -r $$tmp/locale .; rm -rf $$tmp; \
		echo "Translations are out of date: run 'make messages' and translate the new strings."; exit 1; \
	fi; \
	rm -rf locale; cp -r $$tmp/locale .; rm -rf $$tmp
	@for lang in it en; do \
		msgfmt --check -o /tmp/oic-$$lang.mo locale/$$lang/LC_MESSAGES/django.po || exit 1; \
		cmp -s /tmp/oic-$$lang.mo locale/$$lang/LC_MESSAGES/django.mo || \
			{ echo "locale/$$lang/LC_MESSAGES/django.mo is stale: run 'make messages'"; exit 1; }; \
	done

messages: install-dev
	$(PY) manage.py makemessages -l it -l en --no-location --no-obsolete -i node_modules -i var -i staticfiles
	$(VENV)/bin/python .ci/fill-italian-catalogue.py locale/it/LC_MESSAGES/django.po
	@for lang in it en; do \
		msgfmt --check -o locale/$$lang/LC_MESSAGES/django.mo locale/$$lang/LC_MESSAGES/django.po; \
	done

# Production smoke test: the Procfile's processes with production settings, one approval over
# HTTP through to the certificate and its verification (CI runs it after the tests).
smoke: install-dev assets
	$(PY) .ci/smoke.py

# Backups of the database named by DATABASE_URL and of PRIVATE_STORAGE_ROOT (see README).
backup: install
	$(PY) manage.py backup $(if $(OUTPUT),--output $(OUTPUT))

restore: install
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/<folder>"; exit 2; }
	$(PY) manage.py restore $(BACKUP)

bench: install-dev
	createdb -h 127.0.0.1 -U postgres oic_bench 2>/dev/null || true
	DATABASE_URL=$(PG_BENCH_URL) $(PY) bench/codice_pages.py
	DATABASE_URL=$(PG_BENCH_URL) $(PY) bench/certificates.py

# The national-scale data set (100,000 firms and seals, 2,000,000 audit scores): drops and
# recreates oic_bench_seed.
bench-seed: install-dev assets
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/oic_bench_seed $(PY) bench/seed.py

# The pages under load: gunicorn with production settings on the bench-seed database, driven
# by bench/load.py at concurrency 8, against a one-query baseline view (Redis databases 8–9).
bench-web: install-dev assets
	$(PY) bench/web.py

# The open-data exports of the whole bench-seed registry: time and the serving process's memory.
bench-exports: install-dev assets
	$(PY) bench/exports.py

# The certificate alone: one render against bare WeasyPrint, and 200 through 1 and 2 Celery
# worker processes (Redis database 13, BENCH_BROKER_URL).
bench-certificates: install-dev
	createdb -h 127.0.0.1 -U postgres oic_bench 2>/dev/null || true
	DATABASE_URL=$(PG_BENCH_URL) $(PY) bench/certificates.py

clean:
	rm -rf $(VENV) node_modules staticfiles
