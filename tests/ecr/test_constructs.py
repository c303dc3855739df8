"""The constructs, built from Python models (no TOML, no validation): what each one emits, and that
every address it emits comes from ecrgen.addresses. One synthesis per test session (it is slow)."""

from __future__ import annotations

import ast
import json
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest

from ecrgen import addresses, moves
from ecrgen.addresses import Address, Kind
from ecrgen.config.model import (
    Account,
    Alerts,
    Backend,
    CreationTemplate,
    PullThroughCacheRule,
    Registry,
    ReplicationRule,
    Repository,
    Role,
    Scanning,
)
from ecrgen.rules.names import address

ID = "123456789012"
KEY_ARN = f"arn:aws:kms:us-east-1:{ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
LIFECYCLE = '{"rules":[{"rulePriority":1}]}'
POLICY = '{"Statement":[{"Sid":"Pull"}],"Version":"2012-10-17"}'


def repository(name: str, **changes) -> Repository:
    """A repository with plain defaults: immutable, AES256, no lifecycle policy, no repository policy."""
    values = {
        "name": name,
        "ecr_name": f"demo/{name}",
        "address": address(name),
        "image_tag_mutability": "IMMUTABLE",
        "mutable_tags": (),
        "scan_on_push": True,
        "encryption": "AES256",
        "kms_key": None,
        "force_delete": False,
        "prevent_destroy": False,
        "policy": None,
        "pull_account_ids": (),
        "push_principals": (),
        "org_id": None,
        "lambda_pull": False,
        "lifecycle_policy": None,
    }
    return Repository(**(values | changes))


def account(name: str, repositories: tuple[Repository, ...], **changes) -> Account:
    """A non-production account in us-east-1 with a local backend and nothing optional."""
    values = {
        "name": name,
        "file": f"accounts/{name}.toml",
        "id": ID,
        "region": "us-east-1",
        "environment": "dev",
        "production": False,
        "project": "demo",
        "assume_role_arn": None,
        "terraform_version": ">= 1.7",
        "tags": (),
        "backend": Backend(),
        "repositories": repositories,
    }
    return Account(**(values | changes))


def template(prefix: str, **changes) -> CreationTemplate:
    """A creation template for `prefix` with plain defaults."""
    values = {
        "prefix": prefix,
        "address": address(prefix),
        "applied_for": ("PULL_THROUGH_CACHE",),
        "description": None,
        "custom_role_arn": None,
        "resource_tags": (),
        "image_tag_mutability": "MUTABLE",
        "mutable_tags": (),
        "encryption": "AES256",
        "kms_key": None,
        "policy": None,
        "pull_account_ids": (),
        "push_principals": (),
        "org_id": None,
        "lambda_pull": False,
        "lifecycle_policy": None,
    }
    return CreationTemplate(**(values | changes))


def registry(**changes) -> Registry:
    """A registry with nothing configured."""
    values = {
        "policy": None,
        "replication_source_account_ids": (),
        "pull_through_principals": (),
        "replication": (),
        "pull_through_cache": (),
        "creation_templates": (),
    }
    return Registry(**(values | changes))


FULL = account(
    "full",
    (
        repository(
            "app",
            image_tag_mutability="IMMUTABLE_WITH_EXCLUSION",
            mutable_tags=("latest", "dev-*"),
            encryption="KMS",
            kms_key="alias/team/key",
            prevent_destroy=True,
            lifecycle_policy=LIFECYCLE,
            policy_text=POLICY,
            adopt=True,
        ),
        repository("base-images/python", encryption="KMS", kms_key=KEY_ARN, lifecycle_policy=LIFECYCLE),
        repository("scratch", force_delete=True, policy_text=POLICY),
    ),
    role=Role("ecr-ci", "push", ("acme/app",), (), (), adopt=True),
    alerts=Alerts(
        "findings.fifo", True, ("HIGH", "CRITICAL"), "/aws/events/ecr-findings", "full-ecr-scan-findings"
    ),
    scanning=Scanning("ENHANCED", True, ("prod-*",)),
    registry=registry(
        replication=(ReplicationRule((("eu-west-1", "210987654321"),), ("app",)),),
        pull_through_cache=(
            PullThroughCacheRule(
                "docker-hub",
                "docker-hub",
                "docker-hub",
                "registry-1.docker.io",
                "ecr-pullthroughcache/hub",
                None,
                None,
            ),
        ),
        creation_templates=(
            template(
                "docker-hub",
                applied_for=("REPLICATION", "CREATE_ON_PUSH"),
                kms_key="alias/team/key",
                encryption="KMS",
                mutable_tags=("latest",),
                image_tag_mutability="IMMUTABLE_WITH_EXCLUSION",
                policy_text=POLICY,
            ),
        ),
        policy_text=POLICY,
    ),
    retired=("old/app",),
)

