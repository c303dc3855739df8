"""Nothing leaked: per-repository renders, known environments only, open principals, FIFO delivery,
GitHub subjects, and the warnings `validate` and `synth` print."""

import json
import shutil

import pytest
from conftest import ROOT, minimal, repository_policies
from typer.testing import CliRunner

from ecrgen import commands
from ecrgen.cli import app
from ecrgen.config.load import load_accounts
from ecrgen.errors import EcrgenError
from ecrgen.policies.render import render_all
from ecrgen.rules.iam import check_repository_policy
from ecrgen.rules.role import broad_trust, check_role, github_subject


def problems(folder) -> list[str]:
    with pytest.raises(EcrgenError) as caught:
        commands.validate(folder)
    return [str(p) for p in caught.value.problems]


OTHER_ID = "210987654321"


def _account(principal: str, extra: str = "") -> str:
    return minimal(
        "dev",
        f'[[repository]]\nname = "app"\npolicy = "shared"\npush_principals = ["{principal}"]\n'
        f'[[repository]]\nname = "web"\npolicy = "shared"\n{extra}',
    )


@pytest.mark.parametrize(
    "top",
    [
        '{"Version": "2012-10-17", "Statement": [{% include "push.j2" %}]}',
        '{% extends "base.j2" %}{% block statements %}{% include "push.j2" %}{% endblock %}',
        '{% import "macros.j2" as m with context %}{"Version": "2012-10-17", "Statement": [{{ m.push() }}]}',
        '{% set part = "push" %}{"Version": "2012-10-17", "Statement": [{% include part ~ ".j2" %}]}',  # a computed name
    ],
)
def test_templates_that_include_others_render_per_repository_and_account(accounts, tmp_path, top):
    """The render cache once keyed on the variables the top template names: an included partial's
    push_principals leaked from the first repository rendered into every other repository and account.
    It now keys on what the whole template tree uses, and never caches a tree it cannot know."""
    policies = tmp_path / "iam_policies"
    policies.mkdir()
    (policies / "shared.json.j2").write_text(top)
    (policies / "base.j2").write_text(
        '{"Version": "2012-10-17", "Statement": [{% block statements %}{% endblock %}]}'
    )
    (policies / "push.j2").write_text(
        '{% if push_principals %}{"Effect": "Allow", "Principal": {"AWS": {{ push_principals | tojson }}}, '
        '"Action": {{ push_actions | tojson }}}{% endif %}'
    )
    (policies / "macros.j2").write_text('{% macro push() %}{% include "push.j2" %}{% endmacro %}')
    folder = accounts(
        a=_account("arn:aws:iam::123456789012:role/a-ci"),
        b=_account(
            "arn:aws:iam::123456789012:role/b-ci",
            'push_principals = ["arn:aws:iam::123456789012:role/b-web"]\n',
        ).replace("123456789012", OTHER_ID, 1),
    )
    rendered = repository_policies(render_all(load_accounts(folder), folder))
    principals = {
        key: json.loads(text)["Statement"][0]["Principal"]["AWS"] if text else None
        for key, text in rendered.items()
    }
    assert principals == {
        ("a", "app"): ["arn:aws:iam::123456789012:role/a-ci"],
        ("a", "web"): None,
        ("b", "app"): ["arn:aws:iam::123456789012:role/b-ci"],
        ("b", "web"): ["arn:aws:iam::123456789012:role/b-web"],
    }


@pytest.mark.parametrize(
    "environment, production",
    [
        ("production", True),
        ("PROD", True),
        ("Prod", True),
        ("development", False),
        ("dev", False),
        ("Staging", False),
        ("qa", False),
        ("sandbox", False),
        ("non-production", False),
    ],
)
def test_known_environments(accounts, environment, production):
    (account,) = load_accounts(
        accounts(a=minimal(environment, '[[repository]]\nname = "app"\nlifecycle = false\n')), ["a"]
    )
    assert account.production is production
    assert account.repositories[0].prevent_destroy is production


@pytest.mark.parametrize("environment", ["prodution", "prd", "live"])
def test_unknown_environment_is_an_error(accounts, environment):
    assert problems(accounts(a=minimal(environment))) == [
        f"accounts/a.toml: account.environment: {environment!r} is not a known environment (production: production, prod; "
        "non-production: development, dev, staging, stage, test, testing, qa, uat, sandbox, nonprod, non-production, preprod, pre-production, demo; "
        "any case); for another name, set production = true or false in [account]"
    ]


