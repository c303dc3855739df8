"""Invariants that AWS's "Lifecycle policy evaluation rules" imply, for random image lists and random rule
sets that ECR accepts (`check_rules` finds nothing), through hypothesis.

https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html#lp_evaluation_rules: an
image is expired by exactly one or zero rules; an image that matches the tagging requirements of a rule
cannot be expired by a rule with a lower priority; imageCountMoreThan keeps the newest N by push time and
expires all the others; sinceImagePushed expires images pushed more than N days ago.
"""

from __future__ import annotations

import datetime as dt

from conftest import examples
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ecrgen.rules.lifecycle import check_rules
from ecrgen.rules.lifecycle_default import default_rules
from ecrgen.rules.lifecycle_evaluation import Image, candidates, evaluate, reference_time, selects

AT = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
TAGS = ["prod-1", "prod-2", "v1.2", "v2.0", "beta-1", "dev-a", "latest", "release"]
STEMS = ["prod", "v", "beta", "dev", "v*.*", "*-1", "re*e", "latest"]


@st.composite
def image_lists(draw) -> list[Image]:
    count = draw(st.integers(0, 12))
    found = []
    for index in range(count):
        hours = draw(st.integers(0, 200 * 24))
        pulled = draw(st.none() | st.integers(0, hours))
        archived = draw(st.booleans())
        found.append(
            Image(
                f"sha256:{index:04d}",
                tuple(draw(st.lists(st.sampled_from(TAGS), max_size=3, unique=True))),
                AT - dt.timedelta(hours=hours),
                pulled_at=None if pulled is None else AT - dt.timedelta(hours=pulled),
                status="ARCHIVED" if archived else "ACTIVE",
                archived_at=AT - dt.timedelta(hours=draw(st.integers(0, hours))) if archived else None,
            )
        )
    return found


@st.composite
def selections(draw) -> dict:
    status = draw(st.sampled_from(["tagged", "tagged", "tagged", "untagged"]))
    selection: dict = {"tagStatus": status}
    if status == "tagged":
        stems = draw(st.lists(st.sampled_from(STEMS), min_size=1, max_size=2, unique=True))
        if draw(st.booleans()):
            selection["tagPrefixList"] = [stem.replace("*", "") or "v" for stem in stems]
        else:
            selection["tagPatternList"] = [stem if "*" in stem else f"{stem}*" for stem in stems]
    return selection


@st.composite
def rule_sets(draw) -> list[dict]:
    """1-5 rules ECR accepts: random selections, counts and actions, `any` (if any) last."""
    rules, seen = [], set()
    for _ in range(draw(st.integers(1, 4))):
        storage = draw(st.sampled_from(["standard", "standard", "archive"]))
        selection = {**draw(selections()), "storageClass": storage}
        key = repr(sorted(selection.items()))
        if key not in seen:  # ECR rejects two rules selecting the same images
            seen.add(key)
            rules.append(_rule(draw, selection))
    if draw(st.booleans()):
        rules.append(_rule(draw, {"tagStatus": "any", "storageClass": "standard"}))
    priorities = sorted(
        draw(st.lists(st.integers(1, 50), min_size=len(rules), max_size=len(rules), unique=True))
    )
    for rule, priority in zip(rules, priorities, strict=True):
        rule["rulePriority"] = priority
    assume(check_rules(rules) == [])
    return rules


def _rule(draw, selection: dict) -> dict:
    archive = selection["storageClass"] == "archive"
    kinds = ["imageCountMoreThan", "sinceImagePushed", "sinceImagePulled"]
    kind = draw(st.sampled_from([*kinds, "sinceImageTransitioned"] if archive else kinds))
    if kind == "imageCountMoreThan":
        selection.update(countType=kind, countNumber=draw(st.integers(1, 6)))
    else:
        low = 90 if kind == "sinceImageTransitioned" else 1
        selection.update(countType=kind, countUnit="days", countNumber=draw(st.integers(low, 150)))
    transition = not archive and draw(st.booleans())
    action = {"type": "transition", "targetStorageClass": "archive"} if transition else {"type": "expire"}
    return {"selection": selection, "action": action}