LOOKUP = account(
    "lookup",
    (repository("web"), repository("api", lifecycle_policy=LIFECYCLE)),
    role=Role("ecr-ci", "pull", (), (f"arn:aws:iam::{ID}:root",), (), repository_prefix="demo/"),
    # The old module's rule and SQS target, adopted (issue 20: a migration ends with one alert path).
    alerts=Alerts("findings", False, ("CRITICAL",), None, "legacy-ecr-findings", "SendToSQS", adopt=True),
    registry=registry(creation_templates=(template("ROOT"),)),
)

MOVED = account(
    "moved",
    (repository("app", lifecycle_policy=LIFECYCLE, policy_text=POLICY), repository("bare")),
)


def old_address(name: str) -> str:
    """The derivation the `moved` account pretends an earlier ecrgen used."""
    return "old_" + address(name)


@pytest.fixture(scope="session")
def stacks() -> dict[str, dict]:
    """Account name -> its synthesized `cdk.tf.json`, parsed: one App, one synthesis for the session."""
    from ecrgen.ecr import engine
    from ecrgen.stack import AccountStack

    with tempfile.TemporaryDirectory(prefix="ecrgen-constructs-") as scratch:
        app = engine.cdktf().App(outdir=scratch)
        AccountStack(app, FULL)
        AccountStack(app, LOOKUP)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(moves, "HISTORY", [("0.0.1", old_address)])
            AccountStack(app, MOVED)
        app.synth()
        return {
            name: json.loads((Path(scratch) / "stacks" / name / "cdk.tf.json").read_text())
            for name in ("full", "lookup", "moved")
        }


def emitted(stack: dict) -> set[str]:
    """Every resource and data source address of a stack."""
    found = {f"{kind}.{name}" for kind, blocks in stack.get("resource", {}).items() for name in blocks}
    return found | {
        f"data.{kind}.{name}" for kind, blocks in stack.get("data", {}).items() for name in blocks
    }


def body(stack: dict, at: Address) -> dict:
    """The block at an address of the table, without CDKTF's metadata."""
    blocks = stack["data" if at.kind.data else "resource"][at.kind.type]
    return {key: value for key, value in blocks[at.name].items() if key != "//"}


def kms_lookup(stack: dict, alias: str) -> Address:
    """The table's address of the data source that looks up this alias."""
    (name,) = [name for name, block in stack["data"]["aws_kms_alias"].items() if block["name"] == alias]
    return addresses.kms_alias(name)


# ---- the table itself ------------------------------------------------------------------------------


def test_an_address_prints_as_terraform_writes_it():
    assert str(addresses.repository("base-images_python")) == "aws_ecr_repository.base-images_python"
    assert addresses.repository("app").ref("arn") == "${aws_ecr_repository.app.arn}"
    assert str(addresses.CALLER) == "data.aws_caller_identity.current"
    assert addresses.PARTITION.ref("dns_suffix") == "${data.aws_partition.current.dns_suffix}"
    assert str(Kind("aws_sqs_queue", data=True)) == "data.aws_sqs_queue"


def test_the_alert_queue_is_created_or_looked_up_in_one_place():
    assert addresses.alert_queue(FULL.alerts) == Address(Kind("aws_sqs_queue"), "alerts")
    assert str(addresses.alert_queue(LOOKUP.alerts)) == "data.aws_sqs_queue.alerts"


def test_repository_blocks_follow_what_a_repository_has():
    app, base, scratch = FULL.repositories
    assert [str(a) for a in addresses.repository_blocks(app)] == [
        "aws_ecr_repository.app",
        "aws_ecr_lifecycle_policy.app",
        "aws_ecr_repository_policy.app",
    ]
    assert addresses.repository_blocks(base) == [
        addresses.repository("base-images_python"),
        addresses.lifecycle_policy("base-images_python"),
    ]
    assert addresses.repository_blocks(scratch, "old") == [
        addresses.repository("old"),
        addresses.repository_policy("old"),
    ]


