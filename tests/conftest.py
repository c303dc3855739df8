"""Shared fixtures: account folders in tmp_path, and one synthesis of the examples per test session."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "accounts"
GOLDEN = Path(__file__).parent / "golden"
EXAMPLE_ID, REORDERED_ID = "123456789012", "123456789013"

MINIMAL = """
[account]
id = "123456789012"
region = "us-east-1"
environment = "{environment}"
project = "demo"
"""


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite tests/golden/ from the current output (read the diff before committing).",
    )


@pytest.fixture
def accounts(tmp_path, monkeypatch):
    """Write account files: accounts(name=toml_text, ...) -> the accounts folder. The cwd is tmp_path,
    so messages show the relative path accounts/<name>.toml."""
    folder = tmp_path / "accounts"
    folder.mkdir()
    monkeypatch.chdir(tmp_path)

    def write(**files: str) -> Path:
        for name, text in files.items():
            (folder / f"{name}.toml").write_text(textwrap.dedent(text))
        return Path("accounts")

    return write


def minimal(environment: str = "production", extra: str = "") -> str:
    return MINIMAL.format(environment=environment) + textwrap.dedent(extra)


def repository_policies(accounts) -> dict[tuple[str, str], str | None]:
    """(account, repository) -> rendered policy (None: it grants nothing), for every repository that
    names a policy template, read from accounts as `ecrgen.policies.render_all` returns them."""
    return {
        (account.name, repo.name): repo.policy_text
        for account in accounts
        for repo in account.repositories
        if repo.policy is not None
    }


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory):
    """One synthesis for the whole session: the two examples, a reordered copy of the production
    example (addresses must not depend on positions), tests/accounts/edge.toml and synth-only/ownership.toml.
    Returns {account: parsed JSON}."""
    from ecrgen import commands

    work = tmp_path_factory.mktemp("synth")
    shutil.copytree(EXAMPLES, work / "accounts")
    shutil.copytree(ROOT / "iam_policies", work / "iam_policies")
    # Another AWS account and state: two files for one account and region, or one state, would clash.
    reordered = (
        reorder(EXAMPLES / "example_account.toml")
        .replace(f'id = "{EXAMPLE_ID}"', f'id = "{REORDERED_ID}"')
        .replace("ecr/example_account.tfstate", "ecr/reordered.tfstate")
    )
    (work / "accounts" / "reordered.toml").write_text(reordered)
    for extra in ("edge.toml", "synth-only/ownership.toml"):
        shutil.copy(Path(__file__).parent / "accounts" / extra, work / "accounts")
    results = commands.synthesize(work / "accounts", None, work / "cdktf.out")
    return {r.account: json.loads(r.path.read_text()) for r in results} | {"_out": work / "cdktf.out"}


def reorder(path: Path) -> str:
    """The account file with its [[repository]] blocks in reverse order and one repository added."""
    return reorder_text(path.read_text())


def reorder_text(text: str) -> str:
    """Account file text with its [[repository]] blocks in reverse order and one repository added."""
    head, *blocks = text.split("[[repository]]")
    tail_start = blocks[-1].find("\n[role]")
    last, tail = blocks[-1][:tail_start], blocks[-1][tail_start:]
    blocks[-1] = last
    added = '\nname = "inserted"\n\n'
    return head + "".join("[[repository]]" + b for b in reversed(blocks + [added])) + tail


# The tiers (docs/development.md, "Tests"): `make test` runs all but `slow`; `make test-fast` leaves out `terraform`
# and `node` too; `make test-slow` runs `slow` alone.
MARKERS = {
    "terraform": "runs real Terraform against moto (tests/test_terraform*.py)",
    "node": "starts Node: CDKTF synthesis through jsii, or Node itself (left out by make test-fast)",
    "slow": "a proof at fleet size or through the ordinary (non-lazy) import path: make test-slow only",
}
# Fixtures that synthesize with CDKTF (Node): a test using one is marked `node` at collection.
NODE_FIXTURES = frozenset({"synthesized", "stacks"})
# Set by `make test-fast`, the edit loop: Node is replaced by a stand-in that records each start and
# fails (a test that started it fails, naming the mark it lacks), and property tests try a tenth of
# their examples (`examples`).
FAST = "ECRGEN_TEST_FAST"


# Health checks a property test here may fail for reasons other than its property: fixtures shared
# across examples (each example resets what it uses), and input generation that is slow only because
# the machine is busy (pytest workers, Terraform and moto beside it).
HEALTH_CHECKS_OFF = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
settings.register_profile("ecrgen", suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ecrgen")


def examples(count: int) -> int:
    """A property test's number of examples: `count` in `make test`, a tenth (at least 10) in
    `make test-fast`."""
    return max(10, count // 10) if os.environ.get(FAST) else count


# Set by .ci/run: the run fails when Terraform and the mirror are here but no Terraform-tier test ran.
REQUIRE_TERRAFORM = "ECRGEN_REQUIRE_TERRAFORM_TIER"
TIER_EMPTY = pytest.StashKey[bool]()


def pytest_configure(config):
    for name, text in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {text}")
    if not os.environ.get(FAST):
        return
    if not hasattr(config, "workerinput"):  # xdist workers and every subprocess inherit JSII_NODE
        stand_in = Path(tempfile.mkdtemp(prefix="ecrgen-no-node-")) / "node"
        stand_in.write_text(
            '#!/bin/sh\necho "$$ $*" >> "${ECRGEN_NODE_LOG:-/dev/null}"\n'
            "echo 'make test-fast: Node is not started here (mark the test node)' >&2\nexit 97\n"
        )
        stand_in.chmod(0o755)
        os.environ["JSII_NODE"] = str(stand_in)
    worker = getattr(config, "workerinput", {}).get("workerid", "main")
    os.environ["ECRGEN_NODE_LOG"] = f"{os.environ['JSII_NODE']}-{worker}.log"


def pytest_unconfigure(config):
    """The stand-in Node's folder (and the workers' logs in it) goes once the whole run is over."""
    if os.environ.get(FAST) and not hasattr(config, "workerinput") and os.environ.get("JSII_NODE"):
        folder = Path(os.environ["JSII_NODE"]).parent
        if folder.name.startswith("ecrgen-no-node-"):
            shutil.rmtree(folder, ignore_errors=True)


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects
def pytest_collection_modifyitems(config, items):
    """Mark the tests that synthesize through a Node fixture `node`; then order the files by their
    costliest tier (Terraform, then Node, then the rest; a file's tests stay together, and so do its
    fixtures), so that xdist, handing out tests a few at a time (`--maxschedchunk`), starts the long
    ones first instead of leaving them for last."""
    for item in items:
        if NODE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.node)
    tier: dict[Path, int] = {}
    for item in items:
        cost = 0 if item.get_closest_marker("terraform") else 1 if item.get_closest_marker("node") else 2
        tier[item.path] = min(cost, tier.get(item.path, cost))
    items.sort(key=lambda item: tier[item.path])


@pytest.fixture(autouse=True)
def _no_node_started(request):
    """Under `make test-fast`: a test that started Node (the stand-in ran) fails, naming the mark."""
    if not os.environ.get(FAST):
        yield
        return
    log = Path(os.environ["ECRGEN_NODE_LOG"])
    before = log.stat().st_size if log.exists() else 0
    yield
    if log.exists() and log.stat().st_size > before:
        pytest.fail(f"{request.node.nodeid} started Node: mark it `node` (or use a NODE_FIXTURES fixture)")


def terraform_tier(stats) -> dict[str, int]:
    """How many Terraform-tier tests passed, failed (or errored) and were skipped, from pytest's stats."""
    counts = {}
    for outcome in ("passed", "failed", "error", "skipped"):
        counts[outcome] = sum(
            1 for report in stats.get(outcome, []) if "terraform" in getattr(report, "keywords", {})
        )
    return counts


