# Every target builds .venv from the repo's own files first, so a fresh clone needs only `make`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck format bench console clean messages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python app.py

console: $(STAMP)
	$(BIN)/python app.py console

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/pytest

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# Refresh the Bokmål catalog from the source strings (then translate the new entries).
# `update` keeps existing translations; `init` only ever runs when there is no catalog yet.
messages: $(STAMP)
	$(BIN)/pybabel extract --no-location --omit-header --sort-output -k _ -k ngettext:1,2 \
		-o bot/core/locale/messages.pot bot handlers app.py scheduler.py
	if [ -f bot/core/locale/nb/LC_MESSAGES/messages.po ]; then \
		$(BIN)/pybabel update --no-fuzzy-matching -l nb -d bot/core/locale -i bot/core/locale/messages.pot; \
	else \
		$(BIN)/pybabel init -l nb -d bot/core/locale -i bot/core/locale/messages.pot; \
	fi