def test_no_module_spells_an_address_outside_the_table():
    """Strings that are a Terraform type or a reference (docstrings and messages aside) live in the table."""
    package = Path(addresses.__file__).parent
    spelled = []
    for path in sorted(package.rglob("*.py")):
        if path == Path(addresses.__file__):
            continue
        tree = ast.parse(path.read_text())
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                text = node.value
                if text.startswith(("aws_", "data.aws_")) or "${aws_" in text or "${data." in text:
                    spelled.append(f"{path.relative_to(package)}: {text!r}")
    assert spelled == []


# ---- every address a stack emits comes from the table ----------------------------------------------


def test_a_full_stack_emits_exactly_these_addresses_of_the_table(stacks):
    app, base, scratch = (r.address for r in FULL.repositories)
    hub = FULL.registry.creation_templates[0].address
    kms = kms_lookup(stacks["full"], "alias/team/key")
    (secret,) = stacks["full"]["data"]["aws_secretsmanager_secret"]
    expected = [
        addresses.CALLER,
        addresses.PARTITION,
        addresses.REGION,
        kms,
        addresses.secret(secret),
        addresses.GITHUB_OIDC_PROVIDER,
        *(addresses.repository(name) for name in (app, base, scratch)),
        addresses.lifecycle_policy(app),
        addresses.lifecycle_policy(base),
        addresses.repository_policy(app),
        addresses.repository_policy(scratch),
        addresses.ROLE,
        addresses.ROLE_POLICY,
        addresses.ROLE_POLICIES_EXCLUSIVE,
        addresses.ROLE_ATTACHMENTS_EXCLUSIVE,
        addresses.SCANNING,
        addresses.ALERT_RULE,
        addresses.alert_queue(FULL.alerts),
        addresses.ALERT_QUEUE_POLICY,
        addresses.ALERT_QUEUE_TARGET,
        addresses.ALERT_LOG_GROUP,
        addresses.ALERT_LOG_POLICY,
        addresses.ALERT_LOGS_TARGET,
        addresses.REPLICATION,
        addresses.REGISTRY_POLICY,
        addresses.pull_through_cache_rule("docker-hub"),
        addresses.creation_template(hub),
    ]
    assert emitted(stacks["full"]) == {str(a) for a in expected}
    assert len(expected) == len(set(expected))


def test_every_kind_a_stack_emits_is_in_the_table(stacks):
    kinds = {str(value) for value in vars(addresses).values() if isinstance(value, Kind)}
    found = {a.rsplit(".", 1)[0] for stack in stacks.values() for a in emitted(stack)}
    assert found <= kinds
    assert len(found) >= 24  # the three stacks use almost every kind


# ---- repositories and their policies ---------------------------------------------------------------


def test_a_repository_carries_its_settings(stacks):
    full = stacks["full"]
    app = body(full, addresses.repository("app"))
    assert app["name"] == "demo/app"
    assert app["image_tag_mutability"] == "IMMUTABLE_WITH_EXCLUSION"
    assert app["image_tag_mutability_exclusion_filter"] == [
        {"filter": "latest", "filter_type": "WILDCARD"},
        {"filter": "dev-*", "filter_type": "WILDCARD"},
    ]
    assert app["image_scanning_configuration"] == {"scan_on_push": True}
    assert body(full, addresses.repository("scratch"))["force_delete"] is True
    assert "image_tag_mutability_exclusion_filter" not in body(full, addresses.repository("scratch"))


def test_prevent_destroy_only_when_set(stacks):
    assert body(stacks["full"], addresses.repository("app"))["lifecycle"]["prevent_destroy"] is True
    assert "lifecycle" not in body(stacks["full"], addresses.repository("scratch"))
    assert "lifecycle" not in body(stacks["lookup"], addresses.repository("web"))


def test_a_kms_alias_is_looked_up_and_a_key_arn_kept(stacks):
    full = stacks["full"]
    lookup = kms_lookup(full, "alias/team/key")
    assert body(full, addresses.repository("app"))["encryption_configuration"] == [
        {"encryption_type": "KMS", "kms_key": lookup.ref("target_key_arn")}
    ]
    base = body(full, addresses.repository("base-images_python"))
    assert base["encryption_configuration"] == [{"encryption_type": "KMS", "kms_key": KEY_ARN}]
    assert len(full["data"]["aws_kms_alias"]) == 1  # one lookup for the repository and the template
    assert "aws_kms_alias" not in stacks["lookup"].get("data", {})


