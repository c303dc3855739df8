"""The plan guard (`check-plan`): the saved plan is the truth about what Terraform will do. Pure: the
account model and a plan (`terraform show -json`) in, problems out.

A plan may delete or replace a repository for reasons outside the account file (a repository adopted
with other settings, a rename, a destroy plan). Guarded, in every environment: the repositories of a
production account, those tagged with a production environment, adopted ones (`adopt` in the file, or
imported by this plan: adopt promises to take a repository over, never to recreate it), and every
repository whose state carries ecrgen's guard tag (`rules.tags.GUARD_TAG`): the state remembers a
protection that the same change takes away (an account demoted, prevent_destroy or adopt dropped, the
repository removed from the file).
JSON plan format (`resource_changes`, `actions`, `importing`, `replace_paths`):
https://developer.hashicorp.com/terraform/internals/json-format#change-representation
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping

from ecrgen.addresses import REPOSITORY_TYPE
from ecrgen.config.account import PRODUCTION_NAMES
from ecrgen.config.model import Account, Repository
from ecrgen.errors import Problem, show
from ecrgen.guard import CHOICES, moved_advice
from ecrgen.rules import arns
from ecrgen.rules.names import address
from ecrgen.rules.tags import GUARD_TAG

# What forces a replacement of an aws_ecr_repository (ForceNew in the provider), as account file keys.
FORCING_KEYS = {
    "name": "name (with project and name_format)",
    "encryption_configuration": "encryption and kms_key",
    # AWS provider 6 records each resource's region and replaces it when the region changes:
    # https://registry.terraform.io/providers/hashicorp/aws/latest/docs/guides/enhanced-region-support
    "region": "account.region",
}


# Replacements that Terraform was asked for, not ones the configuration forces (`action_reason`).
REASONS = {
    "replace_because_tainted": (
        "because it is tainted (a create that failed half-way, or `terraform taint`): "
        "`terraform untaint {address}` and plan again"
    ),
    "replace_by_request": "because the plan was made with `-replace={address}`: plan without it",
}


_text = functools.partial(json.dumps, sort_keys=True, separators=(", ", ": "))  # a value, as the plan has it


def plan_deletions(
    account: Account, plan: dict, where: str, migration: bool = False, elsewhere: Mapping[str, str] = {}
) -> list[Problem]:
    """Guarded repositories that a saved plan (at `where`) would delete or replace and that
    `allow_destroy` does not list; every repository it would delete that another account file makes
    (`elsewhere`: ECR name -> `FILE (PATH)`, `config.clashes.repository_makers`), guarded or not, listed
    in `allow_destroy` or not (the other stack's repository and its images would go); guarded ones its
    refresh lost (`_vanished`); with `migration`, also every repository the plan would create (a
    migration takes over what exists)."""
    ids = _planned_account_ids(plan)
    if ids and account.id not in ids:
        return [
            Problem(
                where,
                "",
                f"is a plan for AWS account {', '.join(ids)}, not for {account.name!r} ({account.id}): "
                "give the account the plan was made for",
            )
        ]
    allowed = {address(name) for name in account.allow_destroy}
    in_file = {repo.address: (index, repo) for index, repo in enumerate(account.repositories)}
    problems = []
    for change in repository_changes(plan):
        detail = change["change"]
        actions, name = detail["actions"], change.get("name")
        before = _dict(detail.get("before"))
        found = in_file.get(name) if isinstance(name, str) else None
        kind = _kind(account, before, detail, found)
        maker = elsewhere.get(str(before.get("name"))) if "create" not in actions else None
        at = change.get("address", "")
        if "delete" in actions and maker:
            problems.append(Problem(where, at, _made_elsewhere(account, before, maker)))
        elif "delete" in actions and name not in allowed and kind:
            problems.append(Problem(where, at, _refusal(account, change, found, kind)))
        elif migration and "create" in actions and "delete" not in actions:
            problems.append(Problem(where, at, _created(account, change, found)))
    problems += _vanished(account, plan, where, allowed, in_file)
    return problems


def requested_replacements(account: Account, plan: dict, where: str) -> list[Problem]:
    """Warnings: repositories the plan (at `where`) replaces for a reason outside the file (`REASONS`:
    tainted by a create that failed half-way, or `-replace`) that no refusal covers (not guarded, or
    listed in `allow_destroy`): their images go all the same, and no edit of the file changes that.
    https://developer.hashicorp.com/terraform/internals/json-format#change-representation (action_reason)"""
    allowed = {address(name) for name in account.allow_destroy}
    in_file = {repo.address: (index, repo) for index, repo in enumerate(account.repositories)}
    found = []
    for change in repository_changes(plan):
        detail, reason, name = change["change"], change.get("action_reason"), change.get("name")
        if not {"delete", "create"} <= set(detail["actions"]) or reason not in REASONS:
            continue
        before = _dict(detail.get("before"))
        refused = _kind(account, before, detail, in_file.get(name) if isinstance(name, str) else None)
        if refused and name not in allowed:
            continue
        at = str(change.get("address", ""))
        found.append(
            Problem(
                where,
                at,
                f"the plan would replace repository {show(before.get('name'))} and its images, "
                f"{REASONS[str(reason)].format(address=at)}",
            )
        )
    return found


def _vanished(
    account: Account, plan: dict, where: str, allowed: set[str], in_file: Mapping[str, tuple[int, Repository]]
) -> list[Problem]:
    """Guarded repositories the plan's refresh lost (`resource_drift`) and `allow_destroy` does not list:
    one it no longer finds where the plan creates one at its address (an empty repository: a changed
    `region` under AWS provider 5, or a repository deleted by hand), or one it found in another region (a
    repository of that name there, a replica: Terraform would manage that one and forget this)."""
    creates = {c.get("address") for c in repository_changes(plan) if "create" in c["change"]["actions"]}
    problems = []
    for change in plan.get("resource_drift") or []:
        detail = change.get("change") if isinstance(change, dict) else None
        if not (
            isinstance(detail, dict)
            and change.get("type") == REPOSITORY_TYPE.type
            and change.get("mode") != "data"
        ):
            continue
        before, after = _dict(detail.get("before")), _dict(detail.get("after"))
        held, elsewhere = arns.region_of(before.get("arn")), arns.region_of(after.get("arn"))
        gone = detail.get("actions") == ["delete"] and change.get("address") in creates
        if not gone and not (
            detail.get("actions") == ["update"] and held and elsewhere and held != elsewhere
        ):
            continue
        name = change.get("name")
        found = in_file.get(name) if isinstance(name, str) else None
        kind = _kind(account, before, {}, found)
        if kind and name not in allowed:
            what = f"{kind} repository {show(str(before.get('name')))} ({before.get('arn', '')})"
            lost = _lost(account, what, held, elsewhere, found)
            problems.append(Problem(where, change.get("address", ""), lost))
    return problems


def _lost(
    account: Account, what: str, held: str, elsewhere: str, found: tuple[int, Repository] | None
) -> str:
    """Why the refresh lost a repository (in region `held`; `elsewhere`: the region where it found one of
    that name instead, if any; `found`: the file's repository at its address), and what to do."""
    back = (
        f"set account.region back to {show(held)} (ECR cannot move a repository between regions), and give "
        f"the repositories of {account.region} an account file of their own"
    )
    moved = f"{what} is in {held} but {account.file} says account.region = {show(account.region)}"
    if elsewhere:
        return (
            f"{moved}: the refresh found a repository of that name in {elsewhere} (a replica?), and "
            f"Terraform would manage that one instead and forget the one in {held}; {back}"
        )
    if held and held != account.region:
        return (
            f"{moved}: the provider looks in {account.region} and does not find it, so Terraform would "
            f"forget it (AWS keeps it and its images in {held}) and create an empty repository in "
            f"{account.region}; {back}"
        )
    # An adopted one's import block would fail the next plan: Terraform cannot import what is gone.
    adopt = (
        f"set adopt = false on repository[{found[0]}] in {account.file} (Terraform cannot import what no "
        "longer exists), then "
        if found is not None and found[1].adopt
        else ""
    )
    return (
        f"{what} is no longer found in AWS (deleted outside Terraform?): the plan would create an empty "
        "repository in its place; find out where it and its images went before applying (once the loss is "
        f"accepted, {adopt}`terraform apply -refresh-only` records it and the next plan is not refused)"
    )


def unknown_makers(account: Account, plan: dict, where: str, unread: list[str]) -> list[Problem]:
    """One problem per account file of the folder that does not load (`unread`) when the plan (at
    `where`) deletes repositories: that file may make them in the same registry (a repository moved
    between files), which nothing can tell until it loads. A deletion is never let through unproved."""
    deleted = sorted(
        str(_dict(change["change"].get("before")).get("name"))
        for change in repository_changes(plan)
        if change["change"]["actions"] == ["delete"]
    )
    if not deleted:
        return []
    names = ("repository " if len(deleted) == 1 else "repositories ") + ", ".join(map(show, deleted))
    them = "it" if len(deleted) == 1 else "them"
    return [
        Problem(
            where,
            "",
            f"the plan would delete {names} while {file} does not load, so whether that file makes {them} in "
            f"account {account.id} and {account.region} is unknown: fix {file} (ecrgen validate names its "
            "problems) and check the plan again",
        )
        for file in unread
    ]


def repository_changes(plan: dict) -> list[dict]:
    """The plan's changes of managed repositories whose actions are a list (other shapes are skipped)."""
    found = []
    for change in plan.get("resource_changes") or []:
        detail = change.get("change") if isinstance(change, dict) else None
        if (
            isinstance(detail, dict)
            and isinstance(detail.get("actions"), list)
            and change.get("type") == REPOSITORY_TYPE.type
            and change.get("mode") != "data"
        ):
            found.append(change)
    return found


def imported(plan: dict) -> int:
    """How many repositories the plan imports."""
    return sum(1 for change in repository_changes(plan) if change["change"].get("importing"))


def _refusal(account: Account, change: dict, found: tuple[int, Repository] | None, kind: str) -> str:
    detail = change["change"]
    before = _dict(detail.get("before"))
    if "create" not in detail["actions"]:
        what = f"the plan would delete {kind} repository {show(before.get('name'))} and its images"
        # The file may make the same ECR repository under another `name`: the plan creates it again.
        moved = [(i, r) for i, r in enumerate(account.repositories) if r.ecr_name == before.get("name")]
        if found is None and moved:
            at, other = moved[0]
            old = f"the old name (the one that gives {change.get('address', '')})"
            return (
                f"{what}, and create it again empty: repository[{at}] in {account.file} makes it under "
                f"another `name`, {show(other.name)}, so at another address; {moved_advice(old, other.name)}"
            )
        if found is None:
            return f"{what}; in {account.file} {CHOICES}"
        return (
            f"{what} although {account.file} still has it (a destroy plan?): plan without -destroy, or "
            f"list it in account.allow_destroy to let Terraform delete it"
        )
    what = f"the plan would replace {kind} repository {show(before.get('name'))} and its images"
    reason = change.get("action_reason")
    if reason in REASONS:  # the replacement comes from outside the file: no edit of it can help
        return f"{what}, {REASONS[reason].format(address=change.get('address', ''))}"
    forced = _replace_paths(change)
    index, repo = found if found is not None else (None, None)
    where = f"repository[{index}] in {account.file}" if repo is not None else account.file
    causes = (
        "; ".join(_difference(path, before, detail) for path in forced)
        or "an attribute the plan does not name"
    )
    advice = (
        f"ECR cannot change this in place: make {where} say what AWS holds, or give a new repository "
        "another `name` and list this one in account.retired (AWS keeps it and its images)"
    )
    if forced and all(str(path[0]) == "region" for path in forced):
        advice = (
            f"ECR cannot move a repository between regions: set account.region in {account.file} back to "
            f"{show(before.get('region'))}, and give the repositories of {account.region} an account file "
            "of their own"
        )
    if not account.production and repo is not None and not repo.prevent_destroy:
        advice += "; to let Terraform replace it and lose its images, list it in account.allow_destroy"
    return f"{what}, forced by {causes}; {advice}"


def _made_elsewhere(account: Account, before: dict, maker: str) -> str:
    return (
        f"the plan would delete repository {show(before.get('name'))} and its images, but {maker} makes that "
        f"repository in account {account.id} and {account.region} (a repository moved between files): list "
        f"it in account.retired in {account.file} (Terraform forgets it in this stack, AWS keeps it for "
        "the other)"
    )


def _created(account: Account, change: dict, found: tuple[int, Repository] | None) -> str:
    after = _dict(change["change"].get("after"))
    where = f"repository[{found[0]}] in {account.file}" if found is not None else account.file
    return (
        f"the plan would create repository {show(after.get('name'))}: a migration takes over what exists and "
        f"creates no repository; if it exists in AWS, set adopt = true on {where}; if it is new, add it "
        "once the migration is applied"
    )


def _kind(account: Account, before: dict, detail: dict, found: tuple[int, Repository] | None) -> str | None:
    """Whether the plan guards the repository, as what: production, adopted, or guarded (only the guard
    tag its state carries says so: the file no longer does); None when it is not guarded."""
    tags = _dict(before.get("tags_all"))
    if account.production or str(tags.get("Environment", "")).lower() in PRODUCTION_NAMES:
        return "production"
    if _adopted(detail, found):
        return "adopted"
    return "guarded" if tags.get(GUARD_TAG) == "true" else None


def _adopted(detail: dict, found: tuple[int, Repository] | None) -> bool:
    return bool(detail.get("importing")) or found is not None and found[1].adopt


def _replace_paths(change: dict) -> list[list]:
    """The attribute paths that force the replacement (Terraform >= 1.2 records them)."""
    paths = change["change"].get("replace_paths", change.get("replace_paths"))
    return [p for p in paths if isinstance(p, list) and p] if isinstance(paths, list) else []


def _difference(path: list, before: dict, detail: dict) -> str:
    """`encryption_configuration (the file's encryption and kms_key): AWS holds X, the plan writes Y`."""
    top = str(path[0])
    after = _at(detail.get("after"), path)
    unknown = _at(detail.get("after_unknown"), path)
    planned = (
        "a value known only after apply" if unknown not in (None, False) and after is None else _text(after)
    )
    keys = f" (the file's {FORCING_KEYS[top]})" if top in FORCING_KEYS else ""
    held = _text(_at(before, path))
    return f"{'.'.join(str(p) for p in path)}{keys}: AWS holds {held}, the plan writes {planned}"


def _at(value: object, path: list) -> object:
    for step in path:
        if isinstance(value, dict) and isinstance(step, str):
            value = value.get(step)
        elif isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value):
            value = value[step]
        else:
            return None
    return value


def _planned_account_ids(plan: dict) -> list[str]:
    """The provider's allowed_account_ids as the plan's configuration records them (ecrgen sets them)."""
    try:
        ids = plan["configuration"]["provider_config"]["aws"]["expressions"]["allowed_account_ids"][
            "constant_value"
        ]
    except (KeyError, TypeError):
        return []
    if isinstance(ids, str):  # one id written as a string: still this one account
        ids = [ids]
    return [str(i) for i in ids] if isinstance(ids, list) else []


def _dict(value: object) -> dict:
    """The value if it is a JSON object, else an empty one (a plan's fields may be null or missing)."""
    return value if isinstance(value, dict) else {}
