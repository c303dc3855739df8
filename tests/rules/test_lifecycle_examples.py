"""Every worked example of AWS's "Examples of lifecycle policies" page, with AWS's stated outcome.

https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_examples.html (current page: its
tag selections are tagPatternList entries such as ["prod*"]) and the older snapshot of the same page in
github.com/awsdocs/amazon-ecr-user-guide (doc_source/lifecycle_policy_examples.md: the same examples with
tagPrefixList ["prod"]). Each example with repository contents runs in both forms: a prefix `p` and the
pattern `p*` select the same tags. The two examples without repository contents (image age, image count)
get a small repository that shows what AWS says the policy does.
"""

from __future__ import annotations

import datetime as dt

import pytest

from ecrgen.rules.lifecycle import check_rules
from ecrgen.rules.lifecycle_evaluation import Image, evaluate

AT = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)


def repository(*images: tuple[str, list[str], float]) -> list[Image]:
    """AWS's "Image A, Taglist: [...], Pushed: N days ago" lines."""
    return [Image(name, tuple(tags), AT - dt.timedelta(days=days)) for name, tags, days in images]


def tagged(form: str, *prefixes: str) -> dict:
    """A tagged selection in AWS's older form (tagPrefixList) or its current one (tagPatternList)."""
    if form == "prefix":
        return {"tagStatus": "tagged", "tagPrefixList": list(prefixes)}
    return {"tagStatus": "tagged", "tagPatternList": [f"{prefix}*" for prefix in prefixes]}


def count_rule(priority: int, selection: dict, number: int = 1) -> dict:
    return {
        "rulePriority": priority,
        "description": f"Rule {priority}",
        "selection": {**selection, "countType": "imageCountMoreThan", "countNumber": number},
        "action": {"type": "expire"},
    }


def age_rule(priority: int, selection: dict, days: int) -> dict:
    return {
        "rulePriority": priority,
        "description": f"Rule {priority}",
        "selection": {**selection, "countType": "sinceImagePushed", "countUnit": "days", "countNumber": days},
        "action": {"type": "expire"},
    }


def expired(rules: list[dict], images: list[Image]) -> list[str]:
    assert check_rules(rules) == []  # every example is a policy ECR accepts
    return sorted(o.image.digest for o in evaluate(rules, images, AT) if o.action == "expire")


FORMS = pytest.mark.parametrize("form", ["prefix", "pattern"])


def test_filtering_on_image_age():
    """ "The following example shows the lifecycle policy syntax for a policy that expires images with a
    tag starting with prod by using a tagPatternList of prod* that are also older than 14 days." (The
    older page: "expires untagged images older than 14 days"; both run here.)"""
    images = repository(("old-prod", ["prod-1"], 20), ("new-prod", ["prod-2"], 3), ("old-dev", ["dev-1"], 20))
    current = [age_rule(1, {"tagStatus": "tagged", "tagPatternList": ["prod*"]}, 14)]
    assert expired(current, images) == ["old-prod"]
    untagged = repository(("old", [], 20), ("new", [], 3), ("tagged", ["v1"], 20))
    assert expired([age_rule(1, {"tagStatus": "untagged"}, 14)], untagged) == ["old"]


def test_filtering_on_image_count():
    """ "The following example shows the lifecycle policy syntax for a policy that keeps only one untagged
    image and expires all others.\""""
    images = repository(("u1", [], 3), ("u2", [], 2), ("u3", [], 1), ("t", ["v1"], 9))
    assert expired([count_rule(1, {"tagStatus": "untagged"})], images) == ["u1", "u2"]


@FORMS
def test_multiple_rules_example_a(form):
    """Repository contents: Image A, Taglist: ["beta-1", "prod-1"], Pushed: 10 days ago; Image B,
    Taglist: ["beta-2", "prod-2"], Pushed: 9 days ago; Image C, Taglist: ["beta-3"], Pushed: 8 days ago.
    Rule 1: tagged prod, imageCountMoreThan 1; Rule 2: tagged beta, imageCountMoreThan 1.
    "Rule 1 identifies images tagged with prefix prod. ... It marks Image A for expiration. Rule 2
    identifies images tagged with prefix beta. ... It marks both Image A and Image B for expiration.
    However, Image A has already been seen by Rule 1 and if Image B were expired it would violate Rule 1
    and thus is skipped. Result: Image A is expired.\""""
    images = repository(("A", ["beta-1", "prod-1"], 10), ("B", ["beta-2", "prod-2"], 9), ("C", ["beta-3"], 8))
    rules = [count_rule(1, tagged(form, "prod")), count_rule(2, tagged(form, "beta"))]
    assert expired(rules, images) == ["A"]


