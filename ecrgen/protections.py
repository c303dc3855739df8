"""What a plan takes away from a guarded repository without deleting it: warnings for `check-plan`.
Pure: a plan (`terraform show -json`) in, problems out.

An account demoted from production, or a repository's prevent_destroy or adopt dropped, plans only
in-place updates, yet afterwards the repository is MUTABLE (a tag can be pushed over:
https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html) or no longer guarded
against deletion. Such a plan is legitimate, so it is not refused; it is named, so a reviewer sees it.
A repository the plan forgets (action `forget`, from a `removed` block:
https://developer.hashicorp.com/terraform/internals/json-format#change-representation) is not weakened:
AWS keeps it as it is.
"""

from __future__ import annotations

from ecrgen.config.account import PRODUCTION_NAMES
from ecrgen.errors import Problem, show
from ecrgen.rules.tags import GUARD_TAG


def dropped(changes: list[dict], where: str) -> list[Problem]:
    """Each guarded repository (by its state's tags) that the plan's repository changes (at `where`,
    `plan_guard.repository_changes`) update into a weaker one."""
    found = []
    for change in changes:
        detail = change["change"]
        before, after = _dict(detail.get("before")), _dict(detail.get("after"))
        tags, new_tags = _dict(before.get("tags_all")), _dict(after.get("tags_all"))
        # A repository the plan forgets (`retired`: a `removed` block) keeps its settings in AWS.
        if {"delete", "forget"} & set(detail["actions"]) or tags.get(GUARD_TAG) != "true":
            continue
        lost = []
        # MUTABLE_WITH_EXCLUSION too: every tag but its immutable_tags can be pushed over.
        mutability = str(after.get("image_tag_mutability", ""))
        if str(before.get("image_tag_mutability", "")).startswith("IMMUTABLE") and mutability.startswith(
            "MUTABLE"
        ):
            lost.append(f"its tags become {mutability} (an image can be pushed over a tag)")
        environment, new_environment = tags.get("Environment"), new_tags.get("Environment")
        if str(environment).lower() in PRODUCTION_NAMES and new_environment != environment:
            lost.append(f"its Environment tag changes from {show(environment)} to {show(new_environment)}")
        if new_tags and GUARD_TAG not in new_tags:
            lost.append("it loses the ecrgen:guarded tag (check-plan will no longer refuse deleting it)")
        if lost:
            name = show(before.get("name"))
            found.append(
                Problem(
                    where, str(change.get("address", "")), f"guarded repository {name}: {'; '.join(lost)}"
                )
            )
    return found


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}
