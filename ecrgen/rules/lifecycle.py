"""ECR lifecycle policies: the default policy, and every rule ECR enforces at PutLifecyclePolicy.

AWS pages codified here:
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html
  (rulePriority unique and >= 1; the `any` rule has the highest priority; `tagged` needs
  tagPrefixList or tagPatternList; `untagged` has neither; at most four `*` per pattern; countUnit
  only, and always, with the age-based count types; countNumber > 0; storage classes and the archive
  tier: `transition` to `archive`, `sinceImageTransitioned` on archived images)
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html
  (an image that matches the tag selection of a rule is never expired by a lower-priority rule;
  archived images have a 90-day minimum storage duration)
- https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutLifecyclePolicy.html
  (lifecyclePolicyText length 100-30,720)
"""

from __future__ import annotations

import functools
import json
from typing import Any

from ecrgen.errors import show
from ecrgen.rules import Found

TAG_STATUSES = ("tagged", "untagged", "any")
COUNT_TYPES = ("imageCountMoreThan", "sinceImagePushed", "sinceImagePulled", "sinceImageTransitioned")
AGE_COUNT_TYPES = COUNT_TYPES[1:]
ACTIONS = ("expire", "transition")
STORAGE_CLASSES = ("standard", "archive")
MAX_WILDCARDS = 4
ARCHIVE_MINIMUM_DAYS = 90
POLICY_TEXT_LENGTH = (100, 30_720)
# Protected tags are shielded by a rule they match that in practice never fires (100 years).
PROTECTED_DAYS = 36_500

RULE_KEYS = ("rulePriority", "description", "selection", "action")
SELECTION_KEYS = (
    "tagStatus",
    "tagPrefixList",
    "tagPatternList",
    "countType",
    "countUnit",
    "countNumber",
    "storageClass",
)
ACTION_KEYS = ("type", "targetStorageClass")


