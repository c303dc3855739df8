"""Exact text of messages of the account table and of the pure rules (repository policy shape,
lifecycle rules, event pattern size), one account file or one rule call each."""

import pytest
from conftest import minimal

from ecrgen.config.load import load_accounts
from ecrgen.errors import EcrgenError

ROLE = '[role]\nname = "ci"\n'
MANY_TAGS = "[tags]\n" + "".join(f'k{i} = "v"\n' for i in range(48))


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            minimal("dev").replace('"us-east-1"', '"mars"'),
            "account.region: 'mars' is not an AWS region (e.g. us-east-1, eu-west-1, us-gov-west-1, cn-north-1; see the AWS regions page)",
        ),
        (
            minimal("dev", 'assume_role_arn = "terraform"\n'),
            "account.assume_role_arn: 'terraform' is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME)",
        ),
        (minimal("dev").replace('project = "demo"', 'project = " "'), "account.project: must not be empty"),
        (
            minimal("dev", MANY_TAGS),
            "tags: has 48 tags; with Project, Environment, ManagedBy and ecrgen:guarded (on guarded repositories) that makes 52 and AWS allows 50",
        ),
        (
            minimal("dev", '[tags]\nk = "' + "v" * 257 + '"\n'),
            "tags.k: 'vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv... is not a valid tag value (0-256 chars: letters, digits, spaces and _ . : / = + - @)",
        ),
        (
            minimal("dev", '[backend]\ntype = "s3"\nbucket = "state-bucket"\npath = "x"\n'),
            "backend.path: is only allowed with type 'local'",
        ),
        (
            minimal("dev", '[backend]\ntype = "s3"\nbucket = "B"\n'),
            "backend.bucket: 'B' is not a valid S3 bucket name (3-63 chars: lowercase letters, digits, . and -; starting and ending with a letter or digit; no '..', no IP address, no reserved prefix or suffix)",
        ),
        (
            minimal("dev", '[backend]\ntype = "s3"\nbucket = "state-bucket"\nregion = "mars"\n'),
            "backend.region: 'mars' is not an AWS region (e.g. us-east-1, eu-west-1, us-gov-west-1, cn-north-1; see the AWS regions page)",
        ),
        (
            minimal("dev", ROLE + 'github_repositories = ["acme"]\n'),
            "role.github_repositories[0]: 'acme' is not a GitHub repository: 'org/repo', optionally with ':ref:refs/heads/main', ':environment:NAME' or ':pull_request'; 'org@OWNER_ID/repo@REPO_ID...' (immutable ids); or 'repository_owner_id:N:repository_id:N...'",
        ),
        (
            minimal("dev", ROLE + 'github_repositories = ["acme/app", "acme/app"]\n'),
            "role.github_repositories: has duplicates: 'acme/app'",
        ),
        (
            minimal("dev", ROLE + 'trusted_services = ["ecs"]\n'),
            "role.trusted_services[0]: 'ecs' is not an AWS service principal such as 'ecs-tasks.amazonaws.com'",
        ),
        (
            minimal("dev", ROLE + 'trusted_principals = ["ci"]\n'),
            "role.trusted_principals[0]: 'ci' is not an IAM principal ARN (arn:aws:iam::123456789012:role/NAME, ...:user/NAME or ...:root)",
        ),
        (
            minimal("dev", "[scanning]\nrepository_filters = []\n"),
            "scanning.repository_filters: has 0 filters; ECR allows 1 to 100",
        ),
        (
            minimal("dev", '[scanning]\nrepository_filters = ["App"]\n'),
            "scanning.repository_filters[0]: 'App' is not a repository filter (lowercase name characters and * wildcards)",
        ),
        (
            minimal("dev", '[[repository]]\nname = "app"\nmutable_tags = ["latest", "latest"]\n'),
            "repository[0].mutable_tags: has duplicate filters",
        ),
    ],
)
def test_account_messages(accounts, text, expected):
    with pytest.raises(EcrgenError) as caught:
        load_accounts(accounts(a=text))
    assert [str(p) for p in caught.value.problems] == [f"accounts/a.toml: {expected}"]


def test_an_account_file_name_that_cannot_name_a_stack(accounts):
    folder = accounts()
    (folder / "my account.toml").write_text(minimal())
    with pytest.raises(EcrgenError) as caught:
        load_accounts(folder)
    assert (
        str(caught.value)
        == "accounts/my account.toml: 'my account' is not a valid account name (letters, digits, _ and -)"
    )


# ---- rules: repository policy shape and lifecycle rules (exact text of every remaining message) -----

from datetime import date  # noqa: E402

