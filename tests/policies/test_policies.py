"""Repository policy templates: built-ins, user overrides, and the exact errors for broken ones."""

import json
from pathlib import Path

import pytest
from conftest import EXAMPLES, minimal, repository_policies

from ecrgen.config.load import load_accounts
from ecrgen.errors import EcrgenError
from ecrgen.policies.render import render_all

ACCOUNT = minimal(
    "production",
    """
    [[repository]]
    name = "app"
    pull_account_ids = ["210987654321"]
    push_principals = ["arn:aws:iam::123456789012:role/ci"]
    lambda_pull = true
    org_id = "o-abc123def4"
    """,
)


def render(folder):
    return repository_policies(render_all(load_accounts(folder), folder))


def statements(text):
    return {s["Sid"]: s for s in json.loads(text)["Statement"]}


def test_production_grants_pull_to_accounts_org_lambda_and_push_only_to_push_principals(accounts):
    policy = statements(render(accounts(a=ACCOUNT))[("a", "app")])
    assert policy["CrossAccountPull"]["Principal"] == {"AWS": ["arn:aws:iam::210987654321:root"]}
    assert "ecr:PutImage" not in policy["CrossAccountPull"]["Action"]
    assert policy["OrganizationPull"]["Condition"] == {"StringEquals": {"aws:PrincipalOrgID": "o-abc123def4"}}
    assert policy["LambdaPull"]["Principal"] == {"Service": "lambda.amazonaws.com"}
    assert policy["LambdaPull"]["Condition"]["StringLike"]["aws:sourceArn"] == [
        "arn:aws:lambda:*:123456789012:function:*",
        "arn:aws:lambda:*:210987654321:function:*",
    ]
    assert policy["Push"]["Principal"] == {"AWS": ["arn:aws:iam::123456789012:role/ci"]}
    assert "ecr:PutImage" in policy["Push"]["Action"]


def test_non_production_lets_pull_accounts_pull_and_push_principals_push(accounts):
    """The contract: pull_account_ids are "accounts allowed to pull", in every environment."""
    policy = statements(render(accounts(a=ACCOUNT.replace('"production"', '"staging"')))[("a", "app")])
    assert policy["CrossAccountPull"]["Principal"]["AWS"] == ["arn:aws:iam::210987654321:root"]
    assert "ecr:PutImage" not in policy["CrossAccountPull"]["Action"]
    assert policy["Push"]["Principal"]["AWS"] == ["arn:aws:iam::123456789012:role/ci"]
    assert "ecr:PutImage" in policy["Push"]["Action"]


def test_partition_follows_the_region(accounts):
    text = render(accounts(a=ACCOUNT.replace("us-east-1", "cn-north-1").replace("arn:aws:", "arn:aws-cn:")))[
        ("a", "app")
    ]
    assert "arn:aws-cn:iam::210987654321:root" in text and "arn:aws:" not in text


def test_nothing_to_grant_means_no_policy_and_none_means_none(accounts):
    folder = accounts(
        a=minimal(
            "production", '[[repository]]\nname = "app"\n[[repository]]\nname = "b2"\npolicy = "none"\n'
        )
    )
    assert render(folder) == {("a", "app"): None}


def test_user_templates_add_and_override(accounts, tmp_path):
    (tmp_path / "iam_policies").mkdir()
    (tmp_path / "iam_policies" / "production.json.j2").write_text(
        '{"Version": "2012-10-17", "Statement": [{"Sid": "Mine", "Effect": "Allow", '
        '"Principal": {"AWS": {{ pull_principals | tojson }}}, "Action": "ecr:BatchGetImage"}]}'
    )
    assert statements(render(accounts(a=ACCOUNT))[("a", "app")]).keys() == {"Mine"}


