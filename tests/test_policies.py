"""Repository policy templates: built-ins, user overrides, and the exact errors for broken ones."""

import json

import pytest

from conftest import EXAMPLES, minimal
from ecrgen.config import load_accounts
from ecrgen.errors import EcrgenError
from ecrgen.policies import render_all

ACCOUNT = minimal("production", """
    [[repository]]
    name = "app"
    pull_account_ids = ["210987654321"]
    push_principals = ["arn:aws:iam::123456789012:role/ci"]
    lambda_pull = true
    org_id = "o-abc123def4"
    """)


def render(folder):
    return render_all(load_accounts(folder), folder)


def statements(text):
    return {s["Sid"]: s for s in json.loads(text)["Statement"]}


def test_production_grants_pull_to_accounts_org_lambda_and_push_only_to_push_principals(accounts):
    policy = statements(render(accounts(a=ACCOUNT))[("a", "app")])
    assert policy["CrossAccountPull"]["Principal"] == {"AWS": ["arn:aws:iam::210987654321:root"]}
    assert "ecr:PutImage" not in policy["CrossAccountPull"]["Action"]
    assert policy["OrganizationPull"]["Condition"] == {"StringEquals": {"aws:PrincipalOrgID": "o-abc123def4"}}
    assert policy["LambdaPull"]["Principal"] == {"Service": "lambda.amazonaws.com"}
    assert policy["LambdaPull"]["Condition"]["StringLike"]["aws:sourceArn"] == [
        "arn:aws:lambda:*:123456789012:function:*", "arn:aws:lambda:*:210987654321:function:*"]
    assert policy["Push"]["Principal"] == {"AWS": ["arn:aws:iam::123456789012:role/ci"]}
    assert "ecr:PutImage" in policy["Push"]["Action"]


def test_non_production_lets_listed_principals_pull_and_push(accounts):
    policy = statements(render(accounts(a=ACCOUNT.replace('"production"', '"staging"')))[("a", "app")])
    assert policy["PullAndPush"]["Principal"]["AWS"] == ["arn:aws:iam::210987654321:root", "arn:aws:iam::123456789012:role/ci"]
    assert "ecr:PutImage" in policy["PullAndPush"]["Action"]


def test_partition_follows_the_region(accounts):
    text = render(accounts(a=ACCOUNT.replace("us-east-1", "cn-north-1").replace("arn:aws:", "arn:aws-cn:")))[("a", "app")]
    assert "arn:aws-cn:iam::210987654321:root" in text and "arn:aws:" not in text


def test_nothing_to_grant_means_no_policy_and_none_means_none(accounts):
    folder = accounts(a=minimal("production", '[[repository]]\nname = "app"\n[[repository]]\nname = "b2"\npolicy = "none"\n'))
    assert render(folder) == {("a", "app"): None}


def test_user_templates_add_and_override(accounts, tmp_path):
    (tmp_path / "iam_policies").mkdir()
    (tmp_path / "iam_policies" / "production.json.j2").write_text(
        '{"Version": "2012-10-17", "Statement": [{"Sid": "Mine", "Effect": "Allow", '
        '"Principal": {"AWS": {{ pull_principals | tojson }}}, "Action": "ecr:BatchGetImage"}]}')
    assert statements(render(accounts(a=ACCOUNT))[("a", "app")]).keys() == {"Mine"}


def test_values_are_escaped_for_json_by_construction(accounts, tmp_path):
    (tmp_path / "iam_policies").mkdir()
    (tmp_path / "iam_policies" / "quoted.json.j2").write_text(
        '{"Version": "2012-10-17", "Statement": [{"Sid": "S", "Effect": "Allow", "Principal": {"AWS": "*"}, '
        '"Action": "ecr:BatchGetImage", "Condition": {"StringEquals": {"aws:PrincipalTag/repo": {{ repository.name | tojson }}}}}]}')
    folder = accounts(a=ACCOUNT.replace('name = "app"', 'name = "app"\npolicy = "quoted"'))
    assert '"aws:PrincipalTag/repo":"app"' in render(folder)[("a", "app")]


@pytest.mark.parametrize("template, expected", [
    ("{{ nope }}", "template 'broken' (iam_policies/broken.json.j2): 'nope' is undefined"),
    ('{"Version": "2012-10-17",\n {% if %}', "template 'broken' (iam_policies/broken.json.j2): line 2: Expected an expression, got 'end of statement block'"),
    ('{"Version": "2012-10-17",\n "Statement": [}', "template 'broken' (iam_policies/broken.json.j2) does not render valid JSON: Expecting value at line 2, column 16"),
    ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "ecr:GetAuthorizationToken"}]}',
     "template 'broken' (iam_policies/broken.json.j2): Statement[0].Action: 'ecr:GetAuthorizationToken' is not allowed in a repository policy (ECR rejects it; grant it in an IAM policy on Resource '*')"),
    ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "ecr:BatchGetImage", "Resource": "*"}]}',
     "template 'broken' (iam_policies/broken.json.j2): Statement[0].Resource: is not allowed: a repository policy applies to its own repository"),
    ('{"Version": "2012-10-17", "Statement": [{"Effect": "Permit", "Action": "s3:GetObject"}]}',
     "template 'broken' (iam_policies/broken.json.j2): Statement[0].Effect: 'Permit' is not allowed (allowed: Allow, Deny)\n"
     "template 'broken' (iam_policies/broken.json.j2): Statement[0]: needs exactly one of Principal or NotPrincipal\n"
     "template 'broken' (iam_policies/broken.json.j2): Statement[0].Action: 's3:GetObject' is not an ECR action (ecr:...)"),
    ('{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "ecr:*"}}',
     "template 'broken' (iam_policies/broken.json.j2): Version: None is not allowed (allowed: 2012-10-17, 2008-10-17)"),
])
def test_broken_templates(accounts, tmp_path, template, expected):
    (tmp_path / "iam_policies").mkdir()
    (tmp_path / "iam_policies" / "broken.json.j2").write_text(template)
    folder = accounts(a=ACCOUNT.replace('name = "app"', 'name = "app"\npolicy = "broken"'))
    with pytest.raises(EcrgenError) as caught:
        render(folder)
    assert [str(p) for p in caught.value.problems] == [f"accounts/a.toml: repository[0].policy: {line}" for line in expected.split("\n")]


def test_unknown_template(accounts):
    folder = accounts(a=ACCOUNT.replace('name = "app"', 'name = "app"\npolicy = "missing"'))
    with pytest.raises(EcrgenError) as caught:
        render(folder)
    assert str(caught.value) == ("accounts/a.toml: repository[0].policy: 'missing' is not a known policy template "
                                 "(known: non_production, production; or add iam_policies/missing.json.j2)")


def test_examples_render():
    rendered = render_all(load_accounts(EXAMPLES), EXAMPLES)
    assert rendered[("example_account", "base-images/python")] is not None
    assert ("example_account", "scratch") not in rendered
