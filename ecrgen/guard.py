"""Nothing lost: production repositories that an edit would delete or replace, found before Terraform
acts. Pure: the account model and a document (the previous stack, or a saved plan) in, problems out.

Removing a [[repository]] removes its resource block, and with it `prevent_destroy`: Terraform then
plans a delete. ECR cannot rename a repository, so a changed ECR name is a replacement.
https://developer.hashicorp.com/terraform/language/meta-arguments/lifecycle#prevent_destroy
"""

from __future__ import annotations

import re

from ecrgen.addresses import REPOSITORY_TYPE
from ecrgen.config.model import PRODUCTION_NAMES, Account
from ecrgen.errors import Problem, show
from ecrgen.rules.names import address

# A repository's name as the previous `repository_name` output references it.
REFERENCE = re.compile(re.escape(REPOSITORY_TYPE("@").ref("name")).replace("@", r"([\w-]+)"))
CHOICES = (
    "list it in account.retired to keep it in AWS (Terraform forgets it), "
    "or in account.allow_destroy to let Terraform delete it and its images"
)


def removals(account: Account, previous: dict, where: str) -> list[Problem]:
    """Production repositories of the previous stack (at `where`) that this account file would delete
    or rename, unless `retired` or `allow_destroy` lists them."""
    repositories = _blocks(previous, REPOSITORY_TYPE.type)
    if not repositories:
        return []
    names = _config_names(previous)
    current = {repo.address: (index, repo) for index, repo in enumerate(account.repositories)}
    excused = {address(name) for name in account.retired + account.allow_destroy}
    problems = []
    for addr, body in sorted(repositories.items()):
        lifecycle = body.get("lifecycle")
        protected = (
            account.production or isinstance(lifecycle, dict) and lifecycle.get("prevent_destroy") is True
        )
        if not protected or addr in excused:
            continue
        name, ecr_name = names.get(addr, addr), body.get("name")
        if addr not in current:
            problems.append(
                Problem(
                    account.file,
                    "repository",
                    f"{show(name)} (ECR repository {show(ecr_name)}) is in the previous "
                    f"output {where} but no longer in the file: Terraform would delete it; {CHOICES}",
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
                    "keep the old name, or list it in account.allow_destroy and set prevent_destroy = false "
                    "to replace it",
                )
            )
    return problems


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
                    "only what exists); set adopt = false on it, or take adopt out of [defaults] once the "
                    "migration is applied",
                )
            )
    return warnings


def plan_deletions(account: Account, plan: dict, where: str) -> list[Problem]:
    """Production repositories that a saved plan (`terraform show -json`, at `where`) would delete or
    replace and that `allow_destroy` does not list: every repository of a production account, and in
    any account a repository whose tags (before the change) say a production environment."""
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
    problems = []
    for change in plan.get("resource_changes") or []:
        detail = change.get("change") if isinstance(change, dict) else None
        if not isinstance(detail, dict):  # then it has no actions
            continue
        actions = detail.get("actions")
        if (
            not isinstance(actions, list)
            or "delete" not in actions
            or change.get("type") != REPOSITORY_TYPE.type
            or change.get("mode") == "data"
            or change.get("name") in allowed
        ):
            continue
        before = _dict(detail.get("before"))
        tags = _dict(before.get("tags_all"))
        if not account.production and str(tags.get("Environment", "")).lower() not in PRODUCTION_NAMES:
            continue
        verb = "replace" if "create" in actions else "delete"
        problems.append(
            Problem(
                where,
                change.get("address", ""),
                f"the plan would {verb} production repository "
                f"{show(before.get('name'))} and its images; revert the change, "
                f"or in {account.file} {CHOICES}",
            )
        )
    return problems


def _planned_account_ids(plan: dict) -> list[str]:
    """The provider's allowed_account_ids as the plan's configuration records them (ecrgen always sets
    them)."""
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