def test_values_are_escaped_for_json_by_construction(accounts, tmp_path):
    (tmp_path / "iam_policies").mkdir()
    (tmp_path / "iam_policies" / "quoted.json.j2").write_text(
        '{"Version": "2012-10-17", "Statement": [{"Sid": "S", "Effect": "Allow", "Principal": {"AWS": "*"}, '
        '"Action": "ecr:BatchGetImage", "Condition": {"StringEquals": {"aws:PrincipalTag/repo": {{ repository.name | tojson }}}}}]}'
    )
    folder = accounts(a=ACCOUNT.replace('name = "app"', 'name = "app"\npolicy = "quoted"'))
    assert '"aws:PrincipalTag/repo":"app"' in render(folder)[("a", "app")]


@pytest.mark.parametrize(
    "template, expected",
    [
        ("{{ nope }}", "template 'broken' (iam_policies/broken.json.j2): 'nope' is undefined"),
        ("{{ nope | tojson }}", "template 'broken' (iam_policies/broken.json.j2): 'nope' is undefined"),
        (
            "{{ account.nope | tojson }}",
            "template 'broken' (iam_policies/broken.json.j2): 'dict object' has no attribute 'nope'",
        ),
        (
            "{{ 1 / 0 }}",
            "template 'broken' (iam_policies/broken.json.j2): ZeroDivisionError: division by zero",
        ),
        (
            "{% for x in 5 %}{% endfor %}",
            "template 'broken' (iam_policies/broken.json.j2): TypeError: 'int' object is not iterable",
        ),
        (
            '{% include "missing.json.j2" %}',
            "template 'broken' (iam_policies/broken.json.j2): 'missing.json.j2' is not a template in iam_policies/ or built in",
        ),
        (
            '{"Version": "2012-10-17",\n "Statement": [}',
            "template 'broken' (iam_policies/broken.json.j2) does not render valid JSON: Expecting value at line 2, column 16",
        ),
        (
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "ecr:GetAuthorizationToken"}]}',
            "template 'broken' (iam_policies/broken.json.j2): Statement[0].Action: 'ecr:GetAuthorizationToken' is not allowed in a repository policy (ECR rejects it; grant it in an IAM policy on Resource '*')",
        ),
        (
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "ecr:BatchGetImage", "Resource": "*"}]}',
            "template 'broken' (iam_policies/broken.json.j2): Statement[0].Resource: is not allowed: a repository policy applies to its own repository",
        ),
        (
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Permit", "Action": "s3:GetObject"}]}',
            "template 'broken' (iam_policies/broken.json.j2): Statement[0].Effect: 'Permit' is not allowed (allowed: Allow, Deny)\n"
            "template 'broken' (iam_policies/broken.json.j2): Statement[0]: needs exactly one of Principal or NotPrincipal\n"
            "template 'broken' (iam_policies/broken.json.j2): Statement[0].Action: 's3:GetObject' is not an ECR action (ecr:...)",
        ),
        (
            '{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "ecr:*"}}',
            "template 'broken' (iam_policies/broken.json.j2): Version: None is not allowed (allowed: 2012-10-17, 2008-10-17)",
        ),
    ],
)
def test_broken_templates(accounts, tmp_path, template, expected):
    (tmp_path / "iam_policies").mkdir()
    (tmp_path / "iam_policies" / "broken.json.j2").write_text(template)
    folder = accounts(a=ACCOUNT.replace('name = "app"', 'name = "app"\npolicy = "broken"'))
    with pytest.raises(EcrgenError) as caught:
        render(folder)
    assert [str(p) for p in caught.value.problems] == [
        f"accounts/a.toml: repository[0].policy: {line}" for line in expected.split("\n")
    ]


def test_unknown_template(accounts):
    folder = accounts(a=ACCOUNT.replace('name = "app"', 'name = "app"\npolicy = "missing"'))
    with pytest.raises(EcrgenError) as caught:
        render(folder)
    assert str(caught.value) == (
        "accounts/a.toml: repository[0].policy: 'missing' is not a known policy template "
        "(known: non_production, production, registry_default; or add iam_policies/missing.json.j2)"
    )


