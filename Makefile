# The two commands: `make run` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test lint format install install-test demo migrate messages clean bench-comments bench-pdf

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

# axe-core, the accessibility checker the browser tests inject into every page.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test node_modules/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	DJANGO_DEMO_ACCOUNTS=1 $(PY) manage.py load_demo

run: demo
	@echo "Serving on http://127.0.0.1:$(PORT)/ (admin: http://127.0.0.1:$(PORT)/admin/)"
	DJANGO_DEMO_ACCOUNTS=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install-test
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-test
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The catalogs. The five other UN languages are merged with the messages of the code, so
# a new message comes in empty (or fuzzy, next to one like it) until a translator fills
# it in, and the completeness test (tests/dialogue_portal/test_translations.py) fails
# until then. In English every message is its own translation: msgmerge's fuzzy guesses
# are emptied there, then msgen fills every empty one.
TRANSLATED := fr es ru ar zh_Hans
EN_PO := locale/en/LC_MESSAGES/django.po
messages: install
	$(PY) manage.py makemessages -l en $(addprefix -l ,$(TRANSLATED)) --no-location --no-obsolete \
		--ignore=.venv --ignore=tests --ignore=staticfiles --ignore=node_modules
	msgattrib --clear-fuzzy --empty --clear-previous $(EN_PO) -o $(EN_PO)
	msgen $(EN_PO) -o $(EN_PO)
	$(PY) manage.py compilemessages -l en $(addprefix -l ,$(TRANSLATED)) --ignore=.venv

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache

# Loads 10,000 published comments into PostgreSQL (DATABASE_URL, or the local
# dialogue_portal_bench database) and times the public list, a filtered list and a search.
bench-comments: install
	$(PY) benchmarks/bench_comments.py

# Renders the demo summary and a generated one of about 50 pages to PDF (a throwaway
# SQLite database) and prints the service's time against WeasyPrint's own, pages per
# second and the peak memory of a render in a fresh process.
bench-pdf: install
	$(PY) benchmarks/bench_pdf.py