@FORMS
def test_multiple_rules_example_b(form):
    """ "This is the same repository as the previous example but the rule priority order is changed"
    (Rule 1: beta, Rule 2: prod). "Rule 1 ... sees all three images and would mark Image A and Image B
    for expiration. Rule 2 ... would see no images because all available images were already seen by
    Rule 1 and thus would mark no additional images. Result: Images A and B are expired.\""""
    images = repository(("A", ["beta-1", "prod-1"], 10), ("B", ["beta-2", "prod-2"], 9), ("C", ["beta-3"], 8))
    rules = [count_rule(1, tagged(form, "beta")), count_rule(2, tagged(form, "prod"))]
    assert expired(rules, images) == ["A", "B"]


@FORMS
def test_multiple_tags_in_a_single_rule_example_a(form):
    """ "When multiple tag prefixes are specified on a single rule, images must match all listed tag
    prefixes." Image A ["alpha-1"] 12 days; B ["beta-1"] 11; C ["alpha-2", "beta-2"] 10; D ["alpha-3"]
    4; E ["beta-3"] 3; F ["alpha-4", "beta-4"] 2. Rule 1: tagged alpha and beta, sinceImagePushed 5 days.
    "Rule 1 identifies images tagged with alpha and beta. It sees images C and F. It should mark images
    that are older than five days, which would be Image C. Result: Image C is expired.\""""
    images = repository(
        ("A", ["alpha-1"], 12),
        ("B", ["beta-1"], 11),
        ("C", ["alpha-2", "beta-2"], 10),
        ("D", ["alpha-3"], 4),
        ("E", ["beta-3"], 3),
        ("F", ["alpha-4", "beta-4"], 2),
    )
    assert expired([age_rule(1, tagged(form, "alpha", "beta"), 5)], images) == ["C"]


@FORMS
def test_multiple_tags_in_a_single_rule_example_b(form):
    """ "The following example illustrates that tags are not exclusive." Image A ["alpha-1", "beta-1",
    "gamma-1"] 10 days; B ["alpha-2", "beta-2"] 9; C ["alpha-3", "beta-3", "gamma-2"] 8. Rule 1: tagged
    alpha and beta, imageCountMoreThan 1. "Rule 1 identifies images tagged with alpha and beta. It sees
    all images. ... It marks image A and B for expiration. Result: Images A and B are expired.\""""
    images = repository(
        ("A", ["alpha-1", "beta-1", "gamma-1"], 10),
        ("B", ["alpha-2", "beta-2"], 9),
        ("C", ["alpha-3", "beta-3", "gamma-2"], 8),
    )
    assert expired([count_rule(1, tagged(form, "alpha", "beta"))], images) == ["A", "B"]


def test_all_images_example_a():
    """ "... a policy that applies to all rules but keeps only one image and expires all others." Image A
    ["alpha-1"] 4 days; B ["beta-1"] 3; C [] 2; D ["alpha-2"] 1. Rule 1: any, imageCountMoreThan 1.
    "It marks images A, B, and C for expiration. Result: Images A, B, and C are expired.\""""
    images = repository(("A", ["alpha-1"], 4), ("B", ["beta-1"], 3), ("C", [], 2), ("D", ["alpha-2"], 1))
    assert expired([count_rule(1, {"tagStatus": "any"})], images) == ["A", "B", "C"]


@FORMS
def test_all_images_example_b(form):
    """ "... a lifecycle policy that combines all the rule types in a single policy." Image A ["alpha-1",
    "beta-1"] 4 days; B [] 3; C ["alpha-2"] 2; D ["git hash"] 1; E [] 1. Rule 1: tagged alpha,
    imageCountMoreThan 1; Rule 2: untagged, sinceImagePushed 1 day; Rule 3: any, imageCountMoreThan 1.
    "Rule 1 ... marks image A. Rule 2 ... marks image B. Rule 3 identifies all images ... It should keep
    the newest image and mark the rest for expiration. However, it can't mark images A, B, C, or E
    because they were identified by higher priority rules. It marks image D for expiration. Result:
    Images A, B, and D are expired."

    AWS lists D and E both as "Pushed: 1 day ago"; its outcome (Rule 3 keeps one image and marks D)
    means E was pushed after D, so E is pushed an hour later here. E, exactly one day old or less, is
    not "older than one day" for Rule 2."""
    images = repository(
        ("A", ["alpha-1", "beta-1"], 4),
        ("B", [], 3),
        ("C", ["alpha-2"], 2),
        ("D", ["git hash"], 1),
        ("E", [], 1 - 1 / 24),
    )
    rules = [
        count_rule(1, tagged(form, "alpha")),
        age_rule(2, {"tagStatus": "untagged"}, 1),
        count_rule(3, {"tagStatus": "any"}),
    ]
    assert expired(rules, images) == ["A", "B", "D"]
