"""Every check that needs no synthesis: the accounts validated with their policies rendered, clashes
with the folder's other accounts, the removal guard against the stacks on disk, the plan guard. How
account files are loaded is given (`ecrgen.config.load.load_all`, by `ecrgen.commands`); which files
there are comes from `ecrgen.config.files`."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from ecrgen import drift, fleet, guard, output, plan_guard, protections
from ecrgen.config import clashes, files
from ecrgen.config.model import Account
from ecrgen.errors import EcrgenError, Problem

# The named accounts (all when None) that are valid, and every problem of the others.
Load = Callable[[Path, list[str] | None], tuple[list[Account], list[Problem]]]
# Account name -> the claims (`config.clashes.to_json`) an earlier synth kept for its file as it is now.
Known = Mapping[str, str]


@dataclass(frozen=True)
class Checked:
    """Valid accounts, their policies rendered (`policy_text`), and what is worth a look."""

    accounts: list[Account]
    warnings: tuple[Problem, ...] = ()  # worth a look, never a failure


def validate(
    load: Load, accounts_dir: Path, names: list[str] | None = None, known: Known | None = None
) -> Checked:
    """Every check that needs no synthesis: config, names, lifecycle rules, template files and the
    policies of every valid account, clashes and fleet checks against the folder's other files; the
    problems of every stage in one EcrgenError. `known`: what an earlier synth kept of other account
    files (`kept`), so that they need not be loaded again."""
    from ecrgen.policies import render

    loaded, problems = load(accounts_dir, names)
    others = Others(load, accounts_dir, names, known or {})
    problems += others.clashes(loaded)
    try:
        rendered = render.render_all(loaded, accounts_dir)
    except EcrgenError as error:
        problems, rendered = problems + list(error.problems), []
    if problems:
        raise EcrgenError(problems)
    errors, warned = others.across_fleet(rendered)
    if errors:
        raise EcrgenError(errors)
    return Checked(
        rendered,
        tuple(w for a in rendered for w in a.warnings) + tuple(render.warnings(rendered)) + tuple(warned),
    )


def kept(account: Account) -> str:
    """What a synth keeps beside an account's output for later runs' checks of other files: its clash
    claims and its fleet facts (its policies rendered), as one JSON text."""
    return json.dumps(
        {
            "clashes": clashes.to_json(clashes.claims_of(account)),
            "fleet": fleet.to_json(fleet.facts_of(account)),
        }
    )


class Others:
    """The folder's other account files, seen from a check of the named accounts (none when all are
    checked): their clash claims and fleet facts, from what an earlier synth kept for each file as it is
    now (`known`), else from the file, loaded (and rendered) once. Their own problems are theirs: not
    reported here."""

    def __init__(self, load: Load, accounts_dir: Path, names: list[str] | None, known: Known):
        self.load, self.accounts_dir = load, accounts_dir
        every = files.account_files(accounts_dir) if names else {}
        self.paths = {name: path for name, path in every.items() if name not in (names or [])}
        self.known = {name: _parse_kept(known[name]) for name in self.paths if name in known}
        self._loaded: list[Account] | None = None

    def _files(self) -> list[Account]:
        """The other files no kept facts stand for, loaded once."""
        if self._loaded is None:
            missing = [name for name in self.paths if self.known.get(name) is None]
            self._loaded = self.load(self.accounts_dir, missing)[0] if missing else []
        return self._loaded

    def clashes(self, validated: list[Account]) -> list[Problem]:
        """Clashes between these accounts and the other files: what they create exists once per account
        or registry."""
        if not self.paths:
            return []
        kept = [(name, facts) for name in self.paths if (facts := self.known.get(name)) is not None]
        everyone = [clashes.claims_of(a) for a in validated + self._files()] + [
            replace(facts[0], file=str(self.paths[name])) for name, facts in kept
        ]
        return _about(clashes.clashes_among(everyone), validated)

    def across_fleet(self, rendered: list[Account]) -> tuple[list[Problem], list[Problem]]:
        """The fleet checks (`ecrgen.fleet`) of these accounts with the other files (errors, warnings),
        those about these accounts' files or naming them (another file a change of these breaks)."""
        from ecrgen.policies import render

        others = []
        for account in self._files():
            try:
                others += render.render_all([account], self.accounts_dir)
            except EcrgenError:  # that file's own problem
                continue
        facts = [fleet.facts_of(a) for a in rendered + others] + [
            replace(kept[1], file=str(self.paths[name]))
            for name in self.paths
            if (kept := self.known.get(name)) is not None
        ]
        errors, warned = fleet.check(facts)
        return _about(errors, rendered), _about(warned, rendered)


def _parse_kept(text: str) -> tuple[clashes.Claims, fleet.Facts] | None:
    """(clash claims, fleet facts) from a `kept` text (their files filled in by the caller), or None."""
    try:
        document = json.loads(text)
        claims, facts = clashes.from_json(document["clashes"], ""), fleet.from_json(document["fleet"], "")
    except (ValueError, KeyError, TypeError):
        return None
    return (claims, facts) if claims is not None and facts is not None else None


