"""Each of AWS's lifecycle evaluation rules, one behaviour per test (`ecrgen.rules.lifecycle_evaluation`;
AWS's pages are cited in its docstring, the worked examples are `test_lifecycle_examples.py`'s)."""

from __future__ import annotations

import datetime as dt

import pytest

from ecrgen.rules.lifecycle_evaluation import Image, evaluate, tags_match

AT = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)


def image(name: str, *tags: str, days: float = 0, **times: float | str) -> Image:
    """An image pushed `days` before AT; `pulled`, `archived` (days before AT) and `status` optional."""
    ago = {key: AT - dt.timedelta(days=value) for key, value in times.items() if key != "status"}
    return Image(
        f"sha256:{name}",
        tuple(tags),
        AT - dt.timedelta(days=days),
        pulled_at=ago.get("pulled"),
        archived_at=ago.get("archived"),
        status=str(times.get("status", "ACTIVE")),
    )


def rule(priority: int, count: str = "imageCountMoreThan", number: int = 1, **selection) -> dict:
    action = selection.pop("action", {"type": "expire"})
    unit = {} if count == "imageCountMoreThan" else {"countUnit": "days"}
    selection.setdefault("tagStatus", "any")
    return {
        "rulePriority": priority,
        "selection": {**selection, "countType": count, "countNumber": number, **unit},
        "action": action,
    }


def outcome(rules: list[dict], images: list[Image]) -> dict[str, tuple[str, int | None]]:
    return {o.image.digest[7:]: (o.action, o.rule_priority) for o in evaluate(rules, images, AT)}


def expired(rules: list[dict], images: list[Image]) -> set[str]:
    return {name for name, (action, _) in outcome(rules, images).items() if action == "expire"}


@pytest.mark.parametrize(
    ("selection", "tags", "matches"),
    [
        ({"tagStatus": "any"}, (), True),
        ({"tagStatus": "any"}, ("v1",), True),
        ({"tagStatus": "untagged"}, (), True),
        ({"tagStatus": "untagged"}, ("v1",), False),
        ({"tagStatus": "tagged", "tagPrefixList": ["prod"]}, (), False),
        ({"tagStatus": "tagged", "tagPrefixList": ["prod"]}, ("prod-1",), True),
        (
            {"tagStatus": "tagged", "tagPrefixList": ["prod"]},
            ("preprod-1",),
            False,
        ),  # a prefix, not a substring
        ({"tagStatus": "tagged", "tagPrefixList": ["prod"]}, ("Prod-1",), False),  # case-sensitive
        # all prefixes must each match some tag of the image (not necessarily the same tag)
        ({"tagStatus": "tagged", "tagPrefixList": ["alpha", "beta"]}, ("alpha-1", "beta-1"), True),
        ({"tagStatus": "tagged", "tagPrefixList": ["alpha", "beta"]}, ("alpha-1",), False),
        ({"tagStatus": "tagged", "tagPatternList": ["prod*"]}, ("prod",), True),  # * matches nothing too
        ({"tagStatus": "tagged", "tagPatternList": ["prod*"]}, ("prod2",), True),
        ({"tagStatus": "tagged", "tagPatternList": ["prod"]}, ("prod2",), False),  # no *: the whole tag
        ({"tagStatus": "tagged", "tagPatternList": ["*prod"]}, ("preprod",), True),
        ({"tagStatus": "tagged", "tagPatternList": ["*prod"]}, ("prod-1",), False),
        ({"tagStatus": "tagged", "tagPatternList": ["v*.*.*"]}, ("v1.2.3",), True),
        ({"tagStatus": "tagged", "tagPatternList": ["v*.*.*"]}, ("v1.2",), False),
        ({"tagStatus": "tagged", "tagPatternList": ["*test*1*2*3"]}, ("my-test-10-20-3",), True),
        ({"tagStatus": "tagged", "tagPatternList": ["v1.?"]}, ("v1.2",), False),  # only * is a wildcard
        ({"tagStatus": "tagged", "tagPatternList": ["v1.2"]}, ("v1x2",), False),  # . is literal
        ({"tagStatus": "tagged", "tagPatternList": ["alpha*", "beta*"]}, ("alpha-1", "beta-1"), True),
        ({"tagStatus": "tagged", "tagPatternList": ["alpha*", "beta*"]}, ("beta-1",), False),
    ],
)
def test_tag_selection(selection, tags, matches):
    assert tags_match(selection, tags) is matches


def test_image_count_keeps_the_newest_by_push_time_whatever_the_input_order():
    images = [image("b", days=2), image("c", days=1), image("a", days=3)]
    assert outcome([rule(1, number=2)], images) == {
        "b": ("keep", None),
        "c": ("keep", None),
        "a": ("expire", 1),
    }


def test_image_count_orders_equal_push_times_by_digest():
    images = [image("y", days=1), image("x", days=1)]
    assert expired([rule(1, number=1)], images) == {"x"}
    assert expired([rule(1, number=1)], list(reversed(images))) == {"x"}