def pytest_sessionfinish(session):
    """With ECRGEN_REQUIRE_TERRAFORM_TIER=1 (.ci/run) on a machine with Terraform and the mirror, a run in
    which no Terraform-tier test ran fails: a skip, a deselection or a collection change cannot pass CI
    silently. (Without Terraform or the mirror, the tier's one skip reason line says so.)"""
    from terraform_harness import missing

    if not os.environ.get(REQUIRE_TERRAFORM) or hasattr(session.config, "workerinput") or missing():
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    counts = terraform_tier(reporter.stats if reporter else {})
    if counts["passed"] + counts["failed"] + counts["error"] == 0:
        session.config.stash[TIER_EMPTY] = True
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, config):
    """One line saying how many Terraform-tier tests ran (CI prints it), and why an empty tier failed."""
    counts = terraform_tier(terminalreporter.stats)
    ran = counts["passed"] + counts["failed"] + counts["error"]
    terminalreporter.write_line(
        f"Terraform tier: {ran} test(s) ran ({counts['passed']} passed, "
        f"{counts['failed'] + counts['error']} failed, {counts['skipped']} skipped)"
    )
    if config.stash.get(TIER_EMPTY, False):
        terminalreporter.write_line(
            f"Terraform tier: FAILED: {REQUIRE_TERRAFORM} is set and Terraform with the provider mirror is "
            "here, but no Terraform-tier test ran",
            red=True,
        )


@pytest.fixture(scope="session")
def moto_servers(tmp_path_factory):
    """The Terraform tier's AWS: one moto server per AWS account for the session (per pytest worker),
    with the providers attached to it; all stopped at the end."""
    servers: dict = {}
    yield servers, tmp_path_factory.mktemp("moto")
    for server in servers.values():
        server.stop()


@pytest.fixture
def moto(moto_servers):
    """start(account_id) -> the account's moto server, emptied (moto's reset) the first time a test asks."""
    from terraform_harness import MotoServer

    servers, logs = moto_servers
    emptied: set[str] = set()

    def start(account_id: str):
        if account_id not in servers:
            servers[account_id] = MotoServer(account_id, logs / f"moto-{account_id}.log")
        if account_id not in emptied:
            servers[account_id].reset()
            emptied.add(account_id)
        return servers[account_id]

    return start
