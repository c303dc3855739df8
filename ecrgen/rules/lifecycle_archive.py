"""A lifecycle rule's storage class and action: expiring images, or moving them to the archive tier.

- https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html (storage
  classes `standard` and `archive`; the action `expire`, or `transition` with targetStorageClass
  `archive`; `sinceImageTransitioned` counts archived images)
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html (archived images have a
  90-day minimum storage duration)
"""

from __future__ import annotations

from ecrgen.errors import show
from ecrgen.rules import Found, is_int, unknown_keys

STORAGE_CLASSES = ("standard", "archive")
ACTIONS = ("expire", "transition")
ACTION_KEYS = ("type", "targetStorageClass")
ARCHIVE_MINIMUM_DAYS = 90


def check_storage(sel: dict) -> Found:
    """The selection's storageClass, and that `sinceImageTransitioned` selects archived images."""
    found: Found = []
    storage = sel.get("storageClass", "standard")
    if storage not in STORAGE_CLASSES:
        found.append(
            (".selection.storageClass", f"{show(storage)} is not allowed (allowed: standard, archive)")
        )
    if sel.get("countType") == "sinceImageTransitioned" and storage != "archive":
        found.append(
            (
                ".selection.countType",
                "'sinceImageTransitioned' selects archived images only: set storageClass 'archive'",
            )
        )
    return found


def check_action(action: dict, sel: dict) -> Found:
    """The rule's `action` table, given what the rule selects."""
    found = unknown_keys(action, ACTION_KEYS, ".action")
    kind, target = action.get("type"), action.get("targetStorageClass")
    storage = sel.get("storageClass", "standard")
    if kind not in ACTIONS:
        return found + [(".action.type", f"{show(kind)} is not allowed (allowed: expire, transition)")]
    if kind == "transition":
        if target != "archive":
            found.append(
                (
                    ".action.targetStorageClass",
                    f"{show(target)} is not allowed: "
                    "a 'transition' action needs targetStorageClass 'archive'",
                )
            )
        if storage == "archive":
            found.append(
                (
                    ".selection.storageClass",
                    "archived images cannot be transitioned again; "
                    "only 'expire' applies to storageClass 'archive'",
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
        and is_int(number)
        and number < ARCHIVE_MINIMUM_DAYS
    ):
        found.append(
            (
                ".selection.countNumber",
                f"{number} days is below the {ARCHIVE_MINIMUM_DAYS}-day "
                "minimum storage duration of archived images",
            )
        )
    return found
