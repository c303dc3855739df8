"""What each command does, as plain functions: the CLI parses arguments, calls one of these, prints."""

from __future__ import annotations

import json
import os
import pickle
import re
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ecrgen import accounts, guard, incremental, synth
from ecrgen.errors import EcrgenError, Problem, show
from ecrgen.model import Account

# Below this many repositories one process is faster than starting a second Node.
PARALLEL_REPOSITORIES = 150


@dataclass(frozen=True)
class Checked:
    accounts: list[Account]  # their policies rendered (`policy_text`)
    warnings: tuple[Problem, ...] = ()  # worth a look, never a failure


def validate(accounts_dir: Path, names: list[str] | None = None) -> Checked:
    """Every check that needs no synthesis: config, names, lifecycle rules, template files and the
    policies of every valid account; the problems of every stage in one EcrgenError."""
    from ecrgen import config, policies

    loaded, problems = config.load_all(accounts_dir, names)
    try:
        rendered = policies.render_all(loaded, accounts_dir)
    except EcrgenError as error:
        problems, rendered = problems + list(error.problems), []
    if problems:
        raise EcrgenError(problems)
    return Checked(
        rendered, tuple(w for a in rendered for w in a.warnings) + tuple(policies.warnings(rendered))
    )


def listing(accounts_dir: Path) -> list[dict]:
    """One row per account: name, account id, region, environment, number of repositories."""
    from ecrgen import config

    return [
        {
            "name": a.name,
            "id": a.id,
            "region": a.region,
            "environment": a.environment,
            "repositories": len(a.repositories),
        }
        for a in config.load_accounts(accounts_dir)
    ]


class Progress:
    """Told what synthesis is doing; the CLI shows it (a bar on a terminal, plain lines in CI)."""

    def start(self, total: int, message: str) -> None: ...

    def done(self, accounts: list[str]) -> None: ...


def synthesize(
    accounts_dir: Path,
    names: list[str] | None,
    out: Path,
    force: bool = False,
    progress: Progress = Progress(),
    warn: Callable[[tuple[Problem, ...]], None] = lambda _: None,
) -> list[synth.Result]:
    """Synthesize the accounts whose inputs or outputs changed (all with `force`), then write them
    atomically. Unchanged accounts are recognised from file hashes alone, without parsing them; `warn`
    receives the warnings of the accounts validated."""
    check_environment()
    files = accounts.select(accounts_dir, names)
    sources = {name: accounts.read(path) for name, path in files.items()}
    templates = incremental.templates_digest(accounts_dir)
    digests = {name: incremental.input_digest(name, source, templates) for name, source in sources.items()}
    stale = [
        name for name in files if force or not incremental.fresh(synth.stack_path(out, name), digests[name])
    ]
    results = [
        synth.Result(name, synth.stack_path(out, name), "skipped") for name in files if name not in stale
    ]
    if not stale:
        write_manifest(accounts_dir, out)
        return results
    jobs = jobs_for(sum(sources[name].count(b"[[repository]]") for name in stale), len(stale))
    workers = [_start_worker() for _ in range(jobs)] if jobs > 1 else []
    try:
        checked = _validate_with(synth.obstacles(out, stale), accounts_dir, stale)
        folder_clashes(accounts_dir, checked.accounts)
        warn(checked.warnings + guard_removals(checked.accounts, out))
        progress.start(
            len(stale),
            f"synthesizing {len(stale)} of {len(files)} accounts"
            + (f" in {jobs} processes" if jobs > 1 else ""),
        )
        if workers:
            texts = render_parallel(checked, workers, progress.done)
        else:
            texts = synth.render(checked.accounts, lambda name: progress.done([name]))
    finally:  # a worker that is still running here (an error, Ctrl-C) has nothing left to do
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    results += synth.write(out, texts, {name: digests[name] for name in texts})
    write_manifest(accounts_dir, out)
    return sorted(results, key=lambda r: r.account)


def folder_clashes(accounts_dir: Path, validated: list[Account]) -> None:
    """EcrgenError for clashes between these accounts and the folder's other account files (which an
    incremental or named synth does not validate): what they create exists once per account or registry."""
    from ecrgen import config
    from ecrgen.clashes import clashes

    names = {account.name for account in validated}
    others = [name for name in accounts.account_files(accounts_dir) if name not in names]
    if not others:
        return
    loaded, _ = config.load_all(
        accounts_dir, others
    )  # the other files' own problems are theirs: not reported here
    files = [account.file for account in validated]
    problems = [
        p for p in clashes(validated + loaded) if p.file in files or any(f in p.message for f in files)
    ]
    if problems:
        raise EcrgenError(problems)


