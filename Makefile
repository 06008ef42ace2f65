# Two entry points for a newcomer: `make demo` (the whole assignment loop) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# One BLAS thread: the matrices here are small, and two threads fight over the two cores.
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: setup demo test bench release clean

setup: $(STAMP)

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

demo: setup
	$(PY) -m demo

test: setup
	$(PY) -m pytest -n 2

bench: setup
	$(PY) -m benchmarks

release: setup
	$(PY) -m course build

clean:
	rm -rf $(VENV) build out
