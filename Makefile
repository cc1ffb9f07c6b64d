# The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PG_URL ?= postgres://postgres@127.0.0.1:5432/oic_portal
APT_PACKAGES := chromium poppler-utils gettext

.PHONY: run test lint install install-dev assets system-packages migrate demo messages bench clean

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
	DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest

lint: install-dev
	@echo "==> ruff, migrations, deploy checks"
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
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

# Debian packages the tests need: Chromium for the browser tests, pdftotext for PDFs, msgfmt.
system-packages:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	if [ -n "$$missing" ]; then \
		echo "==> Debian packages:$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

messages: install-dev
	$(PY) manage.py makemessages -l it -l en --no-location --no-obsolete
	$(PY) manage.py compilemessages

bench: install-dev
	DATABASE_URL=$(PG_URL) $(PY) bench/run.py

clean:
	rm -rf $(VENV) node_modules staticfiles
