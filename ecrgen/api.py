"""What each command does, as plain functions: the CLI parses arguments, calls one of these, prints."""

from __future__ import annotations

import hashlib
import importlib.metadata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ecrgen import config, policies, synth
from ecrgen.model import Account

ENGINE_PACKAGES = ("cdktf", "cdktf-cdktf-provider-aws", "constructs", "jsii")
PACKAGE_DIR = Path(__file__).parent


@dataclass(frozen=True)
class Checked:
    accounts: list[Account]
    policies: dict[tuple[str, str], str | None]


def validate(accounts_dir: Path, names: list[str] | None = None) -> Checked:
    """Every check that needs no synthesis: config, names, lifecycle rules, rendered policies."""
    accounts = config.load_accounts(accounts_dir, names)
    return Checked(accounts, policies.render_all(accounts, accounts_dir))


def listing(accounts_dir: Path) -> list[dict]:
    """One row per account: name, account id, region, environment, number of repositories."""
    return [{"name": a.name, "id": a.id, "region": a.region, "environment": a.environment,
             "repositories": len(a.repositories)} for a in config.load_accounts(accounts_dir)]


def synthesize(accounts_dir: Path, names: list[str] | None, out: Path, force: bool = False,
               progress: Callable[[str], None] = lambda _: None) -> list[synth.Result]:
    """Validate, then synthesize the accounts whose inputs or outputs changed, then write atomically."""
    checked = validate(accounts_dir, names)
    digests = {a.name: input_digest(a, accounts_dir) for a in checked.accounts}
    stale = [a for a in checked.accounts if force or not _up_to_date(out, a.name, digests[a.name])]
    results = [synth.Result(a.name, synth.stack_path(out, a.name), False) for a in checked.accounts if a not in stale]
    if stale:
        progress(f"synthesizing {len(stale)} of {len(checked.accounts)} accounts")
        texts = synth.render(stale, checked.policies)
        results += synth.write(out, texts, {name: digests[name] for name in texts})
    return sorted(results, key=lambda r: r.account)


def render_texts(accounts_dir: Path, names: list[str] | None) -> dict[str, str]:
    """The JSON every named account would get, without writing anything (for the drift check)."""
    checked = validate(accounts_dir, names)
    return synth.render(checked.accounts, checked.policies)


def input_digest(account: Account, accounts_dir: Path) -> str:
    """A hash of everything that decides an account's output: its file, the templates it uses, and
    the code and engine versions that turn them into JSON."""
    digest = hashlib.sha256(_code_digest().encode())
    digest.update(account.source)
    templates = policies.Templates(accounts_dir)
    for name in sorted({r.policy for r in account.repositories if r.policy}):
        digest.update(name.encode() + b"\0" + templates.source(name))
    return digest.hexdigest()


_CODE: list[str] = []


def _code_digest() -> str:
    if not _CODE:
        digest = hashlib.sha256()
        for package in ENGINE_PACKAGES:
            digest.update(f"{package}=={importlib.metadata.version(package)}\n".encode())
        for path in sorted(PACKAGE_DIR.rglob("*")):
            if path.suffix in (".py", ".j2", ".js") and "__pycache__" not in path.parts:
                digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0" + path.read_bytes())
        _CODE.append(digest.hexdigest())
    return _CODE[0]


def _up_to_date(out: Path, account: str, digest: str) -> bool:
    """The recorded input hash matches, and the output is byte-for-byte what was written then."""
    target = synth.stack_path(out, account)
    record = target.parent / synth.HASH_FILE
    try:
        recorded_input, recorded_output = record.read_text().split()
        return recorded_input == digest and hashlib.sha256(target.read_bytes()).hexdigest() == recorded_output
    except (OSError, ValueError):
        return False