def test_image_count_below_the_count_expires_nothing():
    assert expired([rule(1, number=3)], [image("a", days=9), image("b", days=8)]) == set()


def test_since_image_pushed_expires_only_images_older_than_the_days():
    images = [image("old", days=14.01), image("exact", days=14), image("new", days=2)]
    assert expired([rule(1, "sinceImagePushed", 14)], images) == {"old"}


def test_rules_apply_by_rule_priority_not_by_their_order_in_the_list():
    """The untagged rule (priority 1) shields the untagged image from the count rule (priority 2)."""
    images = [image("tagged", "v1", days=5), image("untagged", days=10)]
    rules = [rule(2, number=1), rule(1, "sinceImagePushed", 30, tagStatus="untagged")]
    assert outcome(rules, images) == {"tagged": ("keep", None), "untagged": ("keep", None)}


def test_an_image_matched_by_a_higher_priority_rule_is_never_expired_by_a_lower_one():
    """A protecting rule whose threshold never fires shields the images it matches (ecrgen's default
    policy relies on this), while they still count towards the lower rule's newest N."""
    images = [
        image("prod", "prod-1", days=30),
        image("dev1", "dev-1", days=20),
        image("dev2", "dev-2", days=10),
    ]
    rules = [
        rule(1, "sinceImagePushed", 36_500, tagStatus="tagged", tagPatternList=["prod*"]),
        rule(2, number=1),
    ]
    assert outcome(rules, images) == {"prod": ("keep", None), "dev1": ("expire", 2), "dev2": ("keep", None)}


def test_an_image_is_marked_by_the_highest_priority_rule_that_marks_it_only():
    images = [
        image("a", "beta-1", "prod-1", days=10),
        image("b", "beta-2", days=9),
        image("c", "beta-3", days=8),
    ]
    rules = [
        rule(1, "sinceImagePushed", 5, tagStatus="tagged", tagPrefixList=["prod"]),
        rule(2, "sinceImagePushed", 1, tagStatus="tagged", tagPrefixList=["beta"]),
    ]
    assert outcome(rules, images) == {"a": ("expire", 1), "b": ("expire", 2), "c": ("expire", 2)}


def test_since_image_pulled_counts_from_the_last_recorded_pull():
    images = [image("pulled", "v1", days=200, pulled=3), image("stale", "v2", days=200, pulled=95)]
    assert expired([rule(1, "sinceImagePulled", 90)], images) == {"stale"}


def test_since_image_pulled_counts_a_never_pulled_image_from_its_push():
    """CONSERVATIVE reading (AWS does not say): never pulled counts from the push."""
    images = [image("never-old", days=100), image("never-new", days=10)]
    assert expired([rule(1, "sinceImagePulled", 90)], images) == {"never-old"}


def test_a_transition_rule_transitions_and_shields_from_later_rules():
    images = [image("idle", "v1", days=300, pulled=120), image("busy", "v2", days=300, pulled=1)]
    rules = [
        rule(1, "sinceImagePulled", 90, action={"type": "transition", "targetStorageClass": "archive"}),
        rule(2, "sinceImagePushed", 100),
    ]
    # `busy` was identified by rule 1 (tagStatus any), so rule 2 cannot expire it either
    assert outcome(rules, images) == {"idle": ("transition", 1), "busy": ("keep", None)}


def test_standard_rules_select_active_images_and_archive_rules_archived_ones():
    images = [
        image("active", days=400),
        image("archived", days=400, archived=200, status="ARCHIVED"),
        image("coming-back", days=400, status="ACTIVATING"),
    ]
    assert outcome([rule(1, "sinceImagePushed", 30)], images) == {
        "active": ("expire", 1),
        "archived": ("keep", None),
        "coming-back": ("expire", 1),
    }
    archive = rule(1, "sinceImageTransitioned", 90, storageClass="archive")
    assert expired([archive], images) == {"archived"}


def test_since_image_transitioned_counts_from_the_last_archiving():
    images = [
        image("long", days=400, archived=120, status="ARCHIVED"),
        image("recent", days=400, archived=30, status="ARCHIVED"),
        image("unknown", days=400, status="ARCHIVED"),  # CONSERVATIVE: no lastArchivedAt counts from push
    ]
    assert expired([rule(1, "sinceImageTransitioned", 90, storageClass="archive")], images) == {
        "long",
        "unknown",
    }


def test_a_standard_rule_does_not_shield_archived_images_from_an_archive_rule():
    """CONSERVATIVE reading (AWS does not say): a rule identifies only images of its storage class."""
    images = [image("a", "prod-1", days=400, archived=100, status="ARCHIVED")]
    rules = [
        rule(1, "sinceImagePushed", 36_500, tagStatus="tagged", tagPatternList=["prod*"]),
        rule(2, "sinceImageTransitioned", 90, storageClass="archive"),
    ]
    assert outcome(rules, images) == {"a": ("expire", 2)}


def test_no_rules_keep_every_image():
    assert outcome([], [image("a", days=1000)]) == {"a": ("keep", None)}
