"""Synthesis of the examples (once per session) against golden JSON, addresses, determinism."""

import json

import pytest
from conftest import EXAMPLE_ID, GOLDEN, REORDERED_ID, ROOT, minimal

GOLDEN_ACCOUNTS = ["example_account", "example_nonprod", "example_registry", "edge", "ownership"]


def without_metadata(value):
    """The JSON without CDKTF's `"//"` blocks (construct paths, stack metadata): Terraform ignores them,
    and an engine change would rewrite them all."""
    if isinstance(value, dict):
        return {key: without_metadata(item) for key, item in value.items() if key != "//"}
    if isinstance(value, list):
        return [without_metadata(item) for item in value]
    return value


def addresses(stack: dict) -> list[str]:
    """Every Terraform address a stack declares or names, one line each, sorted: resources (TYPE.NAME),
    data sources (data.TYPE.NAME), outputs, providers, and the targets of moved, import and removed."""
    lines = []
    for section, body in stack.items():
        if section in ("//", "terraform"):
            continue
        if section == "resource":
            lines += [f"{kind}.{name}" for kind, items in body.items() for name in items]
        elif section == "data":
            lines += [f"data.{kind}.{name}" for kind, items in body.items() for name in items]
        elif section == "provider":
            lines += [
                f"provider.{name}" + (f".{block['alias']}" if "alias" in block else "")
                for name, blocks in body.items()
                for block in blocks
            ]
        elif section == "moved":
            lines += [f"moved: {block['from']} -> {block['to']}" for block in body]
        elif section == "import":
            lines += [f"import: {block['to']}" for block in body]
        elif section == "removed":
            lines += [f"removed: {block['from']}" for block in body]
        elif isinstance(body, dict):  # output, and any other named block (locals, variable, ...)
            lines += [f"{section}.{name}" for name in body]
        else:  # a section ecrgen does not write today: shown, so that the pin notices it
            lines.append(f"{section}: {json.dumps(body, sort_keys=True)}")
    return sorted(lines)


def _pinned(path, text: str, request) -> str:
    if request.config.getoption("--update-golden"):
        path.write_text(text)
    return path.read_text()


@pytest.mark.parametrize("account", GOLDEN_ACCOUNTS)
def test_golden(synthesized, account, request):
    """What Terraform reads: the whole stack but CDKTF's `"//"` metadata (the written file is checked
    by test_written_files_are_canonical_and_machine_independent)."""
    golden = GOLDEN / f"{account}.tf.json"
    text = json.dumps(without_metadata(synthesized[account]), sort_keys=True, indent=2) + "\n"
    assert text == _pinned(golden, text, request), (
        f"{golden.name} differs: run `pytest --update-golden` and read the diff"
    )


@pytest.mark.parametrize("account", GOLDEN_ACCOUNTS)
def test_golden_addresses(synthesized, account, request):
    """Addresses are a contract (they decide whether a repository survives the next apply): a change
    shows here as its own small diff."""
    pin = GOLDEN / f"{account}.addresses.txt"
    text = "\n".join(addresses(synthesized[account])) + "\n"
    assert text == _pinned(pin, text, request), (
        f"{pin.name} differs: an address changed; run `pytest --update-golden` and read the diff"
    )


def test_address_pin_names_every_kind_of_block():
    stack = {
        "//": {"metadata": {}},
        "terraform": {"backend": {}},
        "resource": {"aws_ecr_repository": {"app": {"//": {}}}},
        "data": {"aws_partition": {"current": {}}},
        "output": {"repository_url": {"value": 1}},
        "provider": {"aws": [{"region": "us-east-1"}, {"alias": "replica"}]},
        "moved": [{"from": "aws_ecr_repository.a_b", "to": "aws_ecr_repository.a-b"}],
        "import": [{"to": "aws_iam_role.ecr", "id": "ci"}],
        "removed": [{"from": "aws_ecr_repository.old", "lifecycle": {"destroy": False}}],
        "check": [1],
    }
    assert addresses(stack) == [
        "aws_ecr_repository.app",
        "check: [1]",
        "data.aws_partition.current",
        "import: aws_iam_role.ecr",
        "moved: aws_ecr_repository.a_b -> aws_ecr_repository.a-b",
        "output.repository_url",
        "provider.aws",
        "provider.aws.replica",
        "removed: aws_ecr_repository.old",
    ]
    assert without_metadata(stack)["resource"] == {"aws_ecr_repository": {"app": {}}}
    assert "//" not in without_metadata(stack)