def test_a_key_through_an_alias_ignores_what_the_alias_points_at_later(stacks):
    """Rotating the alias changes the resolved key ARN; ECR cannot re-encrypt: no replacement."""
    app = body(stacks["full"], addresses.repository("app"))
    assert app["lifecycle"] == {
        "prevent_destroy": True,
        "ignore_changes": ["encryption_configuration[0].kms_key"],
    }
    assert "lifecycle" not in body(stacks["full"], addresses.repository("base-images_python"))


def test_a_lifecycle_policy_only_when_the_repository_has_one(stacks):
    full = stacks["full"]
    assert body(full, addresses.lifecycle_policy("app")) == {
        "policy": LIFECYCLE,
        "repository": addresses.repository("app").ref("name"),
    }
    assert set(full["resource"]["aws_ecr_lifecycle_policy"]) == {"app", "base-images_python"}
    assert set(stacks["lookup"]["resource"]["aws_ecr_lifecycle_policy"]) == {"api"}


def test_a_repository_policy_only_when_policy_text_is_set(stacks):
    full = stacks["full"]
    assert body(full, addresses.repository_policy("scratch")) == {
        "policy": POLICY,
        "repository": addresses.repository("scratch").ref("name"),
    }
    assert set(full["resource"]["aws_ecr_repository_policy"]) == {"app", "scratch"}
    assert "aws_ecr_repository_policy" not in stacks["lookup"]["resource"]


def test_outputs_reference_the_table(stacks):
    outputs = stacks["full"]["output"]
    assert outputs["repository_arn"]["value"]["base-images/python"] == addresses.repository(
        "base-images_python"
    ).ref("arn")
    assert outputs["repository_url"]["value"]["app"] == addresses.repository("app").ref("repository_url")
    assert outputs["registry_id"]["value"] == addresses.CALLER.ref("account_id")
    assert outputs["repository_registry_url"][
        "value"
    ] == f"{ID}.dkr.ecr.us-east-1." + addresses.PARTITION.ref("dns_suffix")


# ---- the role --------------------------------------------------------------------------------------


def statements(text: str) -> dict[str, dict]:
    return {s["Sid"]: s for s in json.loads(text)["Statement"]}


def test_the_role_keeps_only_its_own_inline_policy(stacks):
    full = stacks["full"]
    assert body(full, addresses.ROLE_POLICIES_EXCLUSIVE) == {
        "role_name": addresses.ROLE.ref("name"),
        "policy_names": [addresses.ROLE_POLICY.ref("name")],
    }
    assert body(full, addresses.ROLE_ATTACHMENTS_EXCLUSIVE) == {
        "role_name": addresses.ROLE.ref("name"),
        "policy_arns": [],
    }
    assert body(full, addresses.ROLE_POLICY)["role"] == addresses.ROLE.ref("name")


def test_the_role_grants_on_each_repository_by_address(stacks):
    policy = body(stacks["full"], addresses.ROLE_POLICY)
    assert policy["name"] == "ecr-push"
    grant = statements(policy["policy"])["PushPull"]
    assert grant["Resource"] == [
        addresses.repository(name).ref("arn") for name in ("app", "base-images_python", "scratch")
    ]


def test_a_prefix_scoped_role_grants_on_the_prefix(stacks):
    policy = body(stacks["lookup"], addresses.ROLE_POLICY)
    assert statements(policy["policy"])["Pull"]["Resource"] == [
        f"arn:aws:ecr:us-east-1:{ID}:repository/demo/*"
    ]


def test_github_trust_uses_the_looked_up_provider(stacks):
    full, lookup = stacks["full"], stacks["lookup"]
    trust = statements(body(full, addresses.ROLE)["assume_role_policy"])
    assert trust["GitHubActions"]["Principal"] == {"Federated": addresses.GITHUB_OIDC_PROVIDER.ref("arn")}
    assert body(full, addresses.GITHUB_OIDC_PROVIDER) == {
        "url": "https://token.actions.githubusercontent.com"
    }
    assert "aws_iam_openid_connect_provider" not in lookup["data"]
    assert set(statements(body(lookup, addresses.ROLE)["assume_role_policy"])) == {"TrustedPrincipals"}


