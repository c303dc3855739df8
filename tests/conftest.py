"""Shared fixtures: account folders in tmp_path, and one synthesis of the examples per test session."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

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
    from ecrgen import api

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
    results = api.synthesize(work / "accounts", None, work / "cdktf.out")
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


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "terraform: runs real Terraform against moto (tests/test_terraform.py)"
    )


def pytest_terminal_summary(terminalreporter):
    """One line saying how many Terraform-tier tests ran (CI prints it)."""
    counts = {}
    for outcome in ("passed", "failed", "error", "skipped"):
        counts[outcome] = sum(
            1
            for report in terminalreporter.stats.get(outcome, [])
            if "terraform" in getattr(report, "keywords", {})
        )
    ran = counts["passed"] + counts["failed"] + counts["error"]
    terminalreporter.write_line(
        f"Terraform tier: {ran} test(s) ran ({counts['passed']} passed, "
        f"{counts['failed'] + counts['error']} failed, {counts['skipped']} skipped)"
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