def test_written_files_are_canonical_and_machine_independent(synthesized):
    """The files themselves, `"//"` metadata included: canonical JSON, no path of this machine."""
    for account in GOLDEN_ACCOUNTS:
        text = (synthesized["_out"] / "stacks" / account / "cdk.tf.json").read_text()
        assert text == json.dumps(json.loads(text), sort_keys=True, indent=2) + "\n", account
        assert "//" in json.loads(text), account  # the metadata the goldens leave out is written
        for needle in (str(ROOT), str(synthesized["_out"]), "/tmp/", "/home/", "/root/"):
            assert needle not in text, (account, needle)


def test_addresses_come_from_names_not_positions(synthesized):
    """The reordered copy (another account id and name, its repositories reversed, one inserted) declares
    every block of the production example at the same address with the same body, but for what the
    account's name and the inserted repository change: the rule's name, and the ARN the role policy adds."""
    prod, reordered = synthesized["example_account"]["resource"], synthesized["reordered"]["resource"]
    assert set(reordered) == set(prod)
    for kind, blocks in prod.items():
        added = set(reordered[kind]) - set(blocks)
        assert added <= {"inserted"}, (kind, added)
        assert set(blocks) <= set(reordered[kind]), kind
        for address, body in blocks.items():
            other = json.loads(
                json.dumps(reordered[kind][address])
                .replace(REORDERED_ID, EXAMPLE_ID)
                .replace('"reordered-ecr-scan-findings"', '"example_account-ecr-scan-findings"')
            )
            if kind == "aws_iam_role_policy":
                policy = json.loads(other["policy"])
                (granted,) = [s for s in policy["Statement"] if s["Sid"] != "Login"]
                granted["Resource"].remove("${aws_ecr_repository.inserted.arn}")
                other["policy"] = json.dumps(policy, separators=(",", ":"))
            assert {k: v for k, v in other.items() if k != "//"} == {
                k: v for k, v in body.items() if k != "//"
            }, (kind, address)
    assert set(reordered["aws_ecr_repository"]) == set(prod["aws_ecr_repository"]) | {"inserted"}
    assert prod["aws_cloudwatch_event_rule"]["scan_findings"]["name"] == "example_account-ecr-scan-findings"


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
    """Every account with a role: the login statement alone is on "*", and the other grants name each
    repository of the stack by its ARN, no more and no fewer."""
    with_role = [
        a for a in synthesized if a != "_out" and "aws_iam_role_policy" in synthesized[a]["resource"]
    ]
    assert {"example_account", "example_nonprod", "edge", "ownership"} <= set(with_role)
    for account in with_role:
        resources = synthesized[account]["resource"]
        policy = json.loads(resources["aws_iam_role_policy"]["ecr"]["policy"])
        star = [s for s in policy["Statement"] if s["Resource"] == "*"]
        assert [(s["Sid"], s["Action"]) for s in star] == [("Login", "ecr:GetAuthorizationToken")], account
        granted = [s for s in policy["Statement"] if s["Resource"] != "*"]
        assert granted, account
        arns = sorted(r for s in granted for r in s["Resource"])
        assert arns == sorted(f"${{aws_ecr_repository.{a}.arn}}" for a in resources["aws_ecr_repository"])


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
    assert resources["aws_ecr_registry_scanning_configuration"]["this"]["rule"] == [  # [[scanning.rule]]
        {
            "repository_filter": [{"filter": "2fa/*", "filter_type": "WILDCARD"}],
            "scan_frequency": "CONTINUOUS_SCAN",
        },
        {"repository_filter": [{"filter": "*", "filter_type": "WILDCARD"}], "scan_frequency": "SCAN_ON_PUSH"},
    ]


@pytest.mark.node
def test_role_policy_over_the_iam_limit_grants_on_the_name_prefix(accounts):
    """150 repository ARNs would pass IAM's 10,240-character limit for a role's inline policies."""
    from ecrgen import commands

    repos = "".join(f'[[repository]]\nname = "service-number-{i:03d}"\npolicy = "none"\n' for i in range(150))
    folder = accounts(
        a=minimal(
            "dev",
            'name_format = "{project}/{name}"\n'
            + repos
            + '[role]\nname = "ci"\ntrusted_services = ["ecs-tasks.amazonaws.com"]\n',
        )
    )
    stack = json.loads(commands.render_texts(folder, ["a"])["a"])
    policy = json.loads(stack["resource"]["aws_iam_role_policy"]["ecr"]["policy"])
    assert policy["Statement"][1]["Resource"] == ["arn:aws:ecr:us-east-1:123456789012:repository/demo/*"]
