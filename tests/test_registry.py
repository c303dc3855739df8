"""[registry]: replication, pull through cache rules, the registry policy and repository creation templates.
Every AWS rule is a `validate` error with an exact message; the synthesized shape is pinned by
tests/golden/example_registry.tf.json and applied to moto by the Terraform tier."""

import json
from pathlib import Path

import pytest
from conftest import minimal, repository_policies

from ecrgen import commands
from ecrgen.config.load import load_accounts
from ecrgen.errors import EcrgenError
from ecrgen.policies.render import render_all

F = "accounts/a.toml: "


def problems(folder: Path) -> list[str]:
    with pytest.raises(EcrgenError) as caught:
        commands.validate(folder)
    return [str(p) for p in caught.value.problems]


def destinations(count: int, start: int = 0) -> str:
    return ", ".join(
        f'{{ region = "eu-west-1", account_id = "{100000000000 + i}" }}' for i in range(start, start + count)
    )


@pytest.mark.parametrize(
    "extra, expected",
    [
        (
            "replication = [" + ", ".join(['{ destinations = [{ region = "eu-west-1" }] }'] * 11) + "]",
            ["registry.replication: has 11 rules; ECR allows at most 10 per registry"],
        ),
        (
            "replication = [{ destinations = [] }]",
            [
                "registry.replication[0].destinations: is empty; a replication rule needs at least one destination"
            ],
        ),
        (
            'replication = [{ destinations = [{ region = "us-east-1" }, { region = "us-east-1", account_id = "123456789012" }] }]',
            [
                "registry.replication[0].destinations[0]: is this registry itself (account 123456789012, region us-east-1); "
                "ECR replicates to another region or another account only",
                "registry.replication[0].destinations[1]: is this registry itself (account 123456789012, region us-east-1); "
                "ECR replicates to another region or another account only",
                "registry.replication[0].destinations[1]: repeats the destination 123456789012 us-east-1 of this rule",
            ],
        ),
        (
            'replication = [{ destinations = [{ region = "cn-north-1" }, { region = "Mars" }, { region = "eu-west-1", account_id = "12" }] }]',
            [
                "registry.replication[0].destinations[0].region: 'cn-north-1' is in another partition than this registry's region 'us-east-1'; "
                "ECR replicates within a partition only",
                "registry.replication[0].destinations[1].region: 'Mars' is not an AWS region (e.g. us-east-1, eu-west-1, us-gov-west-1, cn-north-1; see the AWS regions page)",
                "registry.replication[0].destinations[2].account_id: '12' is not an AWS account id (12 digits)",
            ],
        ),
        (
            f"replication = [{{ destinations = [{destinations(13)}] }}, {{ destinations = [{destinations(13, 13)}] }}]",
            ["registry.replication: has 26 unique destinations across its rules; ECR allows at most 25"],
        ),
        (
            'replication = [{ destinations = [{ region = "eu-west-1" }], prefixes = ['
            + ", ".join(f'"p{i}"' for i in range(101))
            + "] }]",
            ["registry.replication[0].prefixes: has 101 filters; ECR allows at most 100 per rule"],
        ),
        (
            'replication = [{ destinations = [{ region = "eu-west-1" }], prefixes = ["prod", "Prod", "x", "prod"] }]',
            [
                "registry.replication[0].prefixes[1]: 'Prod' is not a repository name prefix: 2-256 chars of lowercase letters, digits, and . _ - / separators",
                "registry.replication[0].prefixes[2]: 'x' is not a repository name prefix: 2-256 chars of lowercase letters, digits, and . _ - / separators",
                "registry.replication[0].prefixes: has duplicates: 'prod'",
            ],
        ),
    ],
)
def test_replication_rules(accounts, extra, expected):
    assert problems(accounts(a=minimal("dev", "[registry]\n" + extra + "\n"))) == [F + e for e in expected]