def _about(found: list[Problem], accounts: list[Account]) -> list[Problem]:
    """The problems about these accounts' files, or naming them."""
    own = [account.file for account in accounts]
    return [p for p in found if p.file in own or any(f in p.message for f in own)]


def for_synth(
    load: Load, accounts_dir: Path, names: list[str], out: Path, known: Known | None = None
) -> tuple[list[Account], tuple[Problem, ...]]:
    """The accounts `synth` is about to write, validated together with what would stop writing them,
    checked for clashes with the folder's other accounts (their `known` claims, else their files) and
    against the stacks already in `out`; and every warning."""
    problems = output.obstacles(out, names)
    try:
        checked = validate(load, accounts_dir, names, known)
    except EcrgenError as error:
        raise EcrgenError([*error.problems, *problems]) from None
    if problems:
        raise EcrgenError(problems)
    foreign = tuple(
        Problem(path.as_posix(), "", drift.FOREIGN)
        for account in checked.accounts
        for path in drift.foreign_files(output.stack_path(out, account.name).parent)
    )
    return checked.accounts, checked.warnings + guard_removals(checked.accounts, out) + foreign


def guard_removals(loaded: list[Account], out: Path) -> tuple[Problem, ...]:
    """Refuse (EcrgenError) to write stacks that would delete or rename deployed production repositories
    of the stacks already in `out`; else the warnings about protections these stacks drop."""
    problems, warnings = [], []
    for account in loaded:
        path = output.stack_path(out, account.name)
        previous, state = read_previous(path), deployed(account, path.parent)
        if previous is not None or state is not None and state.names:
            refused, warned = guard.removals(account, previous or {}, path.as_posix(), state)
            problems += refused
            warnings += warned + guard.dropped_protections(account, previous or {}, path.as_posix())
    if problems:
        raise EcrgenError(problems)
    return tuple(warnings)


def deployed(account: Account, folder: Path) -> guard.State | None:
    """What a local state in the stack folder holds: nothing without a state file (nothing was applied).
    None (unknown) for a remote state, which ecrgen does not read offline, or a local one it cannot read
    (then the previous output is the evidence). The local backend keeps a non-default workspace's state
    in `terraform.tfstate.d/<WORKSPACE>/terraform.tfstate` (whatever `path` says); every workspace counts:
    https://developer.hashicorp.com/terraform/language/backend/local"""
    if account.backend.type != "local":
        return None
    default = folder / account.backend.path
    paths = [p for p in [default, *sorted(folder.glob(WORKSPACE_STATES))] if p.is_file()]
    if not paths:
        return guard.State(default.as_posix(), {})
    states = []
    for path in paths:
        state = read_previous(path)
        if state is None:
            return None
        states.append(guard.deployed_repositories(state, path.as_posix()))
    if len(states) == 1:
        return states[0]
    held = [s for s in states if s.names] or states
    return guard.State(
        " and ".join(s.where for s in held),
        {addr: name for s in reversed(held) for addr, name in s.names.items()},
        frozenset().union(*(s.guarded for s in held)),
    )


WORKSPACE_STATES = "terraform.tfstate.d/*/terraform.tfstate"


def read_previous(path: Path) -> dict | None:
    """A JSON document written before (the stack, a state), or None when there is none or it cannot be
    read as a JSON object."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return document if isinstance(document, dict) else None


@dataclass(frozen=True)
class PlanChecked:
    """A plan `check-plan` lets through: repository changes checked, repositories imported, warnings."""

    changes: int
    imported: int
    warnings: tuple[Problem, ...] = ()


def check_plan(
    load: Load, accounts_dir: Path, name: str, plan_file: Path, migration: bool = False
) -> PlanChecked:
    """The plan guard for CI: EcrgenError naming each guarded repository the saved plan (JSON of
    `terraform show -json`) would delete or replace (and, in a `migration`, create); else what was
    checked, with the protections the plan takes away from guarded repositories as warnings."""
    loaded, problems = load(accounts_dir, [name])
    if problems:
        raise EcrgenError(problems)
    (account,) = loaded
    plan = read_plan(plan_file)
    problems = plan_guard.plan_deletions(account, plan, plan_file.as_posix(), migration)
    if problems:
        raise EcrgenError(problems)
    changes = plan_guard.repository_changes(plan)
    dropped = protections.dropped(changes, plan_file.as_posix())
    return PlanChecked(len(changes), plan_guard.imported(plan), tuple(dropped))


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
        or "planned_values" not in plan  # `terraform show -json` of a state has none
        or not isinstance(plan.get("resource_changes", []), list)
        or not all(isinstance(change, dict) for change in plan.get("resource_changes") or [])
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
    if plan.get("errored") is True:  # Terraform writes a plan file even when planning failed
        raise EcrgenError(
            [
                Problem(
                    where,
                    "",
                    "is a plan that errored (Terraform stopped planning half-way, so it does not show every "
                    "change); fix the error `terraform plan` printed and plan again",
                )
            ]
        )
    return plan
