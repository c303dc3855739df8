"""Image tag mutability and its exclusion filters.

https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html and
https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageTagMutabilityExclusionFilter.html:
filters only with a *_WITH_EXCLUSION setting, 1 to 5 of them, each matching ^[0-9a-zA-Z._*-]{1,128}$.
IMMUTABLE_WITH_EXCLUSION keeps every tag immutable but the filters' (ecrgen's `mutable_tags`);
MUTABLE_WITH_EXCLUSION keeps every tag mutable but the filters' (`immutable_tags`). The mutable mode must
be written: `immutable_tags` never switch a repository to it (a production repository must not become
mutable by inference).
"""

from __future__ import annotations

import re

from ecrgen.errors import show
from ecrgen.rules import Found

SETTINGS = ("MUTABLE", "IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION", "MUTABLE_WITH_EXCLUSION")
FILTER = re.compile(r"[0-9a-zA-Z._*-]{1,128}")
MAX_FILTERS = 5
FILTER_COUNT = f"1 to {MAX_FILTERS} tag filters"  # how many ECR takes, as messages say it
# The filters' key for each *_WITH_EXCLUSION setting.
FILTER_KEYS = {"IMMUTABLE_WITH_EXCLUSION": "mutable_tags", "MUTABLE_WITH_EXCLUSION": "immutable_tags"}


def resolve(
    explicit: str | None, mutable_tags: tuple[str, ...], immutable_tags: tuple[str, ...], default: str
) -> tuple[str | None, Found]:
    """The mutability to emit: `explicit`, else `default`; `mutable_tags` turn IMMUTABLE into
    IMMUTABLE_WITH_EXCLUSION; `immutable_tags` need MUTABLE_WITH_EXCLUSION written out. Only explicit
    settings that contradict each other are errors."""
    if found := _contradictions(explicit, mutable_tags, immutable_tags):
        return None, found
    if mutable_tags:
        return "IMMUTABLE_WITH_EXCLUSION", check_filters(mutable_tags)
    if immutable_tags:
        return "MUTABLE_WITH_EXCLUSION", check_filters(immutable_tags, "immutable_tags")
    return explicit or default, []


def _contradictions(
    explicit: str | None, mutable_tags: tuple[str, ...], immutable_tags: tuple[str, ...]
) -> Found:
    if mutable_tags and immutable_tags:
        return [
            (
                "immutable_tags",
                "is not allowed with mutable_tags: list the tags that stay mutable (mutable_tags, "
                "IMMUTABLE_WITH_EXCLUSION) or those that stay immutable (immutable_tags, "
                "MUTABLE_WITH_EXCLUSION), not both",
            )
        ]
    if explicit in ("MUTABLE", "MUTABLE_WITH_EXCLUSION") and mutable_tags:
        return [
            (
                "mutable_tags",
                f"is not allowed with image_tag_mutability {explicit!r} (every tag is mutable already); "
                "use IMMUTABLE with mutable_tags",
            )
        ]
    if immutable_tags and explicit != "MUTABLE_WITH_EXCLUSION":
        written = f"not {explicit!r}" if explicit else "written out"
        return [
            (
                "immutable_tags",
                f"needs image_tag_mutability = 'MUTABLE_WITH_EXCLUSION' ({written}): immutable_tags never "
                "make a repository mutable by themselves",
            )
        ]
    key = FILTER_KEYS.get(explicit or "")
    if key and not (mutable_tags if key == "mutable_tags" else immutable_tags):
        return [(key, f"is required with image_tag_mutability {explicit!r} ({FILTER_COUNT})")]
    return []


def check_filters(filters: tuple[str, ...], key: str = "mutable_tags") -> Found:
    """ECR's limits on exclusion filters (listed under `key`)."""
    found: Found = []
    if len(filters) > MAX_FILTERS:
        found.append(
            (
                key,
                f"has {len(filters)} filters; ECR allows at most {MAX_FILTERS} exclusion filters",
            )
        )
    for index, value in enumerate(filters):
        if not FILTER.fullmatch(value):
            found.append(
                (
                    f"{key}[{index}]",
                    f"{show(value)} is not a valid tag filter "
                    "(1-128 chars: letters, digits, . _ - and * wildcards)",
                )
            )
    if len(set(filters)) != len(filters):
        found.append((key, "has duplicate filters"))
    return found