# ---- alerts and scanning ---------------------------------------------------------------------------


def test_a_created_fifo_queue_deduplicates_by_content(stacks):
    full = stacks["full"]
    queue = addresses.alert_queue(FULL.alerts)
    assert body(full, queue) == {
        "name": "findings.fifo",
        "sqs_managed_sse_enabled": True,
        "fifo_queue": True,
        "content_based_deduplication": True,
    }
    target = body(full, addresses.ALERT_QUEUE_TARGET)
    assert target["arn"] == queue.ref("arn")
    assert target["rule"] == addresses.ALERT_RULE.ref("name")
    assert target["sqs_target"] == {"message_group_id": "ecr-scan-findings"}
    queue_policy = body(full, addresses.ALERT_QUEUE_POLICY)
    assert queue_policy["queue_url"] == queue.ref("url")
    (grant,) = json.loads(queue_policy["policy"])["Statement"]
    assert grant["Resource"] == queue.ref("arn")
    assert grant["Condition"] == {"ArnEquals": {"aws:SourceArn": addresses.ALERT_RULE.ref("arn")}}


def test_a_looked_up_queue_is_neither_created_nor_given_a_policy(stacks):
    lookup, full = stacks["lookup"], stacks["full"]
    queue = addresses.alert_queue(LOOKUP.alerts)
    assert body(lookup, queue) == {"name": "findings"}
    assert body(lookup, addresses.ALERT_QUEUE_TARGET) == {
        "arn": queue.ref("arn"),
        "rule": addresses.ALERT_RULE.ref("name"),
        "target_id": "SendToSQS",  # the configured target_id
    }
    assert body(full, addresses.ALERT_QUEUE_TARGET)["target_id"] == "sqs"
    assert not {"aws_sqs_queue", "aws_sqs_queue_policy", "aws_cloudwatch_log_group"} & set(lookup["resource"])
    assert "aws_sqs_queue" not in stacks["full"].get("data", {})


def test_findings_go_to_the_log_group_when_one_is_named(stacks):
    full = stacks["full"]
    assert body(full, addresses.ALERT_LOG_GROUP) == {
        "name": "/aws/events/ecr-findings",
        "retention_in_days": 365,
    }
    target = body(full, addresses.ALERT_LOGS_TARGET)
    assert target == {
        "arn": addresses.ALERT_LOG_GROUP.ref("arn"),
        "rule": addresses.ALERT_RULE.ref("name"),
        "target_id": "logs",
    }
    log_policy = body(full, addresses.ALERT_LOG_POLICY)
    assert log_policy["policy_name"] == "full-ecr-scan-findings-logs"
    (grant,) = json.loads(log_policy["policy_document"])["Statement"]
    assert grant["Resource"] == addresses.ALERT_LOG_GROUP.ref("arn") + ":*"


def test_the_rule_matches_inspector_findings_when_scanning_is_enhanced(stacks):
    rule = body(stacks["full"], addresses.ALERT_RULE)
    assert rule["name"] == "full-ecr-scan-findings"
    assert rule["description"] == "ECR Amazon Inspector findings of severity HIGH, CRITICAL"
    assert body(stacks["lookup"], addresses.ALERT_RULE)["description"] == (
        "ECR basic scan findings of severity CRITICAL"
    )
    assert body(stacks["lookup"], addresses.ALERT_RULE)["name"] == "legacy-ecr-findings"  # rule_name


def test_scanning_only_when_configured(stacks):
    assert body(stacks["full"], addresses.SCANNING) == {
        "scan_type": "ENHANCED",
        "rule": [
            {
                "scan_frequency": "CONTINUOUS_SCAN",
                "repository_filter": [{"filter": "prod-*", "filter_type": "WILDCARD"}],
            }
        ],
    }
    assert "aws_ecr_registry_scanning_configuration" not in stacks["lookup"]["resource"]


# ---- the registry ----------------------------------------------------------------------------------


def test_replication_rules_and_their_filters(stacks):
    assert body(stacks["full"], addresses.REPLICATION) == {
        "replication_configuration": {
            "rule": [
                {
                    "destination": [{"region": "eu-west-1", "registry_id": "210987654321"}],
                    "repository_filter": [{"filter": "app", "filter_type": "PREFIX_MATCH"}],
                }
            ]
        }
    }
    assert "aws_ecr_replication_configuration" not in stacks["lookup"]["resource"]