def _by_priority(rules: list[dict]) -> list[dict]:
    return sorted(rules, key=lambda rule: rule["rulePriority"])


SETTINGS = settings(max_examples=examples(150), deadline=None)


@SETTINGS
@given(rule_sets(), image_lists())
def test_every_image_gets_one_outcome_from_a_rule_that_selects_it(rules, images):
    outcomes = evaluate(rules, images, AT)
    assert [o.image for o in outcomes] == images
    rule_of = {rule["rulePriority"]: rule for rule in rules}
    for o in outcomes:
        assert (o.action == "keep") == (o.rule_priority is None)
        if o.rule_priority is not None:
            rule = rule_of[o.rule_priority]
            assert selects(rule["selection"], o.image)
            assert o.action == rule["action"]["type"]


@SETTINGS
@given(rule_sets(), image_lists())
def test_no_rule_acts_on_an_image_a_higher_priority_rule_matched(rules, images):
    for o in evaluate(rules, images, AT):
        if o.rule_priority is not None:
            higher = [r for r in rules if r["rulePriority"] < o.rule_priority]
            assert not any(selects(r["selection"], o.image) for r in higher), o


@SETTINGS
@given(rule_sets(), image_lists())
def test_count_rules_keep_their_newest_n_and_act_on_every_older_unmatched_image(rules, images):
    outcomes = {o.image.digest: o for o in evaluate(rules, images, AT)}
    ordered = _by_priority(rules)
    for index, rule in enumerate(ordered):
        selection = rule["selection"]
        if selection["countType"] != "imageCountMoreThan":
            continue
        chosen = sorted(
            (i for i in images if selects(selection, i)), key=lambda i: (i.pushed_at, i.digest), reverse=True
        )
        newest, older = chosen[: selection["countNumber"]], chosen[selection["countNumber"] :]
        assert all(outcomes[i.digest].rule_priority != rule["rulePriority"] for i in newest)
        for image in older:
            if not any(selects(r["selection"], image) for r in ordered[:index]):
                assert outcomes[image.digest].rule_priority == rule["rulePriority"], image


@SETTINGS
@given(rule_sets(), image_lists())
def test_age_rules_act_exactly_on_older_unmatched_images(rules, images):
    outcomes = {o.image.digest: o for o in evaluate(rules, images, AT)}
    ordered = _by_priority(rules)
    for index, rule in enumerate(ordered):
        selection = rule["selection"]
        if selection["countType"] == "imageCountMoreThan":
            continue
        limit = AT - dt.timedelta(days=selection["countNumber"])
        for image in images:
            old = selects(selection, image) and reference_time(selection["countType"], image) < limit
            shielded = any(selects(r["selection"], image) for r in ordered[:index])
            acted = outcomes[image.digest].rule_priority == rule["rulePriority"]
            assert acted == (old and not shielded), image
        assert candidates(selection, [], AT) == []


@settings(max_examples=examples(150), deadline=None)
@given(
    image_lists(),
    st.integers(1, 8),
    st.integers(1, 60),
    st.lists(st.sampled_from(STEMS), max_size=3, unique=True),
    st.sampled_from(STEMS),
)
def test_a_protected_tag_never_expires_more(images, count, days, protected, more):
    """ecrgen's default policy: one more protected_tags pattern, or an image tagged to match one, never
    expires an image that was kept."""
    patterns = tuple(p if "*" in p else f"{p}*" for p in protected)
    extra = more if "*" in more else f"{more}*"
    assume(extra not in patterns)

    def expired(patterns: tuple[str, ...], images: list[Image]) -> set[str]:
        rules = default_rules(count, days, patterns)
        return {o.image.digest for o in evaluate(rules, images, AT) if o.action != "keep"}

    before = expired(patterns, images)
    assert expired((*patterns, extra), images) <= before
    if patterns and images:
        first = images[0]
        tag = patterns[0].replace("*", "x")
        retagged = [
            Image(first.digest, (*first.tags, tag), first.pushed_at, status=first.status),
            *images[1:],
        ]
        after = expired(patterns, retagged)
        assert after <= before
        assert first.status == "ARCHIVED" or first.digest not in after