def default_rules(
    max_image_count: int, untagged_image_days: int, protected_tags: tuple[str, ...]
) -> list[dict]:
    """The seed module's intent in an order ECR accepts: protected tags first (a matching image is
    never expired by a lower-priority rule), untagged images by age, then `any` by count, last."""
    # One rule per pattern: a tagPatternList selects only images carrying *all* of its patterns.
    rules = [
        _rule(
            f"Keep images tagged {pattern}",
            {
                "tagStatus": "tagged",
                "tagPatternList": [pattern],
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": PROTECTED_DAYS,
            },
        )
        for pattern in protected_tags
    ]
    rules.append(
        _rule(
            f"Expire untagged images older than {untagged_image_days} days",
            {
                "tagStatus": "untagged",
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": untagged_image_days,
            },
        )
    )
    rules.append(
        _rule(
            f"Keep the newest {max_image_count} images",
            {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": max_image_count},
        )
    )
    for priority, rule in enumerate(rules, start=1):
        rule["rulePriority"] = priority
    return rules


@functools.lru_cache(maxsize=256)
def default_policy(
    max_image_count: int, untagged_image_days: int, protected_tags: tuple[str, ...]
) -> tuple[str, tuple]:
    """The default policy's text, and what ECR would reject in it (the same checks as custom rules:
    e.g. many or long protected tags make the text too long). Cached: the same few settings recur
    across hundreds of repositories."""
    rules = default_rules(max_image_count, untagged_image_days, protected_tags)
    return policy_text(rules), tuple(check_rules(rules))


def _rule(description: str, selection: dict) -> dict:
    return {"description": description, "selection": selection, "action": {"type": "expire"}}


def policy_text(rules: list[dict]) -> str:
    """The policy JSON as ECR stores it; sorted keys keep the output deterministic."""
    return json.dumps({"rules": rules}, sort_keys=True, separators=(",", ":"))


def check_rules(rules: Any) -> Found:
    """Every problem ECR would reject a list of lifecycle rules for, as (sub-path, message)."""
    if not isinstance(rules, list) or not rules:
        return [("", f"{show(rules)} must be a non-empty list of lifecycle rules")]
    found: Found = []
    for index, rule in enumerate(rules):
        found += [(f"[{index}]{sub}", msg) for sub, msg in _check_rule(rule)]
    found += _check_across(rules)
    if not found:
        length = len(policy_text(rules))
        if not POLICY_TEXT_LENGTH[0] <= length <= POLICY_TEXT_LENGTH[1]:
            found.append(("", f"the policy text is {length} characters; ECR allows 100 to 30,720"))
    return found


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _unknown(table: dict, allowed: tuple[str, ...], prefix: str) -> Found:
    return [
        (f"{prefix}.{key}", f"unknown key (allowed: {', '.join(allowed)})")
        for key in table
        if key not in allowed
    ]


def _check_rule(rule: Any) -> Found:
    if not isinstance(rule, dict):
        return [("", f"{show(rule)} must be a table with rulePriority, selection and action")]
    found = _unknown(rule, RULE_KEYS, "")
    priority = rule.get("rulePriority")
    if not _is_int(priority) or priority < 1:
        found.append((".rulePriority", f"{show(priority)} must be an integer of at least 1"))
    found += _plain_values(rule)
    if "description" in rule and not isinstance(rule["description"], str):
        found.append((".description", f"{show(rule['description'])} must be a string"))
    selection, action = rule.get("selection"), rule.get("action")
    if not isinstance(selection, dict):
        return found + [
            (".selection", f"{show(selection)} must be a table (tagStatus, countType, countNumber, ...)")
        ]
    if not isinstance(action, dict):
        return found + [(".action", f'{show(action)} must be a table such as {{ type = "expire" }}')]
    return found + _check_selection(selection) + _check_action(action, selection)


def _plain_values(rule: dict) -> Found:
    """Values a JSON policy can hold: TOML dates and times and non-finite floats cannot be sent to ECR."""

    def bad(value) -> bool:
        if isinstance(value, dict):
            return any(bad(v) for v in value.values())
        if isinstance(value, list):
            return any(bad(v) for v in value)
        return not isinstance(value, (str, int, bool)) and not (
            isinstance(value, float) and value == value and abs(value) != float("inf")
        )

    return (
        [("", "holds a value JSON cannot represent (a date, a time or a non-finite number)")]
        if bad(rule)
        else []
    )


def _check_selection(sel: dict) -> Found:
    found = _unknown(sel, SELECTION_KEYS, ".selection")
    status = sel.get("tagStatus")
    if status not in TAG_STATUSES:
        found.append(
            (".selection.tagStatus", f"{show(status)} is not allowed (allowed: tagged, untagged, any)")
        )
    prefixes, patterns = sel.get("tagPrefixList"), sel.get("tagPatternList")
    for key, value in (("tagPrefixList", prefixes), ("tagPatternList", patterns)):
        if value is not None and (
            not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value)
        ):
            found.append(
                (f".selection.{key}", f"{show(value)} must be a non-empty list of non-empty strings")
            )
    if status == "tagged" and (prefixes is None) == (patterns is None):
        found.append(
            (
                ".selection",
                "a rule with tagStatus 'tagged' needs exactly one of tagPrefixList or tagPatternList",
            )
        )
    if status in ("untagged", "any") and (prefixes is not None or patterns is not None):
        found.append(
            (".selection", f"a rule with tagStatus {status!r} must not have tagPrefixList or tagPatternList")
        )
    if isinstance(patterns, list):
        for i, pattern in enumerate(patterns):
            if isinstance(pattern, str) and pattern.count("*") > MAX_WILDCARDS:
                found.append(
                    (
                        f".selection.tagPatternList[{i}]",
                        f"{show(pattern)} has {pattern.count('*')} wildcards; ECR allows at most {MAX_WILDCARDS} per pattern",
                    )
                )
    return found + _check_count(sel)


