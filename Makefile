# The two commands: `make demo` and `make test`. Everything installs into .venv.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR := var/demo
DEMO_SUBSCRIBERS ?= 20000
DEMO_MONTHS ?= 24

.PHONY: install demo test bench lint messages clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	touch $(STAMP)

install: $(STAMP)
	$(BIN)/python manage.py compile_translations

demo: install
	$(BIN)/python manage.py migrate --no-input -v 0
	$(BIN)/python manage.py demo_setup --subscribers $(DEMO_SUBSCRIBERS) --months $(DEMO_MONTHS) --dir $(DEMO_DIR)
# The demo's SMS go to a local Kannel's fake SMSC (if installed), beside the web server.
	$(BIN)/python manage.py demo_kannel & trap "kill $$! 2>/dev/null" EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(BIN)/python -m pytest -n 2 -q $(PYTEST_ARGS)

# The three sizes of docs/benchmarks.md; BENCH_ARGS="--subscribers N ..." runs just one.
bench: install
ifdef BENCH_ARGS
	$(BIN)/python -m bench $(BENCH_ARGS)
else
	$(BIN)/python -m bench --subscribers 50000 --months 24 --database sqlite
	$(BIN)/python -m bench --subscribers 100000 --months 36 --database postgres
	$(BIN)/python -m bench --subscribers 1000000 --months 36 --database postgres
endif

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

messages: install
	$(BIN)/python manage.py makemessages -l ru -l en --ignore=.venv --ignore=bench --no-obsolete

clean:
	rm -rf $(VENV) var db.sqlite3