def guard_removals(loaded: list[Account], out: Path) -> tuple[Problem, ...]:
    """Refuse (EcrgenError) to write stacks that would delete or rename production repositories of the
    stacks already in `out`; else the warnings about protections these stacks drop."""
    problems, warnings = [], []
    for account in loaded:
        path = synth.stack_path(out, account.name)
        previous = synth.read_previous(path)
        if previous is not None:
            problems += guard.removals(account, previous, path.as_posix())
            warnings += guard.dropped_protections(account, previous, path.as_posix())
    if problems:
        raise EcrgenError(problems)
    return tuple(warnings)


def check_plan(accounts_dir: Path, name: str, plan_file: Path) -> int:
    """The plan guard for CI: EcrgenError naming each production repository the saved plan (JSON of
    `terraform show -json`) would delete or replace; else the number of repository changes checked."""
    from ecrgen import config

    (account,) = config.load_accounts(accounts_dir, [name])
    plan = read_plan(plan_file)
    problems = guard.plan_deletions(account, plan, plan_file.as_posix())
    if problems:
        raise EcrgenError(problems)
    return sum(1 for c in plan.get("resource_changes") or [] if c.get("type") == "aws_ecr_repository")


def read_plan(path: Path) -> dict:
    """A saved plan as `terraform show -json PLAN` prints it, or an EcrgenError saying what is wrong."""
    where = path.as_posix()
    try:
        plan = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise EcrgenError([Problem(where, "", f"cannot be read ({error.strerror or error})")]) from None
    except (ValueError, UnicodeDecodeError) as error:
        raise EcrgenError(
            [Problem(where, "", f"is not JSON ({error}); give the output of `terraform show -json PLANFILE`")]
        ) from None
    if (
        not isinstance(plan, dict)
        or "format_version" not in plan
        or not isinstance(plan.get("resource_changes", []), list)
    ):
        raise EcrgenError(
            [
                Problem(
                    where,
                    "",
                    "is not a Terraform plan in JSON; give the output of `terraform show -json PLANFILE`",
                )
            ]
        )
    return plan


def _validate_with(problems: list[Problem], accounts_dir: Path, names: list[str]) -> Checked:
    """`validate`, reporting these problems (of the output folder) together with its own."""
    try:
        checked = validate(accounts_dir, names)
    except EcrgenError as error:
        raise EcrgenError([*error.problems, *problems]) from None
    if problems:
        raise EcrgenError(problems)
    return checked


def write_manifest(accounts_dir: Path, out: Path) -> None:
    """CDKTF's `manifest.json`, listing every account of the folder whose stack is on disk, so the
    `cdktf` CLI (`cdktf list`, `diff STACK`, `deploy STACK`) works on ecrgen's output."""
    synth.write_manifest(
        out, [name for name in accounts.account_files(accounts_dir) if synth.stack_path(out, name).is_file()]
    )


def render_texts(accounts_dir: Path, names: list[str] | None) -> dict[str, str]:
    """The JSON every named account would get, without writing anything."""
    check_environment()
    checked = validate(accounts_dir, names)
    return synth.render(checked.accounts)


def check_drift(accounts_dir: Path, names: list[str] | None, out: Path):
    """What `synth` would change on disk (`ecrgen.drift.Report`); writes nothing."""
    from ecrgen import drift

    return drift.check_drift(accounts_dir, names, out)


def stale_stacks(accounts_dir: Path, out: Path) -> list[Path]:
    """Stack folders under `<out>/stacks/` whose account file is gone (their state may still hold resources)."""
    stacks = out / "stacks"
    known = accounts.account_files(accounts_dir)
    try:
        folders = sorted(p for p in stacks.iterdir() if p.is_dir() and not accounts.ignored(p.name))
    except OSError:  # no output yet, or not a folder: nothing is stale
        return []
    return [folder for folder in folders if folder.name not in known]


# The environment variables ecrgen reads, and what each accepts.
ENVIRONMENT = {
    "ECRGEN_JOBS": (
        re.compile(r"[0-9]*[1-9][0-9]*"),
        "a whole number of worker processes, 1 or more; unset it to let ecrgen choose",
    ),
    "ECRGEN_LAZY": (re.compile(r"[01]"), "0 (load the provider the ordinary way) or 1 (the default)"),
}