def test_a_registry_policy_only_when_policy_text_is_set(stacks):
    assert body(stacks["full"], addresses.REGISTRY_POLICY) == {"policy": POLICY}
    assert "aws_ecr_registry_policy" not in stacks["lookup"]["resource"]


def test_pull_through_cache_credentials_are_looked_up(stacks):
    full = stacks["full"]
    (name,) = full["data"]["aws_secretsmanager_secret"]
    assert body(full, addresses.secret(name)) == {"name": "ecr-pullthroughcache/hub"}
    assert body(full, addresses.pull_through_cache_rule("docker-hub")) == {
        "ecr_repository_prefix": "docker-hub",
        "upstream_registry_url": "registry-1.docker.io",
        "credential_arn": addresses.secret(name).ref("arn"),
    }


def test_a_creation_template_carries_its_policy_and_key(stacks):
    full = stacks["full"]
    hub = body(full, addresses.creation_template("docker-hub"))
    assert hub["applied_for"] == ["CREATE_ON_PUSH", "REPLICATION"]  # sorted
    assert hub["repository_policy"] == POLICY
    assert hub["encryption_configuration"] == [
        {"encryption_type": "KMS", "kms_key": kms_lookup(full, "alias/team/key").ref("target_key_arn")}
    ]
    assert hub["image_tag_mutability_exclusion_filter"] == [{"filter": "latest", "filter_type": "WILDCARD"}]
    root = body(stacks["lookup"], addresses.creation_template("ROOT"))
    assert not {"repository_policy", "lifecycle_policy", "description"} & set(root)
    assert full["terraform"]["required_providers"]["aws"]["version"] == "~> 6.28"  # CREATE_ON_PUSH
    assert stacks["lookup"]["terraform"]["required_providers"]["aws"]["version"] == "~> 6.25"


# ---- state: moved, import and removed blocks -------------------------------------------------------


def test_moved_blocks_cover_what_each_repository_emits(stacks):
    assert stacks["moved"]["moved"] == [
        {"from": "aws_ecr_lifecycle_policy.old_app", "to": "aws_ecr_lifecycle_policy.app"},
        {"from": "aws_ecr_repository.old_app", "to": "aws_ecr_repository.app"},
        {"from": "aws_ecr_repository.old_bare", "to": "aws_ecr_repository.bare"},
        {"from": "aws_ecr_repository_policy.old_app", "to": "aws_ecr_repository_policy.app"},
    ]
    assert "moved" not in stacks["full"]  # no derivation has changed


def test_moved_blocks_follow_policy_text():
    bare = MOVED.repositories[1]
    with_policy = replace(bare, policy_text=POLICY)
    history = [("0.0.1", old_address)]
    assert {b["to"] for b in moves.moved_blocks((with_policy,), history)} == {
        str(addresses.repository("bare")),
        str(addresses.repository_policy("bare")),
    }


def test_adopted_repositories_and_role_are_imported(stacks):
    assert stacks["full"]["import"] == [
        {"to": str(addresses.repository("app")), "id": "demo/app"},
        {"to": str(addresses.ROLE), "id": "ecr-ci"},
    ]
    assert "import" not in stacks["moved"]


def test_an_adopted_alert_imports_its_rule_and_sqs_target(stacks):
    """The rule by its name on the default bus, the target by bus/rule/target id (the provider's import
    IDs); the logs target, were there one, would be created."""
    assert stacks["lookup"]["import"] == [
        {"to": str(addresses.ALERT_RULE), "id": "legacy-ecr-findings"},
        {"to": str(addresses.ALERT_QUEUE_TARGET), "id": "default/legacy-ecr-findings/SendToSQS"},
    ]
    assert [block["to"] for block in stacks["lookup"]["import"]] == [
        "aws_cloudwatch_event_rule.scan_findings",
        "aws_cloudwatch_event_target.scan_findings_sqs",
    ]


def test_retired_repositories_are_forgotten_with_their_policies(stacks):
    assert stacks["full"]["removed"] == [
        {"from": str(kind(address("old/app"))), "lifecycle": {"destroy": False}}
        for kind in addresses.REPOSITORY_KINDS
    ]
    assert [block["from"] for block in stacks["full"]["removed"]] == [
        "aws_ecr_repository.old_app",
        "aws_ecr_lifecycle_policy.old_app",
        "aws_ecr_repository_policy.old_app",
    ]
