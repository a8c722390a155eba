# Guichet — the two commands of the README, and the checks CI runs.
#   make run    install, migrate, load the demo, start every process of the Procfile
#   make test   install what the tests need, run the whole suite
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: run test check install install-dev system-deps-run system-deps-test migrate demo lock schema clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 est requis ($(PYTHON) introuvable)." >&2; exit 1; }
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "Installation de python3-venv (paquet Debian)…"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv && \
	  rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	@$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.base-installed: requirements/base.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements/base.txt
	@touch $@

$(VENV)/.dev-installed: requirements/dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements/dev.txt
	@touch $@ $(VENV)/.base-installed

install: $(VENV)/.base-installed system-deps-run
install-dev: $(VENV)/.dev-installed system-deps-run

# Debian libraries WeasyPrint needs to render PDFs (order forms, invoices).
system-deps-run:
	@ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || { \
	  echo "Installation des paquets Debian : libpango-1.0-0 libpangoft2-1.0-0"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; }

# Debian packages the browser, worker and TLS-proxy tests need, installed only when missing.
system-deps-test:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null || missing="$$missing chromium-driver"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v nginx >/dev/null || missing="$$missing nginx-light"; \
	command -v curl >/dev/null || missing="$$missing curl"; \
	command -v openssl >/dev/null || missing="$$missing openssl"; \
	if [ -n "$$missing" ]; then \
	  echo "Installation des paquets Debian :$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

migrate: install
	$(BIN)/python manage.py migrate --no-input

demo: migrate
	$(BIN)/python manage.py load_demo

run: demo
	@echo "Guichet démarre sur http://127.0.0.1:8000 (Ctrl-C pour arrêter)."
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile

test: install-dev system-deps-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Static checks run by CI (and useful before a commit).
check: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py spectacular --file /tmp/guichet-openapi.yaml --validate --fail-on-warn
	diff -u schema/openapi.yaml /tmp/guichet-openapi.yaml || { echo "schema/openapi.yaml est périmé : lancez 'make schema'." >&2; exit 1; }
	$(BIN)/lint-imports

schema: install-dev
	$(BIN)/python manage.py spectacular --file schema/openapi.yaml --validate --fail-on-warn

# Re-lock the Python dependencies from pyproject.toml (needs uv).
lock:
	uv pip compile --python 3.11 pyproject.toml -o requirements/base.txt
	uv pip compile --python 3.11 pyproject.toml --extra dev -o requirements/dev.txt

clean:
	rm -rf $(VENV) var