from ecrgen.rules.events import check_alerts  # noqa: E402
from ecrgen.rules.iam import check_repository_policy  # noqa: E402
from ecrgen.rules.lifecycle import check_rules  # noqa: E402

OK = {"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}


@pytest.mark.parametrize(
    "policy, length, expected",
    [
        ([], 2, [("", "the policy must be a JSON object, not list")]),
        (
            {"Version": "2012-10-17", "Statement": [OK], "Extra": 1},
            10,
            [("Extra", "unknown policy element (allowed: Version, Id, Statement)")],
        ),
        (
            {"Version": "2012-10-17", "Statement": []},
            10,
            [("Statement", "must be a non-empty list of statements")],
        ),
        (
            {"Version": "2012-10-17", "Statement": [OK]},
            10_241,
            [("", "the policy is 10241 characters; ECR allows at most 10240")],
        ),
        ({"Version": "2012-10-17", "Statement": ["x"]}, 10, [("Statement[0]", "must be a JSON object")]),
        (
            {"Version": "2012-10-17", "Statement": [{**OK, "Extra": 1}]},
            10,
            [
                (
                    "Statement[0].Extra",
                    "unknown statement element (allowed: Sid, Effect, Principal, NotPrincipal, Action, NotAction, Condition)",
                )
            ],
        ),
        (
            {"Version": "2012-10-17", "Statement": [{**OK, "Action": []}]},
            10,
            [("Statement[0].Action", "[] must be an action or a non-empty list of actions")],
        ),
        (
            {"Version": "2012-10-17", "Statement": [{**OK, "Condition": "x"}]},
            10,
            [("Statement[0].Condition", "must be a JSON object")],
        ),
    ],
)
def test_repository_policy_messages(policy, length, expected):
    assert check_repository_policy(policy, length) == expected


def rule(**selection):
    action = selection.pop("action", {"type": "expire"})
    return {
        "rulePriority": 1,
        "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 5, **selection},
        "action": action,
    }


@pytest.mark.parametrize(
    "rules, expected",
    [
        (["x"], [("[0]", "'x' must be a table with rulePriority, selection and action")]),
        ([{**rule(), "description": 1}], [("[0].description", "1 must be a string")]),
        (
            [{**rule(), "description": date(2024, 1, 1)}],
            [
                ("[0]", "holds a value JSON cannot represent (a date, a time or a non-finite number)"),
                ("[0].description", "2024-01-01 must be a string"),
            ],
        ),
        (
            [{"rulePriority": 1, "selection": 3, "action": {}}],
            [("[0].selection", "3 must be a table (tagStatus, countType, countNumber, ...)")],
        ),
        (
            [{"rulePriority": 1, "selection": {}, "action": 3}],
            [("[0].action", '3 must be a table such as { type = "expire" }')],
        ),
        (
            [rule(tagStatus="tagged", tagPrefixList=[])],
            [("[0].selection.tagPrefixList", "[] must be a non-empty list of non-empty strings")],
        ),
        (
            [rule(storageClass="glacier")],
            [("[0].selection.storageClass", "'glacier' is not allowed (allowed: standard, archive)")],
        ),
        (
            [
                rule(
                    storageClass="archive",
                    countType="sinceImageTransitioned",
                    countUnit="days",
                    countNumber=90,
                    action={"type": "transition", "targetStorageClass": "archive"},
                )
            ],
            [
                (
                    "[0].selection.storageClass",
                    "archived images cannot be transitioned again; only 'expire' applies to storageClass 'archive'",
                )
            ],
        ),
        (
            [rule(action={"type": "expire", "targetStorageClass": "archive"})],
            [("[0].action.targetStorageClass", "targetStorageClass goes only with action type 'transition'")],
        ),
        (
            [rule(), {**rule(), "rulePriority": 2}],
            [
                (
                    "[0].rulePriority",
                    "1 is not allowed: the rule with tagStatus 'any' must have the highest rulePriority (2 is higher) and be evaluated last",
                ),
                (
                    "[1].selection",
                    "selects the same images as rule [0]: only one rule may have tagStatus 'any'",
                ),
            ],
        ),
        (
            [{**rule(), "description": "x" * 31_000}],
            [("", "the policy text is 31155 characters; ECR allows 100 to 30,720")],
        ),
    ],
)
def test_lifecycle_rule_messages(rules, expected):
    assert check_rules(rules) == expected


def test_an_event_pattern_over_eventbridges_limit(monkeypatch):
    from ecrgen.rules import events

    monkeypatch.setattr(events, "MAX_PATTERN", 10)
    assert check_alerts("q", ["HIGH"], None, False) == [
        ("severities", "make an event pattern over EventBridge's 10-character limit")
    ]
