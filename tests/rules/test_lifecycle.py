"""ECR's lifecycle rules, as ECR enforces them (exact messages)."""

import json

import pytest

from ecrgen.rules.lifecycle import check_rules, policy_text
from ecrgen.rules.lifecycle_default import default_rules


def rule(priority, status="any", count_type="imageCountMoreThan", number=5, unit=None, action=None, **extra):
    selection = {"tagStatus": status, "countType": count_type, "countNumber": number, **extra}
    if unit:
        selection["countUnit"] = unit
    return {"rulePriority": priority, "selection": selection, "action": action or {"type": "expire"}}


def test_default_policy_is_accepted_and_puts_any_last():
    rules = default_rules(30, 7, ("prod-*", "v*"))
    assert check_rules(rules) == []
    assert [r["selection"]["tagStatus"] for r in rules] == ["tagged", "tagged", "untagged", "any"]
    assert [r["rulePriority"] for r in rules] == [1, 2, 3, 4]
    # One protected pattern per rule: a tagPatternList selects images carrying all its patterns.
    assert [r["selection"]["tagPatternList"] for r in rules[:2]] == [["prod-*"], ["v*"]]
    assert rules[-1]["selection"] == {
        "tagStatus": "any",
        "countType": "imageCountMoreThan",
        "countNumber": 30,
    }


def test_the_seed_modules_example_is_rejected():
    seed = [rule(1, "any", number=30), rule(2, "untagged", "sinceImagePushed", 7, "days")]
    assert check_rules(seed) == [
        (
            "[0].rulePriority",
            "1 is not allowed: the rule with tagStatus 'any' must have the highest rulePriority (2 is higher) and be evaluated last",
        )
    ]


@pytest.mark.parametrize(
    "rules, expected",
    [
        ([rule(0)], [("[0].rulePriority", "0 must be an integer of at least 1")]),
        (
            [rule(1, "untagged", "sinceImagePushed", 7, "days"), rule(1)],
            [("[1].rulePriority", "1 is already used by rule [0]; priorities must be unique")],
        ),
        (
            [rule(1, "tagged")],
            [
                (
                    "[0].selection",
                    "a rule with tagStatus 'tagged' needs exactly one of tagPrefixList or tagPatternList",
                )
            ],
        ),
        (
            [rule(1, "tagged", tagPrefixList=["v"], tagPatternList=["v*"])],
            [
                (
                    "[0].selection",
                    "a rule with tagStatus 'tagged' needs exactly one of tagPrefixList or tagPatternList",
                )
            ],
        ),
        (
            [rule(1, "untagged", tagPrefixList=["v"])],
            [
                (
                    "[0].selection",
                    "a rule with tagStatus 'untagged' must not have tagPrefixList or tagPatternList",
                )
            ],
        ),
        (
            [rule(1, "tagged", tagPatternList=["*a*b*c*d*"])],
            [
                (
                    "[0].selection.tagPatternList[0]",
                    "'*a*b*c*d*' has 5 wildcards; ECR allows at most 4 per pattern",
                )
            ],
        ),
        (
            [rule(1, count_type="sinceImagePushed", number=3)],
            [
                (
                    "[0].selection.countUnit",
                    "is required with countType 'sinceImagePushed' (countUnit = 'days')",
                )
            ],
        ),
        (
            [rule(1, unit="days")],
            [
                (
                    "[0].selection.countUnit",
                    "'days' is not allowed: countUnit goes only with the age-based count types",
                )
            ],
        ),
        (
            [rule(1, count_type="sinceImagePushed", unit="weeks")],
            [
                (
                    "[0].selection.countUnit",
                    "'weeks' is not allowed: countType 'sinceImagePushed' needs countUnit 'days'",
                )
            ],
        ),
        ([rule(1, number=0)], [("[0].selection.countNumber", "0 must be an integer greater than 0")]),
        ([rule(1, number=True)], [("[0].selection.countNumber", "True must be an integer greater than 0")]),
        (
            [rule(1, "sometimes")],
            [("[0].selection.tagStatus", "'sometimes' is not allowed (allowed: tagged, untagged, any)")],
        ),
        (
            [rule(1, action={"type": "delete"})],
            [("[0].action.type", "'delete' is not allowed (allowed: expire, transition)")],
        ),
        (
            [
                rule(1, "untagged", "sinceImagePushed", 1, "days"),
                rule(2, "untagged", "sinceImagePushed", 9, "days"),
                rule(3),
            ],
            [
                (
                    "[1].selection",
                    "selects the same images as rule [0]: only one rule may select untagged images",
                )
            ],
        ),
        (
            [rule(1, "tagged", tagPrefixList=["v"]), rule(2, "tagged", tagPrefixList=["v"]), rule(3)],
            [("[1].selection", "selects the same images as rule [0]: each rule needs a distinct tag list")],
        ),
        (
            [{"rulePriority": 1, "selection": {}, "action": {"type": "expire"}, "colour": 1}],
            [
                ("[0].colour", "unknown key (allowed: rulePriority, description, selection, action)"),
                ("[0].selection.tagStatus", "None is not allowed (allowed: tagged, untagged, any)"),
                (
                    "[0].selection.countType",
                    "None is not allowed (allowed: imageCountMoreThan, sinceImagePushed, sinceImagePulled, sinceImageTransitioned)",
                ),
                ("[0].selection.countNumber", "None must be an integer greater than 0"),
            ],
        ),
        ([], [("", "[] must be a non-empty list of lifecycle rules")]),
    ],
)
def test_rejected_rules(rules, expected):
    assert check_rules(rules) == expected


def test_archive_tier():
    transition = rule(
        1,
        "tagged",
        "sinceImagePulled",
        30,
        "days",
        {"type": "transition", "targetStorageClass": "archive"},
        tagPatternList=["v*"],
    )
    expire_archived = rule(2, "any", "sinceImageTransitioned", 365, "days", storageClass="archive")
    assert check_rules([transition, expire_archived]) == []
    too_soon = rule(2, "any", "sinceImageTransitioned", 30, "days", storageClass="archive")
    assert check_rules([transition, too_soon]) == [
        (
            "[1].selection.countNumber",
            "30 days is below the 90-day minimum storage duration of archived images",
        )
    ]
    assert check_rules([rule(1, "any", "sinceImageTransitioned", 100, "days")]) == [
        (
            "[0].selection.countType",
            "'sinceImageTransitioned' selects archived images only: set storageClass 'archive'",
        )
    ]
    no_target = rule(1, "any", "sinceImagePushed", 30, "days", {"type": "transition"})
    assert check_rules([no_target]) == [
        (
            "[0].action.targetStorageClass",
            "None is not allowed: a 'transition' action needs targetStorageClass 'archive'",
        )
    ]


def test_policy_text_limits():
    assert len(policy_text(default_rules(30, 7, ()))) >= 100
    many = [rule(i, "tagged", tagPrefixList=[f"release-{i}-" + "x" * 200]) for i in range(1, 200)]
    assert check_rules(many)[-1][1].endswith("characters; ECR allows 100 to 30,720")


def test_policy_text_is_sorted_compact_json():
    text = policy_text(default_rules(3, 1, ()))
    assert json.loads(text)["rules"][0]["rulePriority"] == 1
    assert text == json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"))