PULL_THROUGH = [
    (
        '{ prefix = "ROOT", upstream = "docker-hub", secret = "ecr-pullthroughcache/dh" }',
        ["prefix: 'ROOT' is allowed only for an ECR-to-ECR rule (upstream 'ecr'); name a prefix"],
    ),
    (
        '{ prefix = "a-very-long-prefix-of-more-than-30", upstream = "quay" }',
        [
            "prefix: 'a-very-long-prefix-of-more-than-30' is not a pull through cache prefix (2-30 chars: lowercase letters, digits, "
            "and . _ - / separators, optionally ending in '/'; or 'ROOT' for ECR-to-ECR)"
        ],
    ),
    (
        '{ prefix = "hub-", upstream = "quay" }',
        [
            "prefix: 'hub-' is not a pull through cache prefix (2-30 chars: lowercase letters, digits, "
            "and . _ - / separators, optionally ending in '/'; or 'ROOT' for ECR-to-ECR)"
        ],
    ),
    (
        '{ prefix = "hub", upstream = "dockerhub" }',
        [
            "upstream: 'dockerhub' is not an upstream registry ECR can cache (allowed: ecr-public, k8s, quay, docker-hub, "
            "github-container-registry, gitlab-container-registry, azure-container-registry, chainguard, ecr)"
        ],
    ),
    (
        '{ prefix = "ghcr", upstream = "github-container-registry" }',
        [
            "secret: is required with upstream 'github-container-registry': the name of a Secrets Manager secret "
            "'ecr-pullthroughcache/...' holding the upstream's credentials"
        ],
    ),
    (
        '{ prefix = "pub", upstream = "ecr-public", secret = "ecr-pullthroughcache/x", registry_url = "public.ecr.aws.evil" }',
        [
            "registry_url: 'public.ecr.aws.evil' is not ecr-public's registry; leave it out (ecrgen writes 'public.ecr.aws')",
            "secret: is not used with upstream 'ecr-public' (it needs no credentials)",
        ],
    ),
    (
        '{ prefix = "az", upstream = "azure-container-registry", secret = "dockerhub" }',
        [
            "registry_url: is required with upstream 'azure-container-registry' (an Azure registry URL such as 'myregistry.azurecr.io')",
            "secret: 'dockerhub' is not a pull through cache secret name ('ecr-pullthroughcache/' and then letters, digits and "
            "/ _ + = . @ -; at most 512 chars)",
        ],
    ),
    (
        '{ prefix = "az", upstream = "azure-container-registry", registry_url = "my.azurecr.io", secret = "ecr-pullthroughcache/az" }',
        ["registry_url: 'my.azurecr.io' is not an Azure registry URL such as 'myregistry.azurecr.io'"],
    ),
    (
        '{ prefix = "k8s", upstream = "k8s", custom_role_arn = "arn:aws:iam::123456789012:role/r", upstream_prefix = "x1" }',
        [
            "custom_role_arn: is only used with upstream 'ecr' (ECR-to-ECR)",
            "upstream_prefix: is only used with upstream 'ecr' (ECR-to-ECR)",
        ],
    ),
    (
        '{ prefix = "other", upstream = "ecr", registry_url = "210987654321.dkr.ecr.us-east-1.amazonaws.com" }',
        [
            "custom_role_arn: is required for an upstream registry of another account (210987654321): "
            "a role of this account that ECR assumes to pull from it"
        ],
    ),
    (
        '{ prefix = "self", upstream = "ecr", registry_url = "123456789012.dkr.ecr.us-east-1.amazonaws.com", '
        'custom_role_arn = "arn:aws:iam::210987654321:role/r", secret = "ecr-pullthroughcache/x" }',
        [
            "secret: is not used with upstream 'ecr' (it authenticates with custom_role_arn)",
            "registry_url: '123456789012.dkr.ecr.us-east-1.amazonaws.com' is this registry itself; an ECR upstream is another region or account",
            "custom_role_arn: 'arn:aws:iam::210987654321:role/r' is a role of account 210987654321; "
            "ECR assumes a role of the registry's own account 123456789012",
        ],
    ),
    (
        '{ prefix = "ROOT", upstream = "ecr", registry_url = "123456789012.dkr.ecr.eu-west-1.amazonaws.com", upstream_prefix = "team" }',
        ["upstream_prefix: is not allowed with prefix 'ROOT' (ECR maps the whole upstream registry)"],
    ),
    (
        '{ prefix = "mirror", upstream = "ecr", registry_url = "123456789012.dkr.ecr.eu-west-1.amazonaws.com", upstream_prefix = "T" }',
        [
            "upstream_prefix: 'T' is not an upstream repository prefix (2-30 chars: lowercase letters, digits, and . _ - / separators; or 'ROOT')"
        ],
    ),
    (
        '{ prefix = "e5", upstream = "ecr", registry_url = "210987654321.dkr.ecr.xx-fake-9.amazonaws.com", custom_role_arn = "arn:aws:iam::123456789012:role/x" }',
        [
            "registry_url: '210987654321.dkr.ecr.xx-fake-9.amazonaws.com' names the region 'xx-fake-9', which is not an AWS region "
            "(e.g. us-east-1, eu-west-1, us-gov-west-1, cn-north-1; see the AWS regions page)"
        ],
    ),
    (
        '{ prefix = "e3", upstream = "ecr", registry_url = "210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn", custom_role_arn = "arn:aws:iam::123456789012:role/x" }',
        [
            "registry_url: '210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn' is in another partition than this registry's region "
            "'us-east-1'; ECR pulls through from registries of its own partition only"
        ],
    ),
    (
        '{ prefix = "e4", upstream = "ecr", registry_url = "210987654321.dkr.ecr.us-west-2.amazonaws.com.cn", custom_role_arn = "arn:aws:iam::123456789012:role/x" }',
        [
            "registry_url: '210987654321.dkr.ecr.us-west-2.amazonaws.com.cn' has the wrong domain for region 'us-west-2': ECR "
            "registries in China end in amazonaws.com.cn, all others in amazonaws.com"
        ],
    ),
]


