"""The settings of ecrgen's default lifecycle policy (max_image_count, untagged_image_days,
protected_tags) against ECR's lifecycle rules, reported on the keys the user wrote.

https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html: countNumber
must be greater than 0; a tagPatternList entry is 1-128 characters of letters, digits, . _ - and at
most four `*` wildcards; each protected tag becomes one rule, and two rules selecting the same images
are rejected.
"""

from __future__ import annotations

import re

from ecrgen.errors import duplicates, show
from ecrgen.rules import Found
from ecrgen.rules.lifecycle_selection import MAX_COUNT, MAX_WILDCARDS, too_large

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
