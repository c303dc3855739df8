"""Every check that needs no synthesis: the accounts validated with their policies rendered, clashes
with the folder's other accounts, the removal guard against the stacks on disk. How
account files are loaded is given (`ecrgen.config.load.load_all`, by `ecrgen.commands`); which files
there are comes from `ecrgen.config.files`."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from ecrgen import drift, fleet, guard, output
from ecrgen.config import clashes, files
from ecrgen.config.model import Account
from ecrgen.errors import EcrgenError, Problem

# The named accounts (all when None) that are valid, and every problem of the others (the clashes among
# them are checked here, `validate`: it may load a folder part by part).
Load = Callable[[Path, list[str] | None], tuple[list[Account], list[Problem]]]
# Account name -> the claims (`config.clashes.to_json`) an earlier synth kept for its file as it is now.
Known = Mapping[str, str]


@dataclass(frozen=True)
class Checked:
    """Valid accounts, their policies rendered (`policy_text`), and what is worth a look."""

    accounts: list[Account]
    warnings: tuple[Problem, ...] = ()  # worth a look, never a failure
    claims: tuple[clashes.Claims, ...] = ()  # of every file checked or seen (the folder's other files)


# Accounts loaded, checked and rendered at once: a synth of thousands of accounts keeps only what the
# fleet-wide checks need of each (its clash claims and fleet facts), and hands each part's rendered
# accounts on (`keep`) rather than holding every model (issue 24: bounded memory).
PART = 200


def validate(
    load: Load,
    accounts_dir: Path,
    names: list[str] | None = None,
    known: Known | None = None,
    keep: Callable[[list[Account]], None] | None = None,
) -> Checked:
    """Every check that needs no synthesis: config, names, lifecycle rules, template files and the
    policies of every valid account, clashes and fleet checks against the folder's other files; the
    problems of every stage in one EcrgenError. `known`: what an earlier synth kept of other account
    files (`kept`), so that they need not be loaded again. The accounts are checked PART at a time; with
    `keep`, each part's rendered accounts go to it (while no problem is known: it may still be raised
    later, so `keep` must not act on them) and `Checked.accounts` is empty."""
    found = _Found()
    others = Others(load, accounts_dir, names, known or {})
    chosen = list(files.select(accounts_dir, names))
    for start in range(0, len(chosen), PART):
        found.part(load, accounts_dir, chosen[start : start + PART], keep)
    problems = (
        found.problems
        + clashes.clashes_among(found.claims)
        + others.clashes(found.claims, found.files)
        + list(dict.fromkeys(found.render_problems))  # a broken template file once, not once per part
    )
    if problems:
        raise EcrgenError(problems)
    errors, warned = others.across_fleet(found.facts, found.files)
    if errors:
        raise EcrgenError(errors)
    unread = files.not_read(accounts_dir) if names is None else []
    warnings = tuple(unread + found.warnings + found.policy_warnings + warned)
    return Checked(found.accounts, warnings, tuple(found.claims + others.claims()))


@dataclass
class _Found:
    """What `validate` found so far, part by part: problems, and of the accounts only what the checks
    across all of them need (and the accounts themselves when nobody `keep`s them)."""

    problems: list[Problem] = field(default_factory=list)
    render_problems: list[Problem] = field(default_factory=list)
    claims: list[clashes.Claims] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    facts: list[fleet.Facts] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    policy_warnings: list[Problem] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)

    def part(
        self, load: Load, accounts_dir: Path, names: list[str], keep: Callable[[list[Account]], None] | None
    ) -> None:
        """Load, check and render these accounts; once any problem is known, only look for more."""
        from ecrgen.policies import render

        loaded, problems = load(accounts_dir, names)
        self.problems += problems
        self.claims += [clashes.claims_of(account) for account in loaded]
        self.files += [account.file for account in loaded]
        try:
            rendered = render.render_all(loaded, accounts_dir)
        except EcrgenError as error:
            self.render_problems += error.problems
            return
        if self.problems or self.render_problems:
            return  # nothing will be synthesized or warned about: only the problems are wanted now
        self.facts += [fleet.facts_of(account) for account in rendered]
        self.warnings += [warning for account in rendered for warning in account.warnings]
        self.policy_warnings += render.warnings(rendered)
        if keep is None:
            self.accounts += rendered
        else:
            keep(rendered)


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
    now (`known`), else from the file, loaded (and rendered) once, PART files at a time, keeping only
    their claims and facts. Their own problems are theirs: not reported here."""

    def __init__(self, load: Load, accounts_dir: Path, names: list[str] | None, known: Known):
        self.load, self.accounts_dir = load, accounts_dir
        every = files.account_files(accounts_dir) if names else {}
        self.paths = {name: path for name, path in every.items() if name not in (names or [])}
        self.known = {name: _parse_kept(known[name]) for name in self.paths if name in known}
        self._seen: tuple[list[clashes.Claims], list[fleet.Facts]] | None = None
        self.unread: list[str] = []  # the files `_files` found that do not load (their own problems)

    def _files(self) -> tuple[list[clashes.Claims], list[fleet.Facts]]:
        """The claims of the other files no kept facts stand for, and the fleet facts of those whose
        policies render; loaded once."""
        from ecrgen.policies import render

        if self._seen is None:
            self._seen = ([], [])
            missing = [name for name in self.paths if self.known.get(name) is None]
            for start in range(0, len(missing), PART):
                part = missing[start : start + PART]
                loaded = self.load(self.accounts_dir, part)[0]
                names = {account.name for account in loaded}
                self.unread += [str(self.paths[name]) for name in part if name not in names]
                for account in loaded:
                    self._seen[0].append(clashes.claims_of(account))
                    try:
                        self._seen[1].extend(
                            map(fleet.facts_of, render.render_all([account], self.accounts_dir))
                        )
                    except EcrgenError:  # that file's own problem
                        continue
        return self._seen

    def claims(self) -> list[clashes.Claims]:
        """The clash claims of the other files (none when all files are checked)."""
        if not self.paths:
            return []
        kept = [(name, facts) for name in self.paths if (facts := self.known.get(name)) is not None]
        return self._files()[0] + [replace(facts[0], file=str(self.paths[name])) for name, facts in kept]

    def clashes(self, claims: list[clashes.Claims], own: list[str]) -> list[Problem]:
        """Clashes between the checked accounts (their `claims`, of the files `own`) and the other files:
        what they create exists once per account or registry."""
        if not self.paths:
            return []
        return _about(clashes.clashes_among(claims + self.claims()), own)

    def across_fleet(self, facts: list[fleet.Facts], own: list[str]) -> tuple[list[Problem], list[Problem]]:
        """The fleet checks (`ecrgen.fleet`) of the checked accounts (their rendered `facts`, of the files
        `own`) with the other files (errors, warnings), those about these accounts' files or naming them
        (another file a change of these breaks)."""
        everyone = (
            facts
            + (self._files()[1] if self.paths else [])
            + [
                replace(kept[1], file=str(self.paths[name]))
                for name in self.paths
                if (kept := self.known.get(name)) is not None
            ]
        )
        errors, warned = fleet.check(everyone)
        return _about(errors, own), _about(warned, own)


