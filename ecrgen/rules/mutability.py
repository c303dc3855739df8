"""Image tag mutability and its exclusion filters.

https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html and
https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageTagMutabilityExclusionFilter.html:
filters only with a *_WITH_EXCLUSION setting, 1 to 5 of them, each matching ^[0-9a-zA-Z._*-]{1,128}$.
"""

from __future__ import annotations

import re

from ecrgen.errors import show
from ecrgen.rules import Found

SETTINGS = ("MUTABLE", "IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION")
FILTER = re.compile(r"[0-9a-zA-Z._*-]{1,128}")
MAX_FILTERS = 5
FILTER_COUNT = f"1 to {MAX_FILTERS} tag filters"  # how many ECR takes, as messages say it


def resolve(explicit: str | None, mutable_tags: tuple[str, ...], default: str) -> tuple[str | None, Found]:
    """The mutability to emit: `explicit`, else `default`; `mutable_tags` turn IMMUTABLE into
    IMMUTABLE_WITH_EXCLUSION. Only explicit settings that contradict each other are errors."""
    if explicit == "MUTABLE" and mutable_tags:
        return None, [
            (
                "mutable_tags",
                "is not allowed with image_tag_mutability 'MUTABLE' (every tag is mutable already); "
                "use IMMUTABLE with mutable_tags",
            )
        ]
    if explicit == "IMMUTABLE_WITH_EXCLUSION" and not mutable_tags:
        return None, [
            (
                "mutable_tags",
                f"is required with image_tag_mutability 'IMMUTABLE_WITH_EXCLUSION' ({FILTER_COUNT})",
            )
        ]
    if mutable_tags:
        return "IMMUTABLE_WITH_EXCLUSION", check_filters(mutable_tags)
    return explicit or default, []


def check_filters(filters: tuple[str, ...]) -> Found:
    """ECR's limits on exclusion filters."""
    found: Found = []
    if len(filters) > MAX_FILTERS:
        found.append(
            (
                "mutable_tags",
                f"has {len(filters)} filters; ECR allows at most {MAX_FILTERS} exclusion filters",
            )
        )
    for index, value in enumerate(filters):
        if not FILTER.fullmatch(value):
            found.append(
                (
                    f"mutable_tags[{index}]",
                    f"{show(value)} is not a valid tag filter "
                    "(1-128 chars: letters, digits, . _ - and * wildcards)",
                )
            )
    if len(set(filters)) != len(filters):
        found.append(("mutable_tags", "has duplicate filters"))
    return found
