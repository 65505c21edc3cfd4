# Two commands for a fresh machine: `make run` and `make test` (see README.md).
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint

$(STAMP): setup.cfg pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	scripts/system-deps
	$(BIN)/flask --app wsgi db upgrade
	$(BIN)/flask --app wsgi fixtures load --if-empty
	@echo
	@echo "costapi on http://127.0.0.1:8000  (API docs: http://127.0.0.1:8000/docs)"
	@echo "Create an API key in another shell:"
	@echo "  $(BIN)/flask --app wsgi keys create --role admin --name you"
	@echo
	$(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

test: $(STAMP)
	scripts/system-deps --test
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