def other_claims(load: Load, accounts_dir: Path, name: str) -> tuple[list[clashes.Claims], list[str]]:
    """The clash claims of the folder's account files other than `name`'s, and those of its files that
    do not load (whose claims are unknown)."""
    others = Others(load, accounts_dir, [name], {})
    return others.claims(), others.unread


def _parse_kept(text: str) -> tuple[clashes.Claims, fleet.Facts] | None:
    """(clash claims, fleet facts) from a `kept` text (their files filled in by the caller), or None."""
    try:
        document = json.loads(text)
        claims, facts = clashes.from_json(document["clashes"], ""), fleet.from_json(document["fleet"], "")
    except (ValueError, KeyError, TypeError):
        return None
    return (claims, facts) if claims is not None and facts is not None else None


def _about(found: list[Problem], own: list[str]) -> list[Problem]:
    """The problems about these account files, or naming them."""
    return [p for p in found if p.file in own or any(f in p.message for f in own)]


def for_synth(
    load: Load,
    accounts_dir: Path,
    names: list[str],
    out: Path,
    known: Known | None = None,
    keep: Callable[[list[Account]], None] | None = None,
) -> tuple[list[Account], tuple[Problem, ...]]:
    """The accounts `synth` is about to write, validated together with what would stop writing them,
    checked for clashes with the folder's other accounts (their `known` claims, else their files) and
    against the stacks already in `out`; and every warning. With `keep`, each part of the accounts goes
    to it as it is checked (`validate`) and none is returned."""
    problems = output.obstacles(out, names)
    guarded = _Guarded(out)

    def checked_part(accounts: list[Account]) -> None:
        guarded.check(accounts)
        if not problems:  # else nothing will be written: `keep` would only meet the same obstacles
            (keep or guarded.accounts.extend)(accounts)

    try:
        checked = validate(load, accounts_dir, names, known, checked_part)
    except EcrgenError as error:  # every problem at once: the guard's refusals of the parts checked too
        raise EcrgenError([*error.problems, *problems, *guarded.refused], guarded.warnings) from None
    if problems:
        raise EcrgenError([*problems, *guarded.refused], checked.warnings + tuple(guarded.warnings))
    refused, warned = guarded.deleted_elsewhere(list(checked.claims))
    warnings = checked.warnings + tuple(guarded.warnings + warned + guarded.foreign)
    if guarded.refused or refused:
        raise EcrgenError(guarded.refused + refused, warnings)
    return guarded.accounts, warnings


