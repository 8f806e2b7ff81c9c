# The two README commands are `make run` and `make test`; everything else is a helper.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: run test lint format bench migrate pictures clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEVSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(STAMP)

run: $(STAMP)
	$(BIN)/studybot db upgrade
	$(BIN)/studybot run

migrate: $(STAMP)
	$(BIN)/studybot db upgrade

lint: $(DEVSTAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy bot commands adapters

format: $(DEVSTAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint
	$(BIN)/pytest -q -n 2

bench: $(DEVSTAMP)
	$(BIN)/python -m benchmarks

# The README's pictures, drawn from the two-week demo.
pictures: $(STAMP)
	$(BIN)/python examples/pictures.py docs/pictures

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