def test_examples_render():
    rendered = repository_policies(render_all(load_accounts(EXAMPLES), EXAMPLES))
    assert rendered[("example_account", "base-images/python")] is not None
    assert ("example_account", "scratch") not in rendered


@pytest.mark.parametrize(
    "name, content, expected",
    [
        (
            "broken.json.j2",
            '{"Version": "2012-10-17",\n {% if %}',
            "line 2: Expected an expression, got 'end of statement block'",
        ),
        ("latin1.json.j2", b'{"Sid": "Caf\xe9"}', "is not UTF-8 text (byte 0xe9 at offset 12)"),
        (
            "folder.json.j2",
            None,
            "is a folder, not a template file; rename or remove it (every *.json.j2 in iam_policies/ is a policy template)",
        ),
    ],
)
def test_broken_template_files_are_reported_once_even_when_unused(
    accounts, tmp_path, name, content, expected
):
    (tmp_path / "iam_policies").mkdir()
    path = tmp_path / "iam_policies" / name
    if content is None:
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    folder = accounts(
        a=ACCOUNT, b=ACCOUNT.replace("123456789012", "111122223333")
    )  # neither uses the file: it still breaks every synth, so it is an error
    with pytest.raises(EcrgenError) as caught:
        render(folder)
    assert [str(p) for p in caught.value.problems] == [f"iam_policies/{name}: {expected}"]


def test_an_unreadable_template_file(accounts, tmp_path, monkeypatch):
    (tmp_path / "iam_policies").mkdir()
    locked = tmp_path / "iam_policies" / "locked.json.j2"
    locked.write_text("{}")
    real = Path.read_bytes

    def read_bytes(path):  # chmod 0 does not stop root, who runs this suite in CI containers
        if path.name == locked.name:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    with pytest.raises(EcrgenError) as caught:
        render(accounts(a=ACCOUNT))
    assert [str(p) for p in caught.value.problems] == [
        "iam_policies/locked.json.j2: cannot be read (Permission denied)"
    ]


def test_hidden_and_editor_template_files_are_ignored(accounts, tmp_path):
    (tmp_path / "iam_policies").mkdir()
    for name in (".production.json.j2", "#production.json.j2#", "production.json.j2~"):
        (tmp_path / "iam_policies" / name).write_text("{% broken")
    assert render(accounts(a=ACCOUNT))[("a", "app")] is not None


def test_templates_with_a_byte_order_mark_are_accepted(accounts, tmp_path):
    (tmp_path / "iam_policies").mkdir()
    bom = "\ufeff".encode()
    (tmp_path / "iam_policies" / "principals.json.j2").write_bytes(bom + b"{{ pull_principals | tojson }}")
    (tmp_path / "iam_policies" / "production.json.j2").write_bytes(
        bom
        + (
            b'{"Version": "2012-10-17", "Statement": [{"Sid": "Mine", "Effect": "Allow", '
            b'"Principal": {"AWS": {% include "principals.json.j2" %}}, "Action": "ecr:BatchGetImage"}]}'
        )
    )
    policy = statements(render(accounts(a=ACCOUNT))[("a", "app")])
    assert policy["Mine"]["Principal"] == {"AWS": ["arn:aws:iam::210987654321:root"]}


def test_an_unknown_template_named_in_defaults_is_reported_once_there(accounts):
    text = minimal(
        "production",
        '[defaults]\npolicy = "missing"\n[[repository]]\nname = "app"\n[[repository]]\nname = "api"\n'
        '[[repository]]\nname = "own"\npolicy = "gone"\n',
    )
    with pytest.raises(EcrgenError) as caught:
        render(accounts(a=text))
    assert [str(p) for p in caught.value.problems] == [
        "accounts/a.toml: defaults.policy: 'missing' is not a known policy template (known: non_production, production, registry_default; or add iam_policies/missing.json.j2)",
        "accounts/a.toml: repository[2].policy: 'gone' is not a known policy template (known: non_production, production, registry_default; or add iam_policies/gone.json.j2)",
    ]