@dataclass
class _Guarded:
    """The removal guard (`_guard`) and the files in the way (`drift.foreign_files`) of the accounts a
    synth checks, part by part; the accounts themselves (`accounts`) when `for_synth` has no `keep`.
    `deleting`: what each account's apply would delete unguarded (`guard.deletions`), for the check
    against the other files (`deleted_elsewhere`), and whether its state is remote (then only a warning:
    `check-plan` judges the real plan)."""

    out: Path
    refused: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    foreign: list[Problem] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    deleting: list[tuple[clashes.Claims, bool]] = field(default_factory=list)

    def check(self, accounts: list[Account]) -> None:
        """Guard these accounts' stacks (refusals and warnings are collected, raised by `for_synth`)."""
        for account in accounts:
            refused, warned, deleting = _guard(account, self.out)
            self.refused += refused
            self.warnings += warned
            if deleting is not None and deleting[0].claims:
                self.deleting.append(deleting)
        self.foreign += [
            Problem(path.as_posix(), "", drift.FOREIGN)
            for account in accounts
            for path in drift.foreign_files(output.stack_path(self.out, account.name).parent)
        ]

    def deleted_elsewhere(self, everyone: list[clashes.Claims]) -> tuple[list[Problem], list[Problem]]:
        """Refusals and warnings (remote state): repositories an account's apply would delete while
        another file of the same registry (of `everyone`'s claims) makes them."""
        local = clashes.deleted_elsewhere([d for d, remote in self.deleting if not remote], everyone)
        remote = clashes.deleted_elsewhere([d for d, remote in self.deleting if remote], everyone)
        return local, [Problem(p.file, p.path, p.message + guard.REMOTE) for p in remote]


def _guard(
    account: Account, out: Path
) -> tuple[list[Problem], list[Problem], tuple[clashes.Claims, bool] | None]:
    """What the removal guard refuses of an account's new stack (it would delete or rename deployed
    production repositories of the stack already in `out`), the protections it drops (warnings), and
    what its apply would delete unguarded (`guard.deletions`; True: from a remote state's output)."""
    path = output.stack_path(out, account.name)
    previous = read_previous(path)
    state = deployed(account, path.parent, previous)
    if previous is None and (state is None or not state.names):
        return [], [], None
    refused, warned = guard.removals(account, previous or {}, path.as_posix(), state)
    moved, moved_warnings = guard.region_changes(account, state, previous, path.as_posix())
    refused, warned = [*refused, *moved], [*warned, *moved_warnings, *guard.tainted(account, state)]
    dropped = guard.deletions(account, previous or {}, path.as_posix(), state)
    deleting = clashes.Claims(
        account.file,
        account.id,
        account.region,
        tuple(
            clashes.Claim(
                (clashes.DELETES, account.id, account.region, ecr), "repository", what, clashes.DROPPED
            )
            for ecr, what in dropped
        ),
        log_group=False,
    )
    return (
        list(refused),
        list(warned) + list(guard.dropped_protections(account, previous or {}, path.as_posix())),
        (deleting, state is None),
    )


def deployed(account: Account, folder: Path, previous: dict | None = None) -> guard.State | None:
    """What a local state in the stack folder holds: nothing without a state file (nothing was applied).
    None (unknown) for a remote state, which ecrgen does not read offline, or a local one it cannot read
    (then the previous output is the evidence). The local backend keeps a non-default workspace's state
    in `terraform.tfstate.d/<WORKSPACE>/terraform.tfstate` (whatever `path` says); every workspace counts:
    https://developer.hashicorp.com/terraform/language/backend/local. The state at the previous stack's
    `path` counts too: an edit that changes `[backend] path` leaves the state where it was (until
    `terraform init -migrate-state` moves it), and must not hide what it holds."""
    if account.backend.type != "local":
        return None
    default = folder / account.backend.path
    before = _previous_state_path(previous)
    earlier = [folder / before] if before is not None and folder / before != default else []
    paths = [p for p in [default, *earlier, *sorted(folder.glob(WORKSPACE_STATES))] if p.is_file()]
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
        tuple(found for s in held for found in s.regions),
        frozenset().union(*(s.tainted for s in held)),
    )


WORKSPACE_STATES = "terraform.tfstate.d/*/terraform.tfstate"


def _previous_state_path(previous: dict | None) -> str | None:
    """The relative `path` of the previous stack's local backend, when it has one."""
    terraform = previous.get("terraform") if isinstance(previous, dict) else None
    backend = terraform.get("backend") if isinstance(terraform, dict) else None
    local = backend.get("local") if isinstance(backend, dict) else None
    path = local.get("path") if isinstance(local, dict) else None
    if not isinstance(path, str) or not path or Path(path).is_absolute() or ".." in Path(path).parts:
        return None
    return path


def read_previous(path: Path) -> dict | None:
    """A JSON document written before (the stack, a state), or None when there is none or it cannot be
    read as a JSON object."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return document if isinstance(document, dict) else None