@pytest.mark.parametrize("rule, expected", PULL_THROUGH)
def test_pull_through_cache_rules(accounts, rule, expected):
    folder = accounts(a=minimal("dev", f"[registry]\npull_through_cache = [{rule}]\n"))
    assert problems(folder) == [f"{F}registry.pull_through_cache[0].{e}" for e in expected]


def test_pull_through_prefixes_are_unique_and_address_distinct(accounts):
    rules = '[{ prefix = "ghcr", upstream = "quay" }, { prefix = "ghcr/", upstream = "quay" }, { prefix = "a.b", upstream = "quay" }, { prefix = "a_b", upstream = "quay" }]'
    assert problems(accounts(a=minimal("dev", f"[registry]\npull_through_cache = {rules}\n"))) == [
        F
        + "registry.pull_through_cache[1].prefix: 'ghcr/' is already the prefix of registry.pull_through_cache[0]; "
        "ECR allows one pull through cache rule per prefix",
        F
        + "registry.pull_through_cache[3].prefix: 'a_b' maps to the Terraform address 'a_b' like 'a.b' (registry.pull_through_cache[2]); change one",
    ]


def test_creation_templates(accounts):
    folder = accounts(
        a=minimal(
            "production",
            f"""
        [[registry.creation_template]]
        prefix = "Bad Prefix"
        applied_for = ["PUSH", "REPLICATION", "REPLICATION"]
        description = "{"d" * 257}"
        encryption = "KMS"
        kms_key = "alias/ecr"
        resource_tags = {{ "aws:x" = "y" }}
        image_tag_mutability = "MUTABLE"
        mutable_tags = ["latest"]
        policy = "none"
        lifecycle = {{ protected_tags = ["v*"] }}

        [[registry.creation_template]]
        prefix = "team"
        applied_for = []
        custom_role_arn = "arn:aws:iam::210987654321:role/r"
        lifecycle = false
        """,
        )
    )
    here = F + "registry.creation_template"
    assert problems(folder) == [
        f"{here}[0].mutable_tags: is not allowed with image_tag_mutability 'MUTABLE' (every tag is mutable already); use IMMUTABLE with mutable_tags",
        f"{here}[0].prefix: 'Bad Prefix' is not a repository name prefix (1-256 chars: lowercase letters, digits, and . _ - / separators, "
        "optionally ending in '/'; or 'ROOT' for every repository without a template)",
        f"{here}[0].applied_for[0]: 'PUSH' is not allowed (allowed: PULL_THROUGH_CACHE, REPLICATION, CREATE_ON_PUSH)",
        f"{here}[0].applied_for: has duplicates: 'REPLICATION'",
        f"{here}[0].description: is 257 characters; ECR allows at most 256",
        f"{here}[0].custom_role_arn: is required with KMS encryption and resource_tags: ECR creates the repositories through a role "
        "of this account that may use the key and tag them",
        f"{here}[0].resource_tags.\"aws:x\": 'aws:x' is not a valid tag key (1-128 chars: letters, digits, spaces and _ . : / = + - @; not starting with 'aws:')",
        f"{here}[1].applied_for: is empty; name what the template applies to (PULL_THROUGH_CACHE, REPLICATION, CREATE_ON_PUSH)",
        f"{here}[1].custom_role_arn: 'arn:aws:iam::210987654321:role/r' is a role of account 210987654321; "
        "ECR assumes a role of the registry's own account 123456789012",
    ]


