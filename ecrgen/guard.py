"""Nothing lost at `synth`: production repositories that an edit would delete or replace, found before
Terraform acts. Pure: the account model, the previous stack and (where ecrgen can read it) the state in,
problems out. The saved plan has its own guard (`plan_guard`).

Removing a [[repository]] removes its resource block, and with it `prevent_destroy`: Terraform then
plans a delete. ECR cannot rename a repository, so a changed ECR name is a replacement.
https://developer.hashicorp.com/terraform/language/meta-arguments/lifecycle#prevent_destroy
The previous output says what was written, not what was applied: the state is the truth. A local state
is read (its format: https://developer.hashicorp.com/terraform/language/state); without a state file
nothing was applied, so nothing can be lost. A remote state is not read offline: what would be refused
is a warning, and `check-plan` judges the real plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ecrgen.addresses import REPOSITORY_TYPE
from ecrgen.config.model import Account
from ecrgen.errors import Problem, show
from ecrgen.rules import arns
from ecrgen.rules.names import address
from ecrgen.rules.tags import GUARD_TAG

# A repository's name as the previous `repository_name` output references it.
REFERENCE = re.compile(re.escape(REPOSITORY_TYPE("@").ref("name")).replace("@", r"([\w-]+)"))
CHOICES = (  # what to do with a repository that left the file
    "list it in account.retired to keep it in AWS (Terraform forgets it), "
    "or in account.allow_destroy to let Terraform delete it and its images"
)


@dataclass(frozen=True)
class State:
    """What a Terraform state (at `where`) says of the account's repositories."""

    where: str
    names: dict[str, str]  # address -> the ECR name AWS holds
    guarded: frozenset[str] = frozenset()  # addresses whose tags carry the guard tag
    # (address, region, state file): where each state holds each repository; states of several
    # workspaces or backend paths are kept apart (each one may hold it in another region)
    regions: tuple[tuple[str, str, str], ...] = ()
    # addresses whose instance is tainted (a create that failed half-way, or `terraform taint`)
    tainted: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _Left:
    """A repository of the previous stack or of the state that the account file may no longer make as
    it was: `name` is the file's `name` of it, `ecr_name` what AWS holds, `found_in` where it was seen."""

    address: str
    name: str
    ecr_name: str
    found_in: str
    protected: bool


def _left(account: Account, previous: dict, where: str, state: State | None) -> list[_Left]:
    """The repositories of the previous stack (at `where`) or of the state (only those it holds, when
    it can be read) that `retired` and `allow_destroy` do not list."""
    repositories = _blocks(previous, REPOSITORY_TYPE.type)
    names = _config_names(previous)
    excused = {address(name) for name in account.retired + account.allow_destroy}
    found = []
    for addr in sorted(set(repositories) | set(state.names if state else ())):
        if addr in excused or state is not None and addr not in state.names:
            continue
        body = repositories.get(addr, {})
        lifecycle = body.get("lifecycle")
        protected = (
            account.production
            or isinstance(lifecycle, dict)
            and lifecycle.get("prevent_destroy") is True
            or state is not None
            and addr in state.guarded
        )
        # The state names what AWS holds; without it, the previous output does.
        ecr_name = state.names[addr] if state else body.get("name")
        found_in = f"the previous output {where}"
        if state is not None and addr not in repositories:
            found_in = f"the Terraform state {state.where}"
        found.append(_Left(addr, names.get(addr, addr), str(ecr_name), found_in, protected))
    return found


def removals(
    account: Account, previous: dict, where: str, state: State | None
) -> tuple[list[Problem], list[Problem]]:
    """Protected repositories of the previous stack (at `where`) or of the state that this account file
    would delete or rename, unless `retired` or `allow_destroy` lists them: refusals for those the state
    holds, warnings for all when the state cannot be read offline (None)."""
    current = {repo.address: (index, repo) for index, repo in enumerate(account.repositories)}
    problems = []
    for left in _left(account, previous, where, state):
        if not left.protected:
            continue
        addr, name, ecr_name, found_in = left.address, left.name, left.ecr_name, left.found_in
        # The file may still make this ECR repository under another `name` (another address).
        renamed = [(i, r) for i, r in enumerate(account.repositories) if r.ecr_name == ecr_name]
        if addr not in current and renamed:
            index, repo = renamed[0]
            problems.append(
                Problem(
                    account.file,
                    f"repository[{index}].name",
                    f"{show(repo.name)} is ECR repository {show(ecr_name)}, which {found_in} has as "
                    f"{show(name)}: a new `name` is a new Terraform address, so Terraform would delete the "
                    "repository and its images and create it again empty; "
                    + moved_advice(f"the name {show(name)}", repo.name),
                )
            )
        elif addr not in current:
            problems.append(
                Problem(
                    account.file,
                    "repository",
                    f"{show(name)} (ECR repository {show(ecr_name)}) is in {found_in} but no longer in the "
                    f"file: Terraform would delete it; {CHOICES}",
                )
            )
        elif ecr_name != current[addr][1].ecr_name:
            index, repo = current[addr]
            problems.append(
                Problem(
                    account.file,
                    f"repository[{index}].name",
                    f"{show(repo.name)} would rename ECR repository {show(ecr_name)} to "
                    f"{show(repo.ecr_name)} (its name, project or name_format changed): ECR cannot rename a "
                    "repository, so Terraform would replace it and its images would be lost; "
                    "keep the old name, or give the new repository another `name` and list this one in "
                    "account.retired (AWS keeps it and its images)",
                )
            )
    if state is None:
        return [], [Problem(p.file, p.path, p.message + REMOTE) for p in problems]
    return problems, []