def test_explicit_production_key(accounts):
    folder = accounts(
        a=minimal("live", 'production = true\n[[repository]]\nname = "app"\nlifecycle = false\n'),
        b=minimal("perf", "production = false\n"),
    )
    live, perf = load_accounts(folder)
    assert (live.production, live.repositories[0].image_tag_mutability, perf.production) == (
        True,
        "IMMUTABLE",
        False,
    )
    assert problems(
        accounts(a=minimal("production", "production = false\n"), b=minimal("perf", "production = false\n"))
    ) == [
        "accounts/a.toml: account.production: false contradicts environment 'production', a production name; remove one of them"
    ]


def test_created_fifo_queue_has_content_based_deduplication(synthesized):
    queue = synthesized["edge"]["resource"]["aws_sqs_queue"]["alerts"]
    assert (queue["fifo_queue"], queue["content_based_deduplication"]) == (True, True)
    assert (
        "content_based_deduplication"
        not in synthesized["example_nonprod"]["resource"]["aws_sqs_queue"]["alerts"]
    )


OPEN = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": %s, "Action": %s}]}'


@pytest.mark.parametrize(
    "principal, actions, what",
    [
        ('"*"', '"ecr:*"', "every ECR action ('ecr:*': push, delete images, replace this policy)"),
        ('{"AWS": "*"}', '["ecr:BatchGetImage", "ecr:PutImage"]', "ecr:BatchGetImage, ecr:PutImage"),
        ('{"AWS": ["arn:aws:iam::123456789012:root", "*"]}', '"ecr:BatchGetImage"', "ecr:BatchGetImage"),
    ],
)
def test_open_principal_is_an_error_in_production_and_a_warning_elsewhere(
    accounts, tmp_path, principal, actions, what
):
    (tmp_path / "iam_policies").mkdir()
    (tmp_path / "iam_policies" / "open.json.j2").write_text(OPEN % (principal, actions))
    message = (
        f"Statement[0].Principal: '*' without a Condition grants {what} to everyone in every AWS account; "
        "add a Condition (such as aws:PrincipalOrgID) or name the principals"
    )
    repo = '[[repository]]\nname = "app"\npolicy = "open"\nlifecycle = { protected_tags = ["v*"] }\n'
    assert problems(accounts(a=minimal("production", repo))) == [
        f"accounts/a.toml: repository[0].policy: template 'open' (iam_policies/open.json.j2): {message} (not allowed in a production account)"
    ]
    # b is another AWS account: a named validate checks b against a.toml too (one repository per registry).
    other = minimal("dev", repo).replace("123456789012", "123456789013")
    checked = commands.validate(accounts(b=other), ["b"])
    assert [str(w) for w in checked.warnings] == [
        f"accounts/b.toml: repository[0].policy: template 'open': {message}"
    ]


def test_conditioned_or_denying_star_principals_are_fine():
    conditioned = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "ecr:BatchGetImage",
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123def4"}},
            }
        ],
    }
    deny = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "ecr:*"}]}
    assert check_repository_policy(conditioned, 100, production=True) == []
    assert check_repository_policy(deny, 100, production=True) == []


@pytest.mark.parametrize(
    "statement, expected",
    [
        (
            {"Effect": "Allow", "Principal": {"AWS": []}, "Action": "ecr:BatchGetImage"},
            (
                "Statement[0].Principal.AWS",
                "[] must be a principal or a non-empty list of principals (an empty list or null grants nobody and IAM rejects it)",
            ),
        ),
        (
            {"Effect": "Allow", "Principal": {"AWS": None}, "Action": "ecr:BatchGetImage"},
            (
                "Statement[0].Principal.AWS",
                "None must be a principal or a non-empty list of principals (an empty list or null grants nobody and IAM rejects it)",
            ),
        ),
        (
            {"Effect": "Allow", "Principal": {"Group": "x"}, "Action": "ecr:BatchGetImage"},
            (
                "Statement[0].Principal.Group",
                "unknown principal type (allowed: AWS, Service, Federated, CanonicalUser)",
            ),
        ),
        (
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "ecr:BatchGetImage",
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": None}},
            },
            (
                "Statement[0].Condition.StringEquals.aws:PrincipalOrgID",
                "None is not a condition value (a string, number or boolean, or a non-empty list of them)",
            ),
        ),
        (
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:role/ci-*"},
                "Action": "ecr:BatchGetImage",
            },
            (
                "Statement[0].Principal.AWS",
                "'arn:aws:iam::123456789012:role/ci-*' is not an AWS principal ('*', an account id, or an IAM ARN with no wildcard in it)",
            ),
        ),
        (
            {"Effect": "Allow", "Principal": {"Service": "lambda"}, "Action": "ecr:BatchGetImage"},
            (
                "Statement[0].Principal.Service",
                "'lambda' is not a service principal such as 'lambda.amazonaws.com'",
            ),
        ),
        (
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "ecr:BatchGetImage",
                "Condition": {"StringEquals": None},
            },
            ("Statement[0].Condition.StringEquals", "None must be an object of condition keys and values"),
        ),
    ],
)
def test_rendered_shapes_iam_rejects(statement, expected):
    assert check_repository_policy({"Version": "2012-10-17", "Statement": [statement]}, 100) == [expected]


