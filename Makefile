# Likeness KB. `make install` builds ./.venv; `make run` ingests and serves; `make test` runs the suite.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: install install-browser run ingest test test-fast lint bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'

install-browser:
	@(command -v chromium >/dev/null && fc-list :lang=zh | grep -q .) || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null)

ingest: install
	$(BIN)/kb ingest --layer all --defer-vectors

run: ingest
	$(BIN)/kb serve --host 127.0.0.1 --port $(PORT)

test: install install-browser
	$(BIN)/python -m pytest -q

test-fast: install
	$(BIN)/python -m pytest -q -m "not slow and not browser and not server"

lint:
	$(BIN)/ruff check cli api ingest kb tests

bench:
	$(BIN)/kb bench retrieval
	$(BIN)/kb bench api

clean:
	rm -rf .data artifacts