def deletions(account: Account, previous: dict, where: str, state: State | None) -> list[tuple[str, str]]:
    """What this account's apply would delete that no guard above refuses: the unprotected repositories
    of the previous stack or the state that the file no longer makes (a non-production file dropping
    one), as (ECR name, what it is), for `config.clashes.deleted_elsewhere` (another file of the same
    registry may make them: then the apply deletes that file's repository and its images)."""
    made = {repo.ecr_name for repo in account.repositories}
    addresses = {repo.address for repo in account.repositories}
    return [
        (
            left.ecr_name,
            f"{show(left.name)} (ECR repository {show(left.ecr_name)}), which {left.found_in} has,",
        )
        for left in _left(account, previous, where, state)
        if not left.protected and left.address not in addresses and left.ecr_name not in made
    ]


def moved_advice(old: str, new: str) -> str:
    """What keeps a repository whose `name` (`old`, as shown) and so its Terraform address changed, its
    ECR name not."""
    return (
        f"keep {old}, or list it in account.retired and set adopt = true on "
        f"{show(new)} (Terraform forgets the old address and imports the repository at the new one; "
        "AWS keeps it and its images)"
    )


REMOTE = (
    " (if that output was applied: the state is remote and ecrgen stays offline, so `ecrgen check-plan` "
    "judges the real plan)"
)


def deployed_repositories(document: dict, where: str) -> State:
    """Every repository a Terraform state (format version 4, at `where`) holds."""
    names: dict[str, str] = {}
    regions: list[tuple[str, str, str]] = []
    guarded = set()
    tainted = set()
    resources = document.get("resources") if isinstance(document, dict) else None
    for resource in resources if isinstance(resources, list) else []:
        if (
            isinstance(resource, dict)
            and resource.get("mode") == "managed"
            and resource.get("type") == REPOSITORY_TYPE.type
        ):
            instances = resource.get("instances")
            for instance in instances if isinstance(instances, list) else []:
                attributes = instance.get("attributes") if isinstance(instance, dict) else None
                if isinstance(attributes, dict):
                    names[str(resource.get("name"))] = str(attributes.get("name"))
                    # AWS provider 6 records the region; 5 only in the ARN.
                    region = attributes.get("region") or arns.region_of(attributes.get("arn"))
                    if isinstance(region, str) and region:
                        regions.append((str(resource.get("name")), region, where))
                    tags = attributes.get("tags_all")
                    if isinstance(tags, dict) and tags.get(GUARD_TAG) == "true":
                        guarded.add(str(resource.get("name")))
                    if instance.get("status") == "tainted":
                        tainted.add(str(resource.get("name")))
    return State(where, names, frozenset(guarded), tuple(regions), frozenset(tainted))


def tainted(account: Account, state: State | None) -> list[Problem]:
    """Warnings: repositories of the file that the state holds tainted (a create that failed half-way,
    or `terraform taint`). The next plan replaces a tainted resource, whatever the file says: it deletes
    the repository and its images (pushed since) and creates it empty; where prevent_destroy stands,
    Terraform refuses that plan instead, and its own error says to disable prevent_destroy. No edit of
    the file helps: `terraform untaint` does.
    https://developer.hashicorp.com/terraform/cli/commands/untaint"""
    if state is None:
        return []
    return [
        Problem(
            account.file,
            f"repository[{index}].name",
            f"{show(repo.name)} (ECR repository {show(state.names.get(repo.address, repo.ecr_name))}) is "
            f"tainted in the Terraform state {state.where} (a create that failed half-way, or `terraform "
            "taint`): the next plan replaces it, deleting it and its images and creating it empty (where "
            "prevent_destroy stands, Terraform refuses that plan instead: keep prevent_destroy); run "
            f"`terraform untaint {REPOSITORY_TYPE(repo.address)}` in the stack folder, then plan again",
        )
        for index, repo in enumerate(account.repositories)
        if repo.address in state.tainted
    ]


