"""A repository's (or creation template's) lifecycle table -> its lifecycle policy text: the keys
merged with [defaults.lifecycle], then custom `rules` or ecrgen's default policy from the counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ecrgen.config import defaults, schema
from ecrgen.config.findings import Findings
from ecrgen.rules import lifecycle, lifecycle_selection
from ecrgen.rules.lifecycle_selection import MAX_COUNT

COUNT_KEYS = ("max_image_count", "untagged_image_days", "protected_tags")


def lifecycle_policy(
    own: schema.LifecycleTable | None,
    default: schema.LifecycleTable | None,
    here: str,
    production: bool,
    found: Findings,
    warned: Findings,
) -> str | None:
    """The policy JSON text (None: turned off, or not valid and reported); `here` is the table's path."""
    inherited = {key: getattr(default, key) for key in default.model_fields_set} if default else {}
    mine = {key: getattr(own, key) for key in own.model_fields_set} if own else {}
    # Key by key, the repository's own keys winning; but the two modes replace each other: the
    # repository's `rules` drop inherited counts, and its count keys drop inherited `rules`.
    if "rules" in mine:
        inherited = {key: value for key, value in inherited.items() if key not in COUNT_KEYS}
    if set(mine) & set(COUNT_KEYS):
        inherited.pop("rules", None)
    merged = {**inherited, **mine}
    if not merged.get("enabled", defaults.LIFECYCLE_ENABLED):
        ignored = [key for key in mine if key != "enabled"]
        if ignored and mine.get("enabled") is False:  # written together in one table: which is meant?
            warned.add(
                f"{here}.enabled",
                [("", f"false turns the lifecycle policy off, so {', '.join(ignored)} would be ignored")],
            )
        return None

    def at(*keys: str) -> str:
        """Where the keys in effect were written (once at defaults.lifecycle when all come from there)."""
        given = [key for key in keys if key in merged]
        return "defaults.lifecycle" if given and not any(key in mine for key in given) else here

    if merged.get("rules") is not None:
        return _custom(merged, at, found)
    return _default(merged, at, production, found, warned)


def _custom(merged: dict[str, Any], at: Callable[..., str], found: Findings) -> str | None:
    """The user's own `rules`, checked as ECR checks them."""
    counts = [key for key in COUNT_KEYS if key in merged]
    if counts:
        found.add(
            f"{at('rules', *counts)}.rules",
            [
                (
                    "",
                    f"replaces the default policy, so {', '.join(counts)} would be ignored; "
                    "keep one or the other",
                )
            ],
        )
    rules = merged["rules"]
    problems = lifecycle.check_rules(rules)
    found.add(f"{at('rules')}.rules", problems)
    return None if problems else lifecycle.policy_text(rules)


def _default(
    merged: dict[str, Any], at: Callable[..., str], production: bool, found: Findings, warned: Findings
) -> str:
    """ecrgen's default policy from the counts and protected tags."""
    max_count = merged.get("max_image_count", defaults.MAX_IMAGE_COUNT)
    days = merged.get("untagged_image_days", defaults.UNTAGGED_IMAGE_DAYS)
    for key, value in (("max_image_count", max_count), ("untagged_image_days", days)):
        found.add(f"{at(key)}.{key}", lifecycle_selection.check_count(value))
    protected = tuple(merged.get("protected_tags") or ())
    bad_tags = lifecycle_selection.check_protected_tags(protected)
    found.add(f"{at('protected_tags')}.protected_tags", bad_tags)
    duplicates = lifecycle_selection.check_unique_protected_tags(protected)
    found.add(f"{at('protected_tags')}.protected_tags", duplicates)
    if duplicates:
        protected = tuple(dict.fromkeys(protected))
    if production and not protected:
        warned.add(
            at(*COUNT_KEYS),
            [
                (
                    "",
                    "the default lifecycle policy of a production repository has no protected_tags: it "
                    f"expires any image beyond the newest {max_count}, deployed ones too; list the tags of "
                    "deployed images (e.g. protected_tags = ['prod-*', 'v*'])",
                )
            ],
        )
    # Counts out of range are reported on their keys above: the policy is built (and checked) with them
    # clamped into range, so they are not reported twice.
    count, days = (min(max(value, 1), MAX_COUNT) for value in (max_count, days))
    text, problems = lifecycle.default_policy(count, days, protected)
    if not bad_tags:
        found.add(
            at(*COUNT_KEYS),
            [
                (
                    "",
                    "the default policy these settings give is not accepted by ECR: "
                    f"{'rules' + sub + ': ' if sub else ''}{message}",
                )
                for sub, message in problems
            ],
        )
    return text