def test_readme_base_images_example_renders_without_org_id(accounts, tmp_path):
    shutil.copytree(ROOT / "iam_policies", tmp_path / "iam_policies")
    folder = accounts(
        a=minimal(
            "dev",
            '[[repository]]\nname = "base"\npolicy = "base_images"\n'
            'push_principals = ["arn:aws:iam::123456789012:role/ci"]\n[[repository]]\nname = "none"\npolicy = "base_images"\n',
        )
    )
    rendered = repository_policies(render_all(load_accounts(folder), folder))
    assert [s["Sid"] for s in json.loads(rendered[("a", "base")])["Statement"]] == ["CiPush"]
    assert rendered[("a", "none")] is None


@pytest.mark.parametrize(
    "entry, subject, every_ref",
    [
        ("acme/app", "repo:acme/app:*", True),
        ("acme/app:ref:refs/heads/main", "repo:acme/app:ref:refs/heads/main", False),
        ("acme/app:ref:refs/tags/v*", "repo:acme/app:ref:refs/tags/v*", False),
        ("acme/app:environment:production", "repo:acme/app:environment:production", False),
        ("acme/app:pull_request", "repo:acme/app:pull_request", False),
        ("acme@123456/app@456789", "repo:acme@123456/app@456789:*", True),
        ("acme@123456/app@456789:environment:prod", "repo:acme@123456/app@456789:environment:prod", False),
        ("repository_owner_id:65:repository_id:74", "repository_owner_id:65:repository_id:74", True),
        (
            "repository_owner_id:65:repository_id:74:ref:refs/heads/main",
            "repository_owner_id:65:repository_id:74:ref:refs/heads/main",
            False,
        ),
    ],
)
def test_github_subject_forms(entry, subject, every_ref):
    assert check_role("ci", [entry], [], []) == []
    assert (
        github_subject(entry),
        broad_trust(entry) == "every branch, tag, pull request and environment of the repository",
    ) == (subject, every_ref)


@pytest.mark.parametrize(
    "entry, who",
    [
        ("acme/app", "every branch, tag, pull request and environment of the repository"),
        ("acme/app:ref:refs/heads/*", "every branch of the repository"),
        ("acme/app:ref:refs/heads/*-fix", "every branch of the repository"),
        ("acme/app:ref:refs/tags/*", "every tag of the repository"),
        ("acme/app:ref:refs/*", "every branch and tag of the repository"),
        (
            "acme/app:environment:*",
            "every environment of the repository (a workflow that names a new environment creates it)",
        ),
        (
            "acme/app:pull_request",
            "every pull request of the repository (the code of any branch, before review)",
        ),
        ("acme@123456/app@456789:ref:refs/heads/*", "every branch of the repository"),
        (
            "repository_owner_id:65:repository_id:74",
            "every branch, tag, pull request and environment of the repository",
        ),
        (
            "repository_owner_id:65:repository_id:74:pull_request",
            "every pull request of the repository (the code of any branch, before review)",
        ),
        (
            "acme/app:ref:refs/heads/main*",
            "every branch matching 'main*' of the repository (anybody who can push a branch of such a name)",
        ),
        (
            "acme/app:ref:refs/heads/release-*",
            "every branch matching 'release-*' of the repository (anybody who can push a branch of such a name)",
        ),
        (
            "acme/app:ref:refs/tags/v*",
            "every tag matching 'v*' of the repository (anybody who can push a tag of such a name)",
        ),
        (
            "acme/app:environment:prod*",
            "every environment matching 'prod*' of the repository (a workflow that names a new environment creates it)",
        ),
        ("acme/app:ref:refs/pull/*", "every ref matching 'refs/pull/*' of the repository"),
        ("acme/app:ref:refs/heads/main", None),
        ("acme/app:environment:production", None),
        ("repository_owner_id:65:repository_id:74:ref:refs/heads/main", None),
    ],
)
def test_broad_github_trust(entry, who):
    assert check_role("ci", [entry], [], []) == []
    assert broad_trust(entry) == who