def test_creation_template_renders_its_repository_policy_and_lifecycle(accounts):
    folder = accounts(
        a=minimal(
            "production",
            """
        [[registry.creation_template]]
        prefix = "docker-hub"
        applied_for = ["PULL_THROUGH_CACHE"]
        pull_account_ids = ["210987654321"]
        lifecycle = { max_image_count = 5, protected_tags = ["v*"] }
        """,
        )
    )
    (account,) = load_accounts(folder)
    (template,) = account.registry.creation_templates
    assert (template.image_tag_mutability, template.encryption, template.address) == (
        "IMMUTABLE",
        "AES256",
        "docker-hub",
    )
    assert json.loads(template.lifecycle_policy)["rules"][-1]["selection"]["countNumber"] == 5
    (rendered,) = render_all([account], folder)
    policy = json.loads(rendered.registry.creation_templates[0].policy_text)
    assert policy["Statement"][0]["Principal"] == {"AWS": ["arn:aws:iam::210987654321:root"]}


# ---- the registry policy --------------------------------------------------------------------------


def test_registry_default_grants_replication_and_pull_through(accounts):
    folder = accounts(
        a=minimal(
            "production",
            """
        [registry]
        replication_source_account_ids = ["210987654321"]
        pull_through_principals = ["arn:aws:iam::123456789012:role/ci"]
        pull_through_cache = [{ prefix = "ecr-public", upstream = "ecr-public" }, { prefix = "quay/", upstream = "quay" }]
        """,
        )
    )
    accounts_ = load_accounts(folder)
    (rendered,) = render_all(accounts_, folder)
    policy = json.loads(rendered.registry.policy_text)
    assert policy["Statement"] == [
        {
            "Sid": "ReplicationFromSourceAccounts",
            "Effect": "Allow",
            "Principal": {"AWS": ["arn:aws:iam::210987654321:root"]},
            "Action": ["ecr:CreateRepository", "ecr:ReplicateImage"],
            "Resource": ["arn:aws:ecr:us-east-1:123456789012:repository/*"],
        },
        {
            "Sid": "PullThroughCache",
            "Effect": "Allow",
            "Principal": {"AWS": ["arn:aws:iam::123456789012:role/ci"]},
            "Action": ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"],
            "Resource": [
                "arn:aws:ecr:us-east-1:123456789012:repository/ecr-public/*",
                "arn:aws:ecr:us-east-1:123456789012:repository/quay/*",
            ],
        },
    ]


def test_no_registry_policy_without_grants_or_with_none(accounts):
    folder = accounts(
        a=minimal("dev", '[registry]\nreplication = [{ destinations = [{ region = "eu-west-1" }] }]\n'),
        b=minimal(
            "dev", '[registry]\npolicy = "none"\nreplication_source_account_ids = ["210987654321"]\n'
        ).replace("123456789012", "123456789013"),
    )
    loaded = load_accounts(folder)
    assert [a.registry.policy for a in loaded] == [None, None]
    rendered = render_all(loaded, folder)
    assert repository_policies(rendered) == {}
    assert [a.registry.policy_text for a in rendered] == [None, None]


V1_ONLY = (  # after the action
    " is not allowed in a registry policy under policy_scope 'V1' (ECR enforces only ecr:ReplicateImage, "
    "ecr:BatchImportUpstreamImage, ecr:CreateRepository at the registry level; name them rather than a "
    "wildcard, or set policy_scope = 'V2')"
)


