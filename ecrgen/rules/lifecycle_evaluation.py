"""What a lifecycle policy does to a repository's images, decided as Amazon ECR's lifecycle policy
evaluator decides it: per image, expire, transition (to the archive storage class) or keep, and the rule.

AWS's pages, each rule cited where it is applied:

- [EVAL] https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html#lp_evaluation_rules
  ("Lifecycle policy evaluation rules": all rules are evaluated at the same time, then applied by rule
  priority; an image is expired by exactly one or zero rules; an image that matches the tagging
  requirements of a rule cannot be expired by a rule with a lower priority; rules can never mark images
  marked by higher-priority rules but still identify them as if they had not been expired; expiration is
  ordered by push time, older images first; a tagPrefixList matches when all of its prefixes match some
  tag of the image; imageCountMoreThan sorts youngest to oldest by push time and expires all beyond the
  count; sinceImagePushed expires images pushed longer ago than countNumber days)
- [PARAMS] https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html
  (tagStatus tagged, untagged, any; tagPatternList: patterns with `*` wildcards, an image is selected only
  when it carries all listed patterns; storageClass standard or archive; countType sinceImagePulled and
  sinceImageTransitioned; action expire or transition with targetStorageClass archive)
- [ARCHIVE] https://docs.aws.amazon.com/AmazonECR/latest/userguide/archive-image.html (archived images
  have imageStatus ARCHIVED in describe-images; a lifecycle rule can expire them by time in archive)
- [EXAMPLES] https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_examples.html

Where AWS's pages leave the archive tier open, the reading that reports more images affected is taken
(a preview that warns too often is safe; one that misses a deletion is not), each marked CONSERVATIVE.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

DAY = dt.timedelta(days=1)
EXPIRE, TRANSITION, KEEP = "expire", "transition", "keep"
ARCHIVED = "ARCHIVED"


@dataclass(frozen=True)
class Image:
    """One image as describe-images reports it; times are aware datetimes (UTC)."""

    digest: str
    tags: tuple[str, ...]
    pushed_at: dt.datetime
    pulled_at: dt.datetime | None = None  # lastRecordedPullTime
    status: str = "ACTIVE"  # imageStatus: ACTIVE, ARCHIVED, ACTIVATING
    archived_at: dt.datetime | None = None  # lastArchivedAt
    activated_at: dt.datetime | None = None  # lastActivatedAt

    @property
    def storage_class(self) -> str:
        """`archive` for an archived image, else `standard` (an ACTIVATING image is on its way back)."""
        return "archive" if self.status == ARCHIVED else "standard"


@dataclass(frozen=True)
class Outcome:
    """What the policy does to one image: `expire`, `transition` or `keep`, and by which rule (None: kept)."""

    image: Image
    action: str
    rule_priority: int | None
    description: str | None = None


@lru_cache(maxsize=1024)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.DOTALL)


def tags_match(selection: dict, tags: Sequence[str]) -> bool:
    """Whether an image with `tags` meets the selection's tagging requirements (storage class aside)."""
    status = selection["tagStatus"]
    if status == "any":  # [PARAMS] all images have the rule evaluated against them
        return True
    if status == "untagged":
        return not tags
    if not tags:
        return False
    # [EVAL] every prefix must match some tag; [PARAMS] likewise every pattern ("all specified tags").
    if "tagPrefixList" in selection:
        return all(any(tag.startswith(prefix) for tag in tags) for prefix in selection["tagPrefixList"])
    return all(
        any(_compiled(pattern).fullmatch(tag) for tag in tags) for pattern in selection["tagPatternList"]
    )


def selects(selection: dict, image: Image) -> bool:
    """Whether the rule identifies the image: its tagging requirements and its storage class [PARAMS]."""
    # CONSERVATIVE: a rule identifies (and so shields from lower-priority rules) only images of its own
    # storage class; AWS does not say whether a standard rule's tag match also shields archived images.
    return image.storage_class == selection.get("storageClass", "standard") and tags_match(
        selection, image.tags
    )


def reference_time(count_type: str, image: Image) -> dt.datetime:
    """The time an age-based rule counts from."""
    if count_type == "sinceImagePulled":
        # CONSERVATIVE: an image never pulled counts from its push; lastActivatedAt (a restore from the
        # archive) does not postpone it, as AWS does not say that it does.
        return image.pulled_at or image.pushed_at
    if count_type == "sinceImageTransitioned":
        # CONSERVATIVE: an archived image without lastArchivedAt counts from its push.
        return image.archived_at or image.pushed_at
    return image.pushed_at  # sinceImagePushed [EVAL]


def candidates(selection: dict, selected: list[Image], at: dt.datetime) -> list[Image]:
    """The selected images the rule's count marks, oldest first [EVAL]."""
    count_type, number = selection["countType"], selection["countNumber"]
    by_push = sorted(selected, key=_push_order)
    if count_type == "imageCountMoreThan":
        # [EVAL] sorted youngest to oldest by push time; all images beyond the count are marked.
        return by_push[: max(len(by_push) - number, 0)]
    # [EVAL] images older than countNumber days ("older than": an image exactly N days old is kept).
    limit = at - number * DAY
    return [image for image in by_push if reference_time(count_type, image) < limit]


def _push_order(image: Image) -> tuple[dt.datetime, str]:
    """Oldest first; equal push times ordered by digest, so that the outcome never depends on input order."""
    return image.pushed_at, image.digest


def evaluate(rules: Iterable[dict], images: Sequence[Image], at: dt.datetime) -> list[Outcome]:
    """Each image's outcome, in input order, under well-formed `rules` (as `lifecycle.check_rules`
    accepts them) at time `at`."""
    decided: dict[str, Outcome] = {}
    identified: set[str] = set()  # images a higher-priority rule matched
    for rule in sorted(rules, key=lambda r: r["rulePriority"]):
        selection, action = rule["selection"], rule["action"]
        # [EVAL] all rules see every image "as if they haven't been expired" ...
        selected = [image for image in images if selects(selection, image)]
        for image in candidates(selection, selected, at):
            # ... but never mark one that a higher-priority rule identified (or marked).
            if image.digest not in identified and image.digest not in decided:
                kind = TRANSITION if action["type"] == "transition" else EXPIRE
                decided[image.digest] = Outcome(image, kind, rule["rulePriority"], rule.get("description"))
        identified.update(image.digest for image in selected)
    return [decided.get(image.digest) or Outcome(image, KEEP, None) for image in images]