def test_a_wildcard_github_subject_in_a_production_push_role_warns(accounts):
    role = '[[repository]]\nname = "app"\nlifecycle = { protected_tags = ["v*"] }\n[role]\nname = "ci"\n'
    entries = '["acme/app:ref:refs/heads/*", "repository_owner_id:65:repository_id:74:environment:*", "acme/app:pull_request", "acme/app:ref:refs/heads/main"]'
    (account,) = load_accounts(accounts(a=minimal("production", role + f"github_repositories = {entries}\n")))
    assert [str(w) for w in account.warnings] == [
        "accounts/a.toml: role.github_repositories[0]: 'acme/app:ref:refs/heads/*' lets every branch of the repository push to production "
        "repositories; name a ref or an environment ('acme/app:ref:refs/heads/main', 'acme/app:environment:production')",
        "accounts/a.toml: role.github_repositories[1]: 'repository_owner_id:65:repository_id:74:environment:*' lets every environment of the "
        "repository (a workflow that names a new environment creates it) push to production repositories; name a ref or an environment "
        "('repository_owner_id:65:repository_id:74:ref:refs/heads/main', 'repository_owner_id:65:repository_id:74:environment:production')",
        "accounts/a.toml: role.github_repositories[2]: 'acme/app:pull_request' lets every pull request of the repository (the code of any "
        "branch, before review) push to production repositories; name a ref or an environment ('acme/app:ref:refs/heads/main', "
        "'acme/app:environment:production')",
    ]
    (account,) = load_accounts(
        accounts(a=minimal("production", role + f'access = "pull"\ngithub_repositories = {entries}\n'))
    )
    assert account.warnings == ()


@pytest.mark.parametrize(
    "entry",
    [
        "acme",
        "acme/app:*",
        "acme/app:main",
        "acme/app:ref:main",
        "acme/app:environment:",
        "acme@123/app",
        "acme@x/app@1",
        "repository_owner_id:65",
        "acme/app:pull_request:x",
        "acme/app:ref:refs/heads/main:x",
    ],
)
def test_github_entries_rejected(entry):
    assert check_role("ci", [entry], [], [])[0][0] == "github_repositories[0]"


PROD_ROLE = """
    [[repository]]
    name = "app"
    [[repository]]
    name = "safe"
    lifecycle = { protected_tags = ["v*"] }
    [[repository]]
    name = "custom"
    lifecycle = { rules = [{ rulePriority = 1, selection = { tagStatus = "any", countType = "imageCountMoreThan", countNumber = 9 }, action = { type = "expire" } }] }
    [role]
    name = "ci"
    github_repositories = ["acme/app", "acme/app:environment:production"]
    """


@pytest.mark.node
def test_production_warnings_printed_by_validate_and_synth_never_failing(accounts, tmp_path):
    folder = accounts(
        a=minimal("production", PROD_ROLE), b=minimal("dev", PROD_ROLE).replace("123456789012", OTHER_ID)
    )
    expected = [
        "warning: accounts/a.toml:8: repository[0].lifecycle: the default lifecycle policy of a production repository has no protected_tags: "
        "it expires any image beyond the newest 30, deployed ones too; list the tags of deployed images (e.g. protected_tags = ['prod-*', 'v*'])",
        "warning: accounts/a.toml:18: role.github_repositories[0]: 'acme/app' lets every branch, tag, pull request and environment of the repository "
        "push to production repositories; name a ref or an environment ('acme/app:ref:refs/heads/main', 'acme/app:environment:production')",
    ]
    runner = CliRunner()
    result = runner.invoke(app, ["validate", "--accounts-dir", str(folder)])
    assert (result.exit_code, result.stderr.splitlines(), result.stdout) == (
        0,
        expected,
        "2 account(s) valid: a, b\n",
    )
    result = runner.invoke(app, ["synth", "a", "--accounts-dir", str(folder), "--out", str(tmp_path / "out")])
    assert (
        result.exit_code,
        [line for line in result.stderr.splitlines() if line.startswith("warning:")],
    ) == (0, expected)


def test_a_pull_role_trusting_every_ref_is_no_warning(accounts):
    (account,) = load_accounts(
        accounts(
            a=minimal(
                "production", '[role]\nname = "ci"\naccess = "pull"\ngithub_repositories = ["acme/app"]\n'
            )
        )
    )
    assert account.warnings == ()


def test_the_checkov_gate_treats_mutable_with_exclusion_as_mutable():
    """CKV_AWS_51 (tags immutable) knows only IMMUTABLE: a non-production repository made
    MUTABLE_WITH_EXCLUSION is accepted as MUTABLE is; in production it fails the gate as MUTABLE does."""
    from ecrgen import checkov_gate

    block = {"image_tag_mutability": "MUTABLE_WITH_EXCLUSION"}
    assert checkov_gate.accepted("CKV_AWS_51", block, production=False) == (
        "a non-production repository made MUTABLE_WITH_EXCLUSION on purpose (the mode is never inferred): its "
        "immutable_tags stay immutable, the rest is mutable as MUTABLE is; in production it stays checked"
    )
    assert checkov_gate.accepted("CKV_AWS_51", block, production=True) is None
    assert checkov_gate.accepted("CKV_AWS_51", {"image_tag_mutability": "MUTABLE"}, production=True) is None
