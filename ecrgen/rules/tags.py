"""Tags: how many a resource may carry, and IAM's case-insensitive tag keys on the role.

- https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html: at most 50 user tags per resource
  (each key and value is checked by `ecrgen.rules.names.tag_key` and `tag_value`).
- https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html: IAM tag keys are not case sensitive, so
  'team' and 'Team' on one role are duplicates to IAM (the provider's default_tags reach the role).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ecrgen.errors import show
from ecrgen.rules import Found

MAX_TAGS = 50
# The tags every resource gets from the provider's default_tags (`Account.default_tags`).
DEFAULT_TAG_KEYS = ("Project", "Environment", "ManagedBy")
# The tag ecrgen writes on every repository it guards (a production account's, one with prevent_destroy,
# an adopted one). The state keeps it, so the plan's `before` says the repository was guarded even when
# the same change demotes the account, drops prevent_destroy or adopt, or removes the repository.
GUARD_TAG = "ecrgen:guarded"


def check_account_tags(tags: Mapping[str, str]) -> Found:
    """The account's tags with the default ones: a user tag of a default's key replaces it."""
    total = len(set(tags) | set(DEFAULT_TAG_KEYS) | {GUARD_TAG})
    if total <= MAX_TAGS:
        return []
    return [
        (
            "",
            f"has {len(tags)} tags; with Project, Environment, ManagedBy and {GUARD_TAG} (on guarded "
            f"repositories) that makes {total} and AWS allows {MAX_TAGS}",
        )
    ]


def check_repository_tags(tags: Mapping[str, str], account_tags: Iterable[str], guarded: bool) -> Found:
    """A repository's own tags, counted with the provider's default_tags (the defaults, the account's
    [tags]) and the guard tag: a repository tag of a default tag's key replaces it (the provider's rule)."""
    if GUARD_TAG in tags:
        return [
            (f".{GUARD_TAG}", f"{GUARD_TAG!r} is ecrgen's own tag (on guarded repositories); use another key")
        ]
    keys = set(tags) | set(DEFAULT_TAG_KEYS) | set(account_tags) | ({GUARD_TAG} if guarded else set())
    if len(keys) <= MAX_TAGS:
        return []
    guard = f" and {GUARD_TAG}" if guarded else ""
    return [
        (
            "",
            f"has {len(tags)} tags; with the provider's default tags (Project, Environment, ManagedBy and "
            f"[tags]){guard} that makes {len(keys)} and AWS allows {MAX_TAGS}",
        )
    ]


def check_resource_tags(tags: Mapping[str, str]) -> Found:
    """The tags a repository creation template gives the repositories it creates."""
    return [] if len(tags) <= MAX_TAGS else [("", f"has {len(tags)} tags; AWS allows {MAX_TAGS}")]


def role_case_clashes(keys: Iterable[str]) -> Found:
    """Each tag key on the role that differs from an earlier key (the default ones first) only in case.
    The first item of each pair is the tag key itself, for the caller to place under `tags`."""
    found: Found = []
    first: dict[str, str] = {key.lower(): key for key in DEFAULT_TAG_KEYS}
    for key in keys:
        if key.lower() in first and first[key.lower()] != key:
            found.append(
                (
                    key,
                    f"{show(key)} differs from the tag {first[key.lower()]!r} only in case; IAM treats the "
                    f"role's tag keys case-insensitively and rejects both: use {first[key.lower()]!r}",
                )
            )
        first.setdefault(key.lower(), key)
    return found