@pytest.mark.parametrize(
    "scope, actions",
    [
        (
            "policy_scope = 'V1'\n",
            [
                f"Statement[0].Action: 'ecr:PutImage'{V1_ONLY}",
                f"Statement[0].Action: 's3:GetObject'{V1_ONLY}",
                f"Statement[1].Action: 'ecr:*'{V1_ONLY}",
            ],
        ),
        # V2, AWS's default: any ECR action, nothing else.
        ("", ["Statement[0].Action: 's3:GetObject' is not an ECR action (ecr:...)"]),
        ("policy_scope = 'V2'\n", ["Statement[0].Action: 's3:GetObject' is not an ECR action (ecr:...)"]),
    ],
)
def test_registry_policy_shape(accounts, tmp_path, scope, actions):
    (tmp_path / "iam_policies").mkdir()
    (tmp_path / "iam_policies" / "open.json.j2").write_text(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": ["ecr:ReplicateImage", "ecr:PutImage", "s3:GetObject"],
                        "Resource": "arn:aws:s3:::bucket",
                    },
                    {"Effect": "Allow", "Principal": {"AWS": "210987654321"}, "Action": "ecr:*"},
                ],
            }
        )
    )
    folder = accounts(a=minimal("production", '[registry]\npolicy = "open"\n' + scope))
    label = "registry.policy: template 'open' (iam_policies/open.json.j2): "
    expected = [
        "Statement[0].Resource: 'arn:aws:s3:::bucket' is not a repository ARN (arn:aws:ecr:REGION:ACCOUNT:repository/NAME, '*' wildcards allowed)",
        *(actions[:-1] if scope.endswith("'V1'\n") else actions),
        "Statement[1]: needs exactly one of Resource or NotResource (a registry policy names the repositories, "
        "e.g. 'arn:aws:ecr:REGION:ACCOUNT:repository/*')",
        *(actions[-1:] if scope.endswith("'V1'\n") else []),
    ]
    assert problems(folder) == [F + label + e for e in expected]


def test_registry_policy_open_to_everyone_is_an_error_in_production(accounts, tmp_path):
    (tmp_path / "iam_policies").mkdir()
    (tmp_path / "iam_policies" / "open.json.j2").write_text(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": "*", "Action": "ecr:ReplicateImage", "Resource": "*"}
                ],
            }
        )
    )
    folder = accounts(a=minimal("production", '[registry]\npolicy = "open"\n'))
    assert problems(folder) == [
        F
        + "registry.policy: template 'open' (iam_policies/open.json.j2): Statement[0].Principal: '*' without a "
        "Condition grants ecr:ReplicateImage to everyone in every AWS account; add a Condition (such as "
        "aws:PrincipalOrgID) or name the principals (not allowed in a production account)"
    ]


def test_open_registry_policy_is_a_warning_elsewhere(accounts, tmp_path):
    (tmp_path / "iam_policies").mkdir()
    (tmp_path / "iam_policies" / "open.json.j2").write_text(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": "*", "Action": "ecr:ReplicateImage", "Resource": "*"}
                ],
            }
        )
    )
    checked = commands.validate(accounts(a=minimal("dev", '[registry]\npolicy = "open"\n')))
    assert [str(w) for w in checked.warnings] == [
        F
        + "registry.policy: template 'open': Statement[0].Principal: '*' without a Condition grants ecr:ReplicateImage to everyone "
        "in every AWS account; add a Condition (such as aws:PrincipalOrgID) or name the principals"
    ]


def test_unknown_registry_policy_template(accounts):
    folder = accounts(a=minimal("dev", '[registry]\npolicy = "missing"\n'))
    assert problems(folder) == [
        F + "registry.policy: 'missing' is not a known policy template (known: non_production, production, "
        "registry_default; or add iam_policies/missing.json.j2)"
    ]


def test_registry_keys_are_checked(accounts):
    folder = accounts(
        a=minimal(
            "dev",
            """
        [registry]
        replication_source_account_ids = ["1", "1"]
        pull_through_principals = ["arn:aws:iam::123456789012:role/*"]
        replication = [{ destinations = [{ region = "eu-west-1", acount = "x" }] }]
        """,
        )
    )
    assert problems(folder) == [
        F + "registry.replication[0].destinations[0].acount: unknown key (allowed: region, account_id)",
        F + "registry.replication_source_account_ids[0]: '1' is not an AWS account id (12 digits)",
        F + "registry.replication_source_account_ids[1]: '1' is not an AWS account id (12 digits)",
        F
        + "registry.pull_through_principals[0]: 'arn:aws:iam::123456789012:role/*' has a wildcard: IAM accepts '*' only as the "
        "whole principal, never inside an ARN; name the principal exactly",
        F + "registry.replication_source_account_ids: has duplicates: '1'",
    ]


# ---- across files, and the provider floor ---------------------------------------------------------


