"""Synthesis of the examples (once per session) against golden JSON, addresses, determinism."""

import json

import pytest
from conftest import EXAMPLE_ID, GOLDEN, REORDERED_ID, ROOT, minimal


@pytest.mark.parametrize("account", ["example_account", "example_nonprod", "example_registry", "edge"])
def test_golden(synthesized, account, request):
    golden = GOLDEN / f"{account}.tf.json"
    text = json.dumps(synthesized[account], sort_keys=True, indent=2) + "\n"
    if request.config.getoption("--update-golden"):
        golden.write_text(text)
    assert text == golden.read_text(), (
        f"{golden.name} differs: run `pytest --update-golden` and read the diff"
    )


def test_written_file_is_canonical_and_machine_independent(synthesized):
    text = (synthesized["_out"] / "stacks" / "example_account" / "cdk.tf.json").read_text()
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2) + "\n"
    for needle in (str(ROOT), str(synthesized["_out"]), "/tmp/", "/home/", "/root/"):
        assert needle not in text


def test_addresses_come_from_names_not_positions(synthesized):
    prod, reordered = synthesized["example_account"]["resource"], synthesized["reordered"]["resource"]
    for kind, blocks in prod.items():
        for address, body in blocks.items():
            if kind == "aws_cloudwatch_event_rule":
                continue  # its name carries the account name
            other = json.loads(json.dumps(reordered[kind][address]).replace(REORDERED_ID, EXAMPLE_ID))
            assert {k: v for k, v in other.items() if k != "//"} == {
                k: v for k, v in body.items() if k != "//"
            } or kind == "aws_iam_role_policy", (kind, address)
    assert set(reordered["aws_ecr_repository"]) == set(prod["aws_ecr_repository"]) | {"inserted"}


def test_production_repositories_carry_prevent_destroy(synthesized):
    repos = synthesized["example_account"]["resource"]["aws_ecr_repository"]
    assert {a for a, r in repos.items() if r.get("lifecycle", {}).get("prevent_destroy")} == {
        "app",
        "api",
        "worker",
        "base-images_python",
    }
    assert all(r["image_scanning_configuration"] == {"scan_on_push": True} for r in repos.values())
    assert repos["app"]["image_tag_mutability"] == "IMMUTABLE_WITH_EXCLUSION"
    assert repos["app"]["image_tag_mutability_exclusion_filter"] == [
        {"filter": "latest", "filter_type": "WILDCARD"}
    ]


def test_terraform_block_backend_and_provider(synthesized):
    prod, dev = synthesized["example_account"], synthesized["example_nonprod"]
    assert prod["terraform"]["required_providers"]["aws"] == {"source": "hashicorp/aws", "version": "~> 6.25"}
    assert prod["terraform"]["backend"] == {
        "s3": {
            "bucket": "acme-terraform-state",
            "encrypt": True,
            "key": "ecr/example_account.tfstate",
            "region": "us-east-1",
            "use_lockfile": True,
        }
    }
    assert dev["terraform"]["backend"] == {"local": {"path": "terraform.tfstate"}}
    provider = prod["provider"]["aws"][0]
    assert provider["allowed_account_ids"] == ["123456789012"]
    assert provider["default_tags"] == [
        {
            "tags": {
                "CostCenter": "1234",
                "Environment": "production",
                "ManagedBy": "ecrgen",
                "Project": "canvas-ta",
                "Team": "platform",
            }
        }
    ]


def test_kms_alias_resolves_through_a_data_source(synthesized):
    dev = synthesized["example_nonprod"]
    assert dev["data"]["aws_kms_alias"]["ecr"]["name"] == "alias/ecr"
    assert dev["resource"]["aws_ecr_repository"]["api"]["encryption_configuration"] == [
        {"encryption_type": "KMS", "kms_key": "${data.aws_kms_alias.ecr.target_key_arn}"}
    ]


def test_outputs_are_maps_keyed_by_config_name(synthesized):
    out = synthesized["example_account"]["output"]
    assert (
        out["repository_url"]["value"]["base-images/python"]
        == "${aws_ecr_repository.base-images_python.repository_url}"
    )
    assert set(out) == {
        "repository_url",
        "repository_arn",
        "repository_name",
        "registry_id",
        "repository_registry_url",
    }
    assert (
        out["repository_registry_url"]["value"]
        == "123456789012.dkr.ecr.us-east-1.${data.aws_partition.current.dns_suffix}"
    )


def test_role_policy_scopes_resources(synthesized):
    for account in ("example_account", "example_nonprod"):
        policy = json.loads(synthesized[account]["resource"]["aws_iam_role_policy"]["ecr"]["policy"])
        star = [s for s in policy["Statement"] if s["Resource"] == "*"]
        assert [s["Action"] for s in star] == ["ecr:GetAuthorizationToken"]
        repo_statements = [s for s in policy["Statement"] if s["Resource"] != "*"]
        assert all(r.startswith("${aws_ecr_repository.") for s in repo_statements for r in s["Resource"])


def test_edge_account(synthesized):
    edge = synthesized["edge"]
    resources = edge["resource"]
    assert resources["aws_ecr_repository"]["_2fa_service"]["encryption_configuration"] == [
        {
            "encryption_type": "KMS",
            "kms_key": "arn:aws-cn:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        }
    ]
    assert "aws_kms_alias" not in edge.get("data", {})
    assert resources["aws_cloudwatch_event_target"]["scan_findings_sqs"]["sqs_target"] == {
        "message_group_id": "ecr-scan-findings"
    }
    assert resources["aws_sqs_queue"]["alerts"] == {
        **resources["aws_sqs_queue"]["alerts"],
        "fifo_queue": True,
        "sqs_managed_sse_enabled": True,
    }
    assert (
        edge["output"]["repository_registry_url"]["value"]
        == "111122223333.dkr.ecr.cn-north-1.${data.aws_partition.current.dns_suffix}"
    )  # amazonaws.com.cn: proven in the Terraform tier
    assert edge["provider"]["aws"][0]["assume_role"] == [
        {"role_arn": "arn:aws-cn:iam::111122223333:role/terraform"}
    ]
    assert edge["terraform"]["backend"] == {"local": {"path": "state/edge.tfstate"}}
    assert resources["aws_ecr_registry_scanning_configuration"]["this"]["rule"] == [
        {
            "repository_filter": [{"filter": "2fa/*", "filter_type": "WILDCARD"}],
            "scan_frequency": "SCAN_ON_PUSH",
        }
    ]


def test_role_policy_over_the_iam_limit_grants_on_the_name_prefix(accounts):
    """150 repository ARNs would pass IAM's 10,240-character limit for a role's inline policies."""
    from ecrgen import api

    repos = "".join(f'[[repository]]\nname = "service-number-{i:03d}"\npolicy = "none"\n' for i in range(150))
    folder = accounts(
        a=minimal(
            "dev",
            'name_format = "{project}/{name}"\n'
            + repos
            + '[role]\nname = "ci"\ntrusted_services = ["ecs-tasks.amazonaws.com"]\n',
        )
    )
    stack = json.loads(api.render_texts(folder, ["a"])["a"])
    policy = json.loads(stack["resource"]["aws_iam_role_policy"]["ecr"]["policy"])
    assert policy["Statement"][1]["Resource"] == ["arn:aws:ecr:us-east-1:123456789012:repository/demo/*"]
