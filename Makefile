# Two commands on a fresh machine (python3, make and the package registries):
#   make serve   install, index seeds/ (first start), serve on http://127.0.0.1:8000
#   make test    install with the test extras (llama.cpp, Playwright, Debian chromium), run the tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# llama-cpp-python compiles on install; a portable build, so the cached wheel runs on any x86-64 CPU.
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install install-test serve test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch first, pinned: the CPU build of 2.13.0 lies on these machines; an unpinned torch pulls a CUDA build.
$(VENV)/.torch: | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	touch $@

$(VENV)/.installed: pyproject.toml $(VENV)/.torch
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[local,dev]"
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test
	@command -v chromium >/dev/null || { echo "installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

serve: install
	$(BIN)/newsqa serve --host 127.0.0.1 --port 8000

test: install-test
	$(BIN)/python -m pytest -q

lint: install-test
	$(BIN)/ruff check .

bench: install-test
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/quality.py

clean:
	rm -rf .data .pytest_cache tests/artifacts
