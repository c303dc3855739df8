"""The default lifecycle policy's rules: the seed module's intent in an order ECR accepts.

- https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html (an image that matches
  the tag selection of a rule is never expired by a lower-priority rule)
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html (the `any`
  rule has the highest rulePriority and is evaluated last; a tagPatternList of several patterns selects
  only the images carrying all of them)
"""

from __future__ import annotations

# Protected tags are shielded by a rule they match that in practice never fires (100 years).
PROTECTED_DAYS = 36_500


def default_rules(
    max_image_count: int, untagged_image_days: int, protected_tags: tuple[str, ...]
) -> list[dict]:
    """The seed module's intent in an order ECR accepts: protected tags first (a matching image is
    never expired by a lower-priority rule), untagged images by age, then `any` by count, last."""
    # One rule per pattern: a tagPatternList selects only images carrying *all* of its patterns.
    rules = [
        _rule(
            f"Keep images tagged {pattern}",
            {
                "tagStatus": "tagged",
                "tagPatternList": [pattern],
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": PROTECTED_DAYS,
            },
        )
        for pattern in protected_tags
    ]
    rules.append(
        _rule(
            f"Expire untagged images older than {untagged_image_days} days",
            {
                "tagStatus": "untagged",
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": untagged_image_days,
            },
        )
    )
    rules.append(
        _rule(
            f"Keep the newest {max_image_count} images",
            {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": max_image_count},
        )
    )
    for priority, rule in enumerate(rules, start=1):
        rule["rulePriority"] = priority
    return rules


def _rule(description: str, selection: dict) -> dict:
    return {"description": description, "selection": selection, "action": {"type": "expire"}}