def region_changes(
    account: Account, state: State | None, previous: dict | None = None, where: str = ""
) -> tuple[list[Problem], list[Problem]]:
    """Repositories of the file that a state holds in another region than the file's `region`. ECR
    cannot move a repository between regions (replication copies images; the repository stays):
    https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html. AWS provider 6 records each
    resource's region and replaces the repository when it changes ("Changing the value of region will
    force resource replacement": https://registry.terraform.io/providers/hashicorp/aws/latest/docs/guides/enhanced-region-support),
    deleting it where it is; provider 5 looks in the new region, does not find it and forgets it. Either
    way an empty repository is created. Refusals where a repository is protected (production,
    prevent_destroy or the guard tag), warnings otherwise; `allow_destroy` excuses it, as it excuses a
    deletion. Without a state to read (remote), the previous stack (at `where`) says in which region its
    provider made the repositories: a warning, as a removal is."""
    if state is None:
        return [], _previous_region(account, previous or {}, where)
    current = {repo.address: repo for repo in account.repositories}
    excused = {address(name) for name in account.allow_destroy}
    found: dict[tuple[str, str, bool], list[str]] = {}
    for addr, held, state_file in sorted(state.regions):
        repo = current.get(addr)
        if repo is not None and held != account.region and addr not in excused:
            protected = account.production or repo.prevent_destroy or addr in state.guarded
            found.setdefault((state_file, held, protected), []).append(show(repo.name))
    refused: list[Problem] = []
    warned: list[Problem] = []
    for (state_file, held, protected), names in sorted(found.items()):
        (refused if protected else warned).append(
            Problem(
                account.file,
                "account.region",
                region_moved(account.region, f"the Terraform state {state_file} holds", held, names),
            )
        )
    return refused, warned


def _previous_region(account: Account, previous: dict, where: str) -> list[Problem]:
    """The file's repositories that the previous stack (at `where`) made, when its provider's region is
    another than the file's (ecrgen sets the region on the provider alone)."""
    providers = (
        previous.get("provider", {}).get("aws") if isinstance(previous.get("provider"), dict) else None
    )
    first = providers[0] if isinstance(providers, list) and providers else None
    held = first.get("region") if isinstance(first, dict) else None
    made = _blocks(previous, REPOSITORY_TYPE.type)
    excused = {address(name) for name in account.allow_destroy}
    names = [show(r.name) for r in account.repositories if r.address in made and r.address not in excused]
    if not isinstance(held, str) or not held or held == account.region or not names:
        return []
    message = region_moved(account.region, f"the previous output {where} made", held, names)
    return [Problem(account.file, "account.region", message + REMOTE)]


def region_moved(region: str, holder: str, held: str, names: list[str]) -> str:
    """Why a new `region` loses what a state or the previous output (`holder`: "the Terraform state X
    holds") has in `held`, and what to do."""
    return (
        f"{show(region)}, but {holder} {', '.join(names)} in {held}: ECR cannot "
        f"move a repository between regions, so Terraform would replace them (AWS provider 6 deletes them "
        f"in {held}, with their images where force_delete allows; provider 5 forgets them there) and create "
        f"them empty in {region}; set region back to {show(held)}, and give the repositories of {region} an "
        "account file of their own"
    )


def dropped_protections(account: Account, previous: dict, where: str) -> list[Problem]:
    """Warnings: repositories that carried prevent_destroy in the previous stack and no longer do (an
    account switched to non-production, or prevent_destroy = false), and new repositories marked
    `adopt` (Terraform cannot import a repository that does not exist yet)."""
    repositories = _blocks(previous, REPOSITORY_TYPE.type)
    warnings = []
    for index, repo in enumerate(account.repositories):
        body = repositories.get(repo.address)
        lifecycle = body.get("lifecycle") if body else None
        if (
            isinstance(lifecycle, dict)
            and lifecycle.get("prevent_destroy") is True
            and not repo.prevent_destroy
        ):
            why = (
                "the account is no longer production" if not account.production else "prevent_destroy = false"
            )
            warnings.append(
                Problem(
                    account.file,
                    f"repository[{index}]",
                    f"{show(repo.name)} loses the prevent_destroy it has in "
                    f"{where} ({why}): Terraform may then delete it and its images",
                )
            )
        if body is None and repositories and repo.adopt:
            warnings.append(
                Problem(
                    account.file,
                    f"repository[{index}].adopt",
                    f"{show(repo.name)} is new since {where} and marked "
                    "adopt: the plan fails if its ECR repository does not exist yet (Terraform imports "
                    "only what exists); if it does not, set adopt = false on it (adopt may stay on the "
                    "repositories that exist: it keeps them guarded)",
                )
            )
    return warnings


def _blocks(document: dict, kind: str) -> dict[str, dict]:
    resources = document.get("resource") if isinstance(document, dict) else None
    blocks = resources.get(kind) if isinstance(resources, dict) else None
    return {k: v for k, v in blocks.items() if isinstance(v, dict)} if isinstance(blocks, dict) else {}


def _config_names(previous: dict) -> dict[str, str]:
    """Address -> the `name` key of the account file, read back from the previous `repository_name` output."""
    output = (
        previous.get("output", {}).get("repository_name", {})
        if isinstance(previous.get("output"), dict)
        else {}
    )
    values = output.get("value", {}) if isinstance(output, dict) else {}
    found = {}
    for name, reference in values.items() if isinstance(values, dict) else []:
        match = REFERENCE.fullmatch(str(reference))
        if match:
            found[match.group(1)] = name
    return found