def _check_count(sel: dict) -> Found:
    found: Found = []
    count_type, unit, number = sel.get("countType"), sel.get("countUnit"), sel.get("countNumber")
    if count_type not in COUNT_TYPES:
        found.append(
            (".selection.countType", f"{show(count_type)} is not allowed (allowed: {', '.join(COUNT_TYPES)})")
        )
    elif count_type in AGE_COUNT_TYPES and unit is None:
        found.append(
            (".selection.countUnit", f"is required with countType {count_type!r} (countUnit = 'days')")
        )
    elif count_type in AGE_COUNT_TYPES and unit != "days":
        found.append(
            (
                ".selection.countUnit",
                f"{show(unit)} is not allowed: countType {count_type!r} needs countUnit 'days'",
            )
        )
    elif count_type == "imageCountMoreThan" and unit is not None:
        found.append(
            (
                ".selection.countUnit",
                f"{show(unit)} is not allowed: countUnit goes only with the age-based count types",
            )
        )
    if not _is_int(number) or number < 1:
        found.append((".selection.countNumber", f"{show(number)} must be an integer greater than 0"))
    storage = sel.get("storageClass", "standard")
    if storage not in STORAGE_CLASSES:
        found.append(
            (".selection.storageClass", f"{show(storage)} is not allowed (allowed: standard, archive)")
        )
    if count_type == "sinceImageTransitioned" and storage != "archive":
        found.append(
            (
                ".selection.countType",
                "'sinceImageTransitioned' selects archived images only: set storageClass 'archive'",
            )
        )
    return found


def _check_action(action: dict, sel: dict) -> Found:
    found = _unknown(action, ACTION_KEYS, ".action")
    kind, target = action.get("type"), action.get("targetStorageClass")
    storage = sel.get("storageClass", "standard")
    if kind not in ACTIONS:
        return found + [(".action.type", f"{show(kind)} is not allowed (allowed: expire, transition)")]
    if kind == "transition":
        if target != "archive":
            found.append(
                (
                    ".action.targetStorageClass",
                    f"{show(target)} is not allowed: a 'transition' action needs targetStorageClass 'archive'",
                )
            )
        if storage == "archive":
            found.append(
                (
                    ".selection.storageClass",
                    "archived images cannot be transitioned again; only 'expire' applies to storageClass 'archive'",
                )
            )
    elif target is not None:
        found.append(
            (".action.targetStorageClass", "targetStorageClass goes only with action type 'transition'")
        )
    number = sel.get("countNumber")
    if (
        kind == "expire"
        and storage == "archive"
        and sel.get("countType") == "sinceImageTransitioned"
        and _is_int(number)
        and number < ARCHIVE_MINIMUM_DAYS
    ):
        found.append(
            (
                ".selection.countNumber",
                f"{number} days is below the {ARCHIVE_MINIMUM_DAYS}-day minimum storage duration of archived images",
            )
        )
    return found


def _check_across(rules: list[dict]) -> Found:
    """Rules that are fine alone but not together (checked among the rules well-formed enough)."""
    found: Found = []
    by_priority: dict[int, int] = {}
    rules = {
        i: r
        for i, r in enumerate(rules)
        if isinstance(r, dict)
        and _is_int(r.get("rulePriority"))
        and isinstance(r.get("selection"), dict)
        and r["selection"].get("tagStatus") in TAG_STATUSES
    }
    if not rules:
        return found
    for index, rule in rules.items():
        if rule["rulePriority"] in by_priority:
            found.append(
                (
                    f"[{index}].rulePriority",
                    f"{rule['rulePriority']} is already used by rule [{by_priority[rule['rulePriority']]}]; priorities must be unique",
                )
            )
        by_priority.setdefault(rule["rulePriority"], index)
    highest = max(rule["rulePriority"] for rule in rules.values())
    selections: dict[tuple, int] = {}
    for index, rule in rules.items():
        sel = rule["selection"]
        storage = sel.get("storageClass", "standard")
        if sel["tagStatus"] == "any" and rule["rulePriority"] != highest:
            found.append(
                (
                    f"[{index}].rulePriority",
                    f"{rule['rulePriority']} is not allowed: the rule with tagStatus 'any' must have the highest rulePriority ({highest} is higher) and be evaluated last",
                )
            )
        tags = sel.get("tagPrefixList") or sel.get("tagPatternList") or []
        tags = tags if isinstance(tags, list) and all(isinstance(t, str) for t in tags) else []
        key = (str(storage), sel["tagStatus"], "tagPrefixList" in sel, frozenset(tags))
        if key in selections:
            what = {
                "untagged": "only one rule may select untagged images",
                "any": "only one rule may have tagStatus 'any'",
            }.get(sel["tagStatus"], "each rule needs a distinct tag list")
            found.append(
                (f"[{index}].selection", f"selects the same images as rule [{selections[key]}]: {what}")
            )
        selections.setdefault(key, index)
    return found
