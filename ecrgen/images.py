"""A repository's images as `aws ecr describe-images` reports them (the file it prints, or boto3's pages)
read into `ecrgen.rules.lifecycle_evaluation.Image`s, every problem of the file at once.

https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html: imageDigest; imageTags
(absent when untagged); imagePushedAt, lastRecordedPullTime, lastArchivedAt, lastActivatedAt (the CLI
prints ISO 8601, `--cli-timestamp-format` may give epoch seconds, boto3 gives datetimes); imageStatus
(ACTIVE, ARCHIVED, ACTIVATING).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from ecrgen.errors import EcrgenError, Problem, show
from ecrgen.rules.lifecycle_evaluation import Image

SHAPE = 'the JSON that `aws ecr describe-images --repository-name R` prints: {"imageDetails": [...]}'
TIME = "a time (ISO 8601 such as 2025-05-01T12:00:00Z, or epoch seconds)"
OPTIONAL_TIMES = {
    "lastRecordedPullTime": "pulled_at",
    "lastArchivedAt": "archived_at",
    "lastActivatedAt": "activated_at",
}
STATUSES = ("ACTIVE", "ARCHIVED", "ACTIVATING")
MAX_PROBLEMS = 20  # a broken file of 10,000 images gets a readable report, not 10,000 lines


ISO_TIME = "a time in ISO 8601 (such as 2025-05-01T12:00:00Z; UTC when it has no offset)"


def not_a_time(text: str) -> str:
    """What is wrong with a time given on the command line (`--at`) that `parse_time` cannot read."""
    return f"{show(text)} is not {ISO_TIME}"


def parse_time(value: Any) -> dt.datetime | None:
    """An aware datetime (UTC when no offset is given) from ISO 8601 text, epoch seconds or a datetime;
    None when the value is none of these."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return dt.datetime.fromtimestamp(value, dt.UTC)
        except (OverflowError, OSError, ValueError):
            return None
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def read_file(text: str, file: str) -> tuple[Image, ...]:
    """The images of a describe-images file; EcrgenError naming every problem (an empty file, one that is
    not JSON or not of that shape, or lists no image, a bad field)."""
    if not text.strip():
        raise EcrgenError([Problem(file, "", f"is empty; expected {SHAPE}")])
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise EcrgenError(
            [Problem(file, "", f"is not JSON (line {error.lineno}, column {error.colno}: {error.msg})")]
        ) from None
    details = data.get("imageDetails") if isinstance(data, dict) else None
    if not isinstance(details, list):
        raise EcrgenError([Problem(file, "", f"has no imageDetails list; expected {SHAPE}")])
    if not details:
        raise EcrgenError(
            [Problem(file, "imageDetails", "lists no image (an empty repository has nothing to preview)")]
        )
    return read_details(details, file)


def read_details(details: list[Any], file: str) -> tuple[Image, ...]:
    """Images from imageDetails entries (a file's or boto3's), every problem in one EcrgenError."""
    images: list[Image] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(details):
        found: list[tuple[str, str]] = []
        image = _image(entry, found.append)
        problems += [Problem(file, f"imageDetails[{index}]{sub}", message) for sub, message in found]
        if image is None:
            continue
        if image.digest in seen:
            problems.append(
                Problem(
                    file,
                    f"imageDetails[{index}].imageDigest",
                    f"{show(image.digest)} is listed twice (also imageDetails[{seen[image.digest]}])",
                )
            )
        seen.setdefault(image.digest, index)
        images.append(image)
    if problems:
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            more = len(problems) - MAX_PROBLEMS
            shown.append(Problem(file, "", f"and {more} more problem(s) of the same kinds"))
        raise EcrgenError(shown)
    return tuple(images)


def _digest(entry: dict, found: Callable[[tuple[str, str]], None]) -> None:
    """The image's digest: missing or of the wrong kind."""
    digest = entry.get("imageDigest")
    if "imageDigest" not in entry:
        found((".imageDigest", "is missing: every image has its digest (sha256:...)"))
    elif not isinstance(digest, str) or not digest:
        found((".imageDigest", f"{show(digest)} must be the image's digest (sha256:...)"))


def _pushed(entry: dict, found: Callable[[tuple[str, str]], None]) -> None:
    """The image's push time: missing or not a time."""
    if "imagePushedAt" not in entry:
        found((".imagePushedAt", f"is missing: every image has its push time, {TIME}"))
    elif parse_time(entry["imagePushedAt"]) is None:
        found((".imagePushedAt", f"{show(entry['imagePushedAt'])} is not {TIME}"))


def _image(entry: Any, found: Callable[[tuple[str, str]], None]) -> Image | None:
    """One imageDetails entry, or None with its problems reported through `found`."""
    if not isinstance(entry, dict):
        found(("", f"{show(entry)} must be an object with imageDigest and imagePushedAt"))
        return None
    digest, tags = entry.get("imageDigest"), entry.get("imageTags", [])
    _digest(entry, found)
    tags_ok = isinstance(tags, list) and all(isinstance(tag, str) and tag for tag in tags)
    if not tags_ok:
        found((".imageTags", f"{show(tags)} must be a list of tags (absent when untagged)"))
    _pushed(entry, found)
    pushed = parse_time(entry.get("imagePushedAt"))
    times = {}
    for key, field in OPTIONAL_TIMES.items():
        if entry.get(key) is not None:
            times[field] = parse_time(entry[key])
            if times[field] is None:
                found((f".{key}", f"{show(entry[key])} is not {TIME}"))
    status = entry.get("imageStatus", "ACTIVE")
    if status not in STATUSES:
        found((".imageStatus", f"{show(status)} is not allowed (allowed: {', '.join(STATUSES)})"))
    valid = isinstance(digest, str) and digest and tags_ok and pushed is not None
    if not valid or status not in STATUSES or None in times.values():
        return None
    return Image(digest, tuple(tags), pushed, status=status, **times)  # type: ignore[arg-type]
