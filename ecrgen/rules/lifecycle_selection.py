"""What a lifecycle rule selects: its tag status, tag lists and count; and the settings of ecrgen's
default lifecycle policy (max_image_count, untagged_image_days, protected_tags), which become such
selections, checked against the same rules and reported on the keys the user wrote.

https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html (`tagged` needs
tagPrefixList or tagPatternList; `untagged` and `any` have neither; at most four `*` per pattern;
countUnit only, and always, with the age-based count types; countNumber > 0; a tagPatternList entry is
1-128 characters of letters, digits, . _ - and at most four `*` wildcards; each protected tag becomes
one rule, and two rules selecting the same images are rejected)
"""

from __future__ import annotations

import re

from ecrgen.errors import duplicates, show
from ecrgen.rules import Found, is_int, unknown_keys

TAG_STATUSES = ("tagged", "untagged", "any")
COUNT_TYPES = ("imageCountMoreThan", "sinceImagePushed", "sinceImagePulled", "sinceImageTransitioned")
AGE_COUNT_TYPES = COUNT_TYPES[1:]
MAX_WILDCARDS = 4
# countNumber is an Integer in ECR's API (32-bit); the AWS provider fails on larger numbers at apply.
MAX_COUNT = 2_147_483_647
SELECTION_KEYS = (
    "tagStatus",
    "tagPrefixList",
    "tagPatternList",
    "countType",
    "countUnit",
    "countNumber",
    "storageClass",
)


def check_selection(sel: dict) -> Found:
    """The rule's `selection` table, as (sub-path, message); its storage class is `lifecycle_archive`'s."""
    found = unknown_keys(sel, SELECTION_KEYS, ".selection")
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
                        f"{show(pattern)} has {pattern.count('*')} wildcards; "
                        f"ECR allows at most {MAX_WILDCARDS} per pattern",
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
    if not is_int(number) or number < 1:
        found.append((".selection.countNumber", f"{show(number)} must be an integer greater than 0"))
    elif number > MAX_COUNT:
        found.append((".selection.countNumber", too_large(number)))
    return found


def too_large(number: int) -> str:
    """A countNumber past what ECR and the AWS provider read: the apply fails half-way."""
    return f"{number} is more than a countNumber can be (at most {MAX_COUNT}, a 32-bit integer)"


TAG_PATTERN = re.compile(r"[A-Za-z0-9._*-]{1,128}")


def check_count(value: int) -> Found:
    """A count or a number of days (countNumber)."""
    if value < 1:
        return [("", f"{value} must be an integer greater than 0")]
    return [("", too_large(value))] if value > MAX_COUNT else []


def check_protected_tags(protected: tuple[str, ...]) -> Found:
    """Each pattern that ECR would not accept in a tagPatternList, as `[index]`."""
    return [
        (
            f"[{i}]",
            f"{show(tag)} is not a tag pattern (1-128 chars: letters, digits, . _ - and at most "
            f"{MAX_WILDCARDS} * wildcards)",
        )
        for i, tag in enumerate(protected)
        if not TAG_PATTERN.fullmatch(tag) or tag.count("*") > MAX_WILDCARDS
    ]


def check_unique_protected_tags(protected: tuple[str, ...]) -> Found:
    """Two equal patterns would be two rules selecting the same images."""
    repeated = duplicates(protected)
    if repeated is None:
        return []
    return [
        (
            "",
            f"{repeated} (each pattern becomes one lifecycle rule, and ECR rejects two rules "
            "selecting the same images)",
        )
    ]