def test_two_files_may_not_manage_one_registry(accounts):
    registry = '[registry]\nreplication = [{ destinations = [{ region = "eu-west-1" }] }]\npull_through_cache = [{ prefix = "quay", upstream = "quay" }]\n'
    folder = accounts(a=minimal("dev", registry), b=minimal("dev", registry))
    assert problems(folder) == [
        "accounts/b.toml: registry.replication: the registry replication configuration of account 123456789012 in us-east-1 is also made by "
        "accounts/a.toml (registry.replication); there is one per account and region, and two stacks would overwrite each other",
        "accounts/b.toml: registry.pull_through_cache[0].prefix: the pull through cache rule 'quay' of account 123456789012 in us-east-1 is "
        "also made by accounts/a.toml (registry.pull_through_cache[0].prefix); a registry holds one rule per prefix",
    ]


@pytest.mark.node
def test_create_on_push_raises_the_provider_floor(accounts):
    template = '[[registry.creation_template]]\nprefix = "ROOT"\napplied_for = ["{}"]\nlifecycle = false\n'
    folder = accounts(
        a=minimal("dev", template.format("CREATE_ON_PUSH")),
        b=minimal("dev", template.format("REPLICATION")).replace("123456789012", "123456789013"),
    )
    texts = {name: json.loads(text) for name, text in commands.render_texts(folder, None).items()}
    assert texts["a"]["terraform"]["required_providers"]["aws"] == {
        "source": "hashicorp/aws",
        "version": "~> 6.28",
    }
    assert texts["b"]["terraform"]["required_providers"]["aws"] == {
        "source": "hashicorp/aws",
        "version": "~> 6.25",
    }


@pytest.mark.parametrize(
    ("registry", "expected"),
    [
        (
            'policy = "none"\nreplication_source_account_ids = ["210987654321"]\n',
            "registry.policy: 'none' means no registry policy, so replication_source_account_ids grants nothing; "
            "remove policy = 'none' to use the built-in 'registry_default', or remove replication_source_account_ids",
        ),
        (
            'policy = "none"\nreplication_source_account_ids = ["210987654321"]\n'
            'pull_through_principals = ["arn:aws:iam::123456789012:role/ci"]\n',
            "registry.policy: 'none' means no registry policy, so replication_source_account_ids and "
            "pull_through_principals grant nothing; remove policy = 'none' to use the built-in 'registry_default', "
            "or remove replication_source_account_ids and pull_through_principals",
        ),
        (
            'pull_through_principals = ["arn:aws:iam::123456789012:role/ci"]\n',
            "registry.pull_through_principals: grant nothing: 'registry_default' grants them the prefixes of the "
            "[[registry.pull_through_cache]] rules, and there are none; add a rule or remove them",
        ),
    ],
)
def test_registry_grants_that_grant_nothing_are_warned(accounts, registry, expected):
    from ecrgen import commands

    checked = commands.validate(accounts(a=minimal("dev", "[registry]\n" + registry)))
    assert [str(w) for w in checked.warnings] == [f"accounts/a.toml: {expected}"]


def test_registry_grants_in_use_are_not_warned(accounts):
    from ecrgen import commands

    text = minimal("dev", '[registry]\nreplication_source_account_ids = ["210987654321"]\n')
    assert commands.validate(accounts(a=text)).warnings == ()


def test_registry_policy_resources_outside_the_registry_are_warned(accounts):
    from ecrgen import commands

    folder = accounts(a=minimal("production", '[registry]\npolicy = "mine"\n'))
    arns = [
        "arn:aws:ecr:us-east-1:123456789012:repository/*",
        "arn:aws:ecr:eu-west-1:123456789012:repository/*",
        "arn:aws:ecr:us-east-1:999999999999:repository/x",
    ]
    statement = {
        "Sid": "R",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
        "Action": ["ecr:ReplicateImage", "ecr:CreateRepository"],
        "Resource": arns,
    }
    (folder.parent / "iam_policies").mkdir()
    (folder.parent / "iam_policies" / "mine.json.j2").write_text(
        json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    )
    here = "accounts/a.toml: registry.policy: template 'mine': Statement[0].Resource:"
    assert [str(w) for w in commands.validate(folder).warnings] == [
        f"{here} 'arn:aws:ecr:eu-west-1:123456789012:repository/*' is not a repository of this registry (account 123456789012, region us-east-1): a registry policy grants only on its own registry's repositories",
        f"{here} 'arn:aws:ecr:us-east-1:999999999999:repository/x' is not a repository of this registry (account 123456789012, region us-east-1): a registry policy grants only on its own registry's repositories",
    ]
