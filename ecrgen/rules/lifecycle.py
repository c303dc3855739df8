"""ECR lifecycle policies: the policy text, every rule ECR enforces at PutLifecyclePolicy, and the
default policy checked as custom rules are. What one rule selects is `lifecycle_selection`'s, its
storage class and action `lifecycle_archive`'s, the default rules `lifecycle_default`'s.

- https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html
  (rulePriority unique and >= 1; the `any` rule has the highest priority)
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html
  (an image that matches the tag selection of a rule is never expired by a lower-priority rule)
- https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutLifecyclePolicy.html
  (lifecyclePolicyText length 100-30,720)
"""

from __future__ import annotations

import functools
import json
from typing import Any

from ecrgen.errors import show
from ecrgen.rules import Found, is_int, unknown_keys
from ecrgen.rules.lifecycle_archive import check_action, check_storage
from ecrgen.rules.lifecycle_default import default_rules
from ecrgen.rules.lifecycle_selection import TAG_STATUSES, check_selection

POLICY_TEXT_LENGTH = (100, 30_720)
RULE_KEYS = ("rulePriority", "description", "selection", "action")


@functools.lru_cache(maxsize=256)
def default_policy(
    max_image_count: int, untagged_image_days: int, protected_tags: tuple[str, ...]
) -> tuple[str, tuple]:
    """The default policy's text, and what ECR would reject in it (the same checks as custom rules:
    e.g. many or long protected tags make the text too long). Cached: the same few settings recur
    across hundreds of repositories."""
    rules = default_rules(max_image_count, untagged_image_days, protected_tags)
    return policy_text(rules), tuple(check_rules(rules))


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


def _check_rule(rule: Any) -> Found:
    if not isinstance(rule, dict):
        return [("", f"{show(rule)} must be a table with rulePriority, selection and action")]
    found = unknown_keys(rule, RULE_KEYS, "")
    priority = rule.get("rulePriority")
    if not is_int(priority) or priority < 1:
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
    return found + check_selection(selection) + check_storage(selection) + check_action(action, selection)


def _plain_values(rule: dict) -> Found:
    """Values a JSON policy can hold: TOML dates and times and non-finite floats cannot be sent to ECR."""

    def bad(value: Any) -> bool:
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


def _check_across(rules: list[Any]) -> Found:
    """Rules that are fine alone but not together (checked among the rules well-formed enough)."""
    found: Found = []
    by_priority: dict[int, int] = {}
    formed: dict[int, dict] = {
        i: r
        for i, r in enumerate(rules)
        if isinstance(r, dict)
        and is_int(r.get("rulePriority"))
        and isinstance(r.get("selection"), dict)
        and r["selection"].get("tagStatus") in TAG_STATUSES
    }
    if not formed:
        return found
    for index, rule in formed.items():
        if rule["rulePriority"] in by_priority:
            found.append(
                (
                    f"[{index}].rulePriority",
                    f"{rule['rulePriority']} is already used by rule "
                    f"[{by_priority[rule['rulePriority']]}]; priorities must be unique",
                )
            )
        by_priority.setdefault(rule["rulePriority"], index)
    highest = max(rule["rulePriority"] for rule in formed.values())
    selections: dict[tuple, int] = {}
    for index, rule in formed.items():
        sel = rule["selection"]
        storage = sel.get("storageClass", "standard")
        if sel["tagStatus"] == "any" and rule["rulePriority"] != highest:
            found.append(
                (
                    f"[{index}].rulePriority",
                    f"{rule['rulePriority']} is not allowed: the rule with tagStatus 'any' must have "
                    f"the highest rulePriority ({highest} is higher) and be evaluated last",
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
