# Cohort: `make run` serves the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000
# The app reads PORT too: links in mail point at the port it is served on (config.py).
export PORT
# Test workers (pytest-xdist): one a core; each has its own database. PYTEST_WORKERS= runs in one.
PYTEST_WORKERS ?= -n $(shell nproc 2>/dev/null || echo 2) --dist loadfile
# A temporary folder of the checkout's own, so another pytest run on the machine cannot clear it.
PYTEST_TMP := --basetemp=.pytest-tmp
PYTEST = $(BIN)/python -m pytest $(PYTEST_WORKERS) $(PYTEST_TMP)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test test-fast lint assets install install-test deploy scheduler migrate demo bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

cohort/static/dist/.built: node_modules/.installed assets/build.mjs assets/cohort.mjs $(wildcard assets/scss/*.scss)
	node assets/build.mjs
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test
assets: cohort/static/dist/.built

## make deploy: what each web or scheduler host needs, from a fresh clone or after pulling a
## release: the virtual environment, the packages (gunicorn among them), and the front-end
## assets.
## It loads no demo and changes no database: `make migrate` does that, once a release, from
## one host, before the new code starts (README, "Setting up the hosts").
deploy: install assets

migrate: install
	$(FLASK) db upgrade
	$(FLASK) cohort load-frameworks

demo: migrate
	$(FLASK) cohort demo

## make run: install everything, bring the database up to date, load the demo on first run,
## and serve Cohort with its scheduler on http://127.0.0.1:$(PORT) (SQLite by default):
## gunicorn with the repository's settings (deploy/gunicorn.conf.py), RUN_WORKERS workers,
## and the scheduler as a process of its own, as on a production host.
RUN_WORKERS ?= 2
run: install assets
	$(FLASK) db upgrade
	$(FLASK) cohort load-frameworks
	$(FLASK) cohort demo --if-empty
	@$(FLASK) cohort scheduler & SCHEDULER=$$!; \
	trap 'kill $$SCHEDULER 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn -c deploy/gunicorn.conf.py --bind 127.0.0.1:$(PORT) \
		--workers $(RUN_WORKERS) wsgi:app

scheduler: install
	$(FLASK) cohort scheduler

lint: install-test
	$(BIN)/ruff check .

## make test: the whole suite on SQLite, then again on COHORT_TEST_DATABASE_URL when it is set.
## The browser tests run in runs of their own: their live server shares nothing with the rest.
test: install-test assets
	scripts/ensure-chromium
	$(BIN)/ruff check .
	$(PYTEST) -m "not browser"
	$(PYTEST) --dist load -m browser
	@if [ -n "$$COHORT_TEST_DATABASE_URL" ]; then \
		echo "== again on $$COHORT_TEST_DATABASE_URL ==" && \
		COHORT_TEST_BACKEND=url $(PYTEST) -m "not browser" && \
		COHORT_TEST_BACKEND=url $(PYTEST) --dist load -m browser; \
	fi

## make test-fast: the suite on SQLite without the browser tests.
test-fast: install-test assets
	$(BIN)/ruff check .
	$(PYTEST) -m "not browser"

## make bench: the key pages beside a hello world under gunicorn (needs wrk: apt-get install wrk).
bench: install assets
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/floor.py

clean:
	rm -rf $(VENV) node_modules cohort/static/dist