def check_environment() -> None:
    """Every environment variable ecrgen reads holds a value it understands (an empty one counts as unset)."""
    problems = [
        Problem(name, "", f"{show(os.environ[name])} is not allowed ({allowed})")
        for name, (pattern, allowed) in ENVIRONMENT.items()
        if os.environ.get(name) and not pattern.fullmatch(os.environ[name])
    ]
    if problems:
        raise EcrgenError(problems)


def jobs_for(repositories: int, stale: int) -> int:
    """Worker processes worth starting: one per core for large runs (ECRGEN_JOBS overrides)."""
    if os.environ.get("ECRGEN_JOBS"):
        return max(1, min(int(os.environ["ECRGEN_JOBS"]), stale))
    return max(1, min(os.cpu_count() or 1, stale)) if repositories >= PARALLEL_REPOSITORIES else 1


def _start_worker() -> subprocess.Popen:
    """A `python -O -m ecrgen.worker`: it starts Node while this process validates."""
    return subprocess.Popen(
        [sys.executable, "-O", "-m", "ecrgen.worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def render_parallel(
    checked: Checked, workers: list[subprocess.Popen], done: Callable[[list[str]], None] = lambda _: None
) -> dict[str, str]:
    """Split the accounts into shares of similar size, one per started worker, and collect the JSON."""
    shares: list[list[Account]] = [[] for _ in workers]
    weights = [0] * len(workers)
    for account in sorted(checked.accounts, key=lambda a: (-len(a.repositories), a.name)):
        lightest = weights.index(min(weights))
        shares[lightest].append(account)
        weights[lightest] += len(account.repositories) + 5

    def run(worker: subprocess.Popen, share: list[Account]) -> dict[str, str]:
        names = {a.name for a in share}
        stdout, stderr = worker.communicate(pickle.dumps(share))
        if worker.returncode != 0:
            raise RuntimeError(
                f"ecrgen worker failed ({worker.returncode}):\n{stderr.decode(errors='replace')}"
            )
        done(sorted(names))
        return json.loads(stdout)

    pool = ThreadPoolExecutor(len(workers))
    try:
        parts = list(pool.map(run, workers, shares))
    finally:  # on Ctrl-C do not wait for the threads: the caller stops their workers
        pool.shutdown(wait=False, cancel_futures=True)
    return {name: text for part in parts for name, text in sorted(part.items())}


def account_schema() -> dict:
    """The account file's JSON Schema, generated from the models (for editors: taplo, Even Better TOML)."""
    from ecrgen.editors import account_schema as generate

    return generate()


WORKFLOW_TEMPLATE = Path(__file__).parent / "templates" / "github-workflow.yml"
WORKFLOW_PATH = Path(".github") / "workflows" / "ecrgen.yml"


def default_package() -> str:
    """How the workflow installs ecrgen when not told: this exact version from the package index."""
    from ecrgen import __version__

    return f"ecrgen=={__version__}"


def workflow_text(package: str) -> str:
    """The shipped GitHub workflow, installing ecrgen with `pip install PACKAGE`."""
    if not package.strip() or any(c in package for c in '"\n\\$`'):
        raise EcrgenError(
            [
                Problem(
                    "--package",
                    "",
                    f"{package!r} is not a pip requirement or path "
                    '(e.g. ecrgen==0.1.0 or "ecrgen @ git+https://github.com/ORG/ecrgen@TAG")',
                )
            ]
        )
    return WORKFLOW_TEMPLATE.read_text(encoding="utf-8").replace("__ECRGEN_PACKAGE__", package)


def init_ci(root: Path, package: str, force: bool = False) -> tuple[Path, bool]:
    """Write `.github/workflows/ecrgen.yml` under `root`; an existing, different file only with `force`.
    Returns the path and whether it was written."""
    target = root / WORKFLOW_PATH
    text = workflow_text(package)
    if target.is_file() and target.read_text(encoding="utf-8") != text and not force:
        raise EcrgenError(
            [
                Problem(
                    str(target),
                    "",
                    "exists and differs from ecrgen's workflow; "
                    "use --force to replace it (read the diff first)",
                )
            ]
        )
    return target, synth.write_file(target, text, option="--dir")
