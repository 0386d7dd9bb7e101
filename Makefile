# Every target that runs code first makes sure the virtual environment exists and is up to date.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: install train test test-fast lint bench clean

$(INSTALLED): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(INSTALLED)

## Default experiment (SwishSign MLP on the embedded digits, W&B offline); extra overrides: make train ARGS="quantizer=sign"
train: $(INSTALLED)
	$(PY) train.py $(ARGS)

## Whole suite, slow end-to-end tests included
test: $(INSTALLED)
	$(PY) -m pytest $(ARGS)

test-fast: $(INSTALLED)
	$(PY) -m pytest -m "not slow" $(ARGS)

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(INSTALLED)
	$(PY) -m benchmarks $(ARGS)

clean:
	rm -rf logs .pytest_cache .ruff_cache
