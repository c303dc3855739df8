"""Day two, proven with Terraform against moto: what happens around the account file (a KMS alias
rotated, a repository that existed before with other settings, a first apply that failed, a file dropped
into the stack folder) loses no image, and the guards judge from the plan and the state."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from terraform_harness import Stack, changes, missing
from test_terraform_ownership import push_image, tags_in, write_account
from typer.testing import CliRunner

pytestmark = [pytest.mark.terraform, pytest.mark.skipif(missing() is not None, reason=missing() or "")]

KMS_ACCOUNT = """
[account]
id = "123456789012"
region = "us-east-1"
environment = "{environment}"
project = "shop"

[[repository]]
name = "app"
encryption = "KMS"
kms_key = "alias/ecr"
"""


def check_plan(project: Path, account: str, plan: dict, *options: str):
    """`ecrgen check-plan` on a saved plan, as CI runs it."""
    from ecrgen.cli import app

    (project / "plan.json").write_text(json.dumps(plan))
    return CliRunner().invoke(
        app,
        [
            "check-plan",
            account,
            str(project / "plan.json"),
            "--accounts-dir",
            str(project / "accounts"),
            *options,
        ],
    )


def warned(result) -> list[str]:
    """The warning lines of a check-plan run (printed before its errors, a refusal or not), with the
    plan file's path shortened to `plan.json`."""
    return [line.split(": ", 2)[2] for line in result.stderr.splitlines() if line.startswith("warning: ")]


# check-plan's warning for the default lifecycle policy put on repository 'app' as the plan imports it.
IMPORTED_LIFECYCLE = (
    "aws_ecr_lifecycle_policy.app: the plan imports repository 'app' and puts the file's lifecycle policy on it, "
    "in place of any lifecycle policy AWS holds for it (ECR then expires images by the new rules within 24 "
    "hours); before applying, `ecrgen lifecycle-preview shop app --from-aws` shows which images they would "
    "expire (`ecrgen import` writes AWS's own rules into the file; `lifecycle = false` leaves AWS's policy as it "
    "is)"
)


def errors(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if not line.startswith("warning: ")]


def repository_changes(plan: dict) -> dict[str, list[str]]:
    return {a: c for a, c in changes(plan).items() if a.startswith("aws_ecr_repository.")}


@pytest.mark.parametrize("environment", ["development", "production"])
def test_rotating_a_kms_alias_never_replaces_the_repository(tmp_path, moto, environment):
    write_account(tmp_path, KMS_ACCOUNT.format(environment=environment))
    stack = Stack(tmp_path, "shop", moto)
    assert stack.up() == {}
    digest = push_image(stack.moto, "app", "v1")
    kms = stack.moto.client("kms", "us-east-1")
    old_key = kms.describe_key(KeyId="alias/ecr")["KeyMetadata"]["Arn"]

    # Routine rotation: the alias points at a new key; the account file is not touched.
    new_key = kms.create_key(Description="rotated")["KeyMetadata"]["Arn"]
    kms.update_alias(AliasName="alias/ecr", TargetKeyId=new_key)
    stack.synth()
    stack.workspace.pin_provider()
    plan = stack.workspace.plan("rotated")
    assert repository_changes(plan) == {}, "moving an alias must never plan a replacement"
    result = check_plan(tmp_path, "shop", plan)
    assert result.exit_code == 0, result.output
    stack.workspace.apply("rotated")

    repository = stack.moto.client("ecr", "us-east-1").describe_repositories(repositoryNames=["app"])
    assert repository["repositories"][0]["encryptionConfiguration"]["kmsKey"] == old_key
    assert tags_in(stack.moto, "app") == ["v1"]
    images = stack.moto.client("ecr", "us-east-1").list_images(repositoryName="app")["imageIds"]
    assert images == [{"imageDigest": digest, "imageTag": "v1"}]

    # A repository added after the rotation is encrypted with the key the alias points at now.
    stack.edit(
        lambda text: text + '\n[[repository]]\nname = "worker"\nencryption = "KMS"\nkms_key = "alias/ecr"\n'
    )
    planned = stack.replan(lambda text: text)
    assert planned["aws_ecr_repository.worker"] == ["create"]
    assert all(address.endswith(".worker") and c == ["create"] for address, c in planned.items()), planned
    worker = stack.moto.client("ecr", "us-east-1").describe_repositories(repositoryNames=["worker"])
    assert worker["repositories"][0]["encryptionConfiguration"]["kmsKey"] == new_key


ADOPTING = """
[account]
id = "123456789012"
region = "us-east-1"
environment = "development"
project = "shop"

[[repository]]
name = "app"
adopt = true
"""


def test_adopt_never_recreates_a_repository_that_differs_from_the_file(tmp_path, moto):
    """The repository exists KMS-encrypted; the file says AES256 (the default): importing it plans a
    replacement. check-plan refuses it in every environment, names what forces it and what to do."""
    write_account(tmp_path, ADOPTING)
    stack = Stack(tmp_path, "shop", moto)
    key = stack.moto.client("kms", "us-east-1").create_key(Description="theirs")["KeyMetadata"]["Arn"]
    stack.moto.client("ecr", "us-east-1").create_repository(
        repositoryName="app", encryptionConfiguration={"encryptionType": "KMS", "kmsKey": key}
    )
    digest = push_image(stack.moto, "app", "v1")
    stack.synth()
    stack.workspace.init()
    plan = stack.workspace.plan()
    (change,) = [c for c in plan["resource_changes"] if c["address"] == "aws_ecr_repository.app"]
    assert change["change"]["importing"] == {"id": "app"}
    assert sorted(change["change"]["actions"]) == ["create", "delete"], "the defect: import, then replace"
    result = check_plan(tmp_path, "shop", plan)
    assert result.exit_code == 1
    assert warned(result) == [IMPORTED_LIFECYCLE]  # printed even beside a refusal
    assert errors(result) == [
        f"{(tmp_path / 'plan.json').as_posix()}: aws_ecr_repository.app: the plan would replace adopted repository "
        "'app' and its images, forced by encryption_configuration.0.encryption_type (the file's encryption and "
        'kms_key): AWS holds "KMS", the plan writes "AES256"; '
        f"ECR cannot change this in place: make repository[0] in {(tmp_path / 'accounts' / 'shop.toml').as_posix()} say "
        "what AWS holds, or give a new repository another `name` and list this one in account.retired (AWS keeps it "
        "and its images); to let Terraform replace it and lose its images, list it in account.allow_destroy",
        "ecrgen: 1 problem(s) found.",
    ]

    # The advice works: the file says what AWS holds; the import takes the repository over as it is.
    stack.edit(lambda text: text + f'encryption = "KMS"\nkms_key = "{key}"\n')
    stack.synth()
    stack.workspace.pin_provider()
    plan = stack.workspace.plan("fixed")
    assert repository_changes(plan) == {"aws_ecr_repository.app": ["update"]}  # tags and settings, in place
    assert [
        c["change"].get("importing")
        for c in plan["resource_changes"]
        if c["address"] == "aws_ecr_repository.app"
    ] == [{"id": "app"}]
    result = check_plan(tmp_path, "shop", plan)
    assert result.exit_code == 0, result.output
    assert (
        result.stdout
        == "shop: the plan deletes or replaces no production or adopted repository (1 repository change(s) checked)\n"
    )
    stack.workspace.apply("fixed")
    images = stack.moto.client("ecr", "us-east-1").list_images(repositoryName="app")["imageIds"]
    assert images == [{"imageDigest": digest, "imageTag": "v1"}]
    assert stack.workspace.changes("again") == {}


def test_a_failed_first_apply_never_locks_the_file(tmp_path, moto):
    """The first plan fails (a KMS alias that does not exist yet): nothing applied, no state. The
    corrected file, which drops that repository, is written; no message advises dropping a protection."""
    write_account(
        tmp_path,
        KMS_ACCOUNT.format(environment="production").replace("alias/ecr", "alias/missing")
        + '\n[[repository]]\nname = "web"\n',
    )
    stack = Stack(tmp_path, "shop", moto)
    stack.synth()
    stack.workspace.init()
    failed = stack.workspace.run(["terraform", "plan", "-input=false", "-out=first.tfplan"], check=False)
    assert failed.code != 0 and "alias/missing" in failed.output
    assert not (stack.workspace.folder / "terraform.tfstate").exists()

    stack.edit(
        lambda text: text.replace(
            'name = "app"\nencryption = "KMS"\nkms_key = "alias/missing"\n', 'name = "api"\n'
        )
    )
    said: list = []
    from ecrgen import commands

    commands.synthesize(tmp_path / "accounts", ["shop"], tmp_path / "cdktf.out", warn=said.extend)
    assert not any("prevent_destroy = false" in p.message for p in said)
    stack.workspace.pin_provider()
    plan = stack.workspace.plan("corrected")
    assert repository_changes(plan) == {
        "aws_ecr_repository.api": ["create"],
        "aws_ecr_repository.web": ["create"],
    }
    stack.workspace.apply("corrected")

    # Applied now: the state holds them, and dropping one is refused again, with advice that keeps it.
    stack.edit(lambda text: text.replace('[[repository]]\nname = "api"\n', ""))
    from ecrgen.errors import EcrgenError

    with pytest.raises(EcrgenError) as refused:
        stack.synth()
    (problem,) = refused.value.problems
    assert "account.retired" in problem.message and "prevent_destroy" not in problem.message


def test_check_plan_proves_a_migration_imports_every_repository(tmp_path, moto):
    """--migration: a repository the file forgot to adopt would be created (and the apply fail on it)."""
    write_account(tmp_path, ADOPTING + '\n[[repository]]\nname = "api"\n')
    stack = Stack(tmp_path, "shop", moto)
    ecr = stack.moto.client("ecr", "us-east-1")
    for name in ("app", "api"):
        ecr.create_repository(repositoryName=name)
    stack.synth()
    stack.workspace.init()
    plan = stack.workspace.plan()
    assert check_plan(tmp_path, "shop", plan).exit_code == 0  # an ordinary plan guard: nothing deleted
    result = check_plan(tmp_path, "shop", plan, "--migration")
    assert warned(result) == [IMPORTED_LIFECYCLE]
    assert (result.exit_code, errors(result)) == (
        1,
        [
            f"{(tmp_path / 'plan.json').as_posix()}: aws_ecr_repository.api: the plan would create repository 'api': a "
            "migration takes over what exists and creates no repository; if it exists in AWS, set adopt = true on "
            f"repository[1] in {(tmp_path / 'accounts' / 'shop.toml').as_posix()}; if it is new, add it once the "
            "migration is applied",
            "ecrgen: 1 problem(s) found.",
        ],
    )
    stack.edit(lambda text: text + "adopt = true\n")
    stack.synth()
    stack.workspace.pin_provider()
    result = check_plan(tmp_path, "shop", stack.workspace.plan("adopted"), "--migration")
    assert (result.exit_code, result.stdout) == (
        0,
        "shop: the migration plan imports 2 repository(ies) and creates, deletes or replaces none "
        "(2 repository change(s) checked)\n",
    )
    stack.workspace.apply("adopted")
    assert stack.workspace.changes("again") == {}


def test_a_file_dropped_into_the_stack_folder_is_drift(tmp_path, moto):
    """An override file really drops prevent_destroy (Terraform then plans the delete); the drift check
    reports it instead of "no drift"."""
    from ecrgen.cli import app

    write_account(tmp_path, KMS_ACCOUNT.format(environment="production"))
    stack = Stack(tmp_path, "shop", moto)
    assert stack.up() == {}
    folder = stack.workspace.folder
    refused = stack.workspace.run(["terraform", "plan", "-destroy", "-input=false"], check=False)
    assert refused.code != 0 and "prevent_destroy" in refused.output
    override = {"resource": {"aws_ecr_repository": {"app": {"lifecycle": {"prevent_destroy": False}}}}}
    (folder / "override.tf.json").write_text(json.dumps(override))
    destroy = stack.workspace.run(["terraform", "plan", "-destroy", "-input=false"], check=False)
    assert destroy.code == 0, "the override file switched the protection off"

    (folder / "provider_override.tf.json").unlink()  # the harness's own pin, for the check below
    result = CliRunner().invoke(
        app,
        [
            "synth",
            "shop",
            "--check",
            "--accounts-dir",
            str(tmp_path / "accounts"),
            "--out",
            str(tmp_path / "cdktf.out"),
        ],
    )
    assert result.exit_code == 1
    assert (
        f"shop: {(folder / 'override.tf.json').as_posix()} is Terraform configuration that ecrgen did not write"
        in result.stdout
    )


LIVE = """
[account]
id = "123456789012"
region = "us-east-1"
environment = "live"
production = true
project = "pay"

[[repository]]
name = "api"

[[repository]]
name = "web"
"""


def test_the_state_remembers_a_protection_the_same_change_takes_away(tmp_path, moto):
    """A production account of a custom name demoted, and a repository removed in the same change, in CI
    (no previous output): the plan's own tags no longer say production, the state's guard tag does."""
    write_account(tmp_path, LIVE)
    stack = Stack(tmp_path, "shop", moto)
    assert changes(stack.up()) == {}
    push_image(stack.moto, "api", "v1")
    stack.edit(
        lambda text: text.replace('environment = "live"\nproduction = true', 'environment = "staging"')
    )
    stack.edit(lambda text: text.replace('[[repository]]\nname = "api"\n', ""))
    # synth reads the local state: the removal is refused there, whatever the output on disk says.
    state = stack.workspace.folder / "terraform.tfstate"
    (stack.workspace.folder / "cdk.tf.json").unlink()
    from ecrgen.errors import EcrgenError

    with pytest.raises(EcrgenError) as refused:
        stack.synth()
    assert [p.message.split(": Terraform")[0] for p in refused.value.problems] == [
        f"'api' (ECR repository 'api') is in the Terraform state {state.as_posix()} but no longer in the file"
    ]
    # CI, where the state is remote and the checkout fresh: the plan is the evidence.
    stack.synth_as_ci()
    stack.workspace.pin_provider()
    plan = stack.workspace.plan("demoted")
    assert changes(plan)["aws_ecr_repository.api"] == ["delete"]
    result = check_plan(tmp_path, "shop", plan)
    assert warned(result) == [
        "aws_ecr_repository.web: guarded repository 'web': its tags become MUTABLE (an image can be pushed over a "
        "tag); it loses the ecrgen:guarded tag (check-plan will no longer refuse deleting it)"
    ]
    assert (result.exit_code, errors(result)) == (
        1,
        [
            f"{(tmp_path / 'plan.json').as_posix()}: aws_ecr_repository.api: the plan would delete guarded repository "
            f"'api' and its images; in {(tmp_path / 'accounts' / 'shop.toml').as_posix()} list it in account.retired to "
            "keep it in AWS (Terraform forgets it), or in account.allow_destroy to let Terraform delete it and its images",
            "ecrgen: 1 problem(s) found.",
        ],
    )


MOVING = """
[account]
id = "123456789012"
region = "us-east-1"
environment = "development"
project = "shop"
{extra}
[[repository]]
name = "{name}"
{adopt}"""


def test_a_repository_moved_to_another_file_keeps_its_images(tmp_path, moto):
    """A non-production file drops a repository that a new file of the same registry adopts: the old
    stack's apply would delete it (nothing protects it there). synth refuses from the state; in CI,
    where synth has neither, check-plan refuses the old stack's plan; retired, it is forgotten there and
    imported by the new stack, image and all."""
    from ecrgen.errors import EcrgenError

    write_account(
        tmp_path, MOVING.format(extra="", name="app", adopt="") + '[[repository]]\nname = "worker"\n', "old"
    )
    old = Stack(tmp_path, "old", moto)
    assert old.up() == {}
    digest = push_image(old.moto, "worker", "v1")
    write_account(tmp_path, MOVING.format(extra="", name="worker", adopt="adopt = true\n"), "new")
    # The new file alone makes the repository twice: validate names the clash and how to move it.
    from ecrgen import commands

    with pytest.raises(EcrgenError) as clash:
        commands.validate(tmp_path / "accounts", None)
    assert [str(p) for p in clash.value.problems] == [
        f"{(tmp_path / 'accounts' / 'old.toml').as_posix()}: repository[1].name: the ECR repository 'worker' of "
        f"account 123456789012 in us-east-1 is also made by {(tmp_path / 'accounts' / 'new.toml').as_posix()} "
        "(repository[0].name); a registry holds one repository of a name; to move it between these files, drop "
        "it from the file whose stack manages it and list it there in account.retired (Terraform forgets it, AWS "
        "keeps it and its images), and set adopt = true on it in the other"
    ]
    write_account(tmp_path, MOVING.format(extra="", name="app", adopt=""), "old")
    with pytest.raises(EcrgenError) as caught:
        old.synth()
    assert [p.path for p in caught.value.problems] == ["repository"]
    assert "accounts/new.toml (repository[0].name) makes that repository" in caught.value.problems[0].message

    old.synth_as_ci()
    old.workspace.pin_provider()
    plan = old.workspace.plan("dropped")
    assert repository_changes(plan) == {"aws_ecr_repository.worker": ["delete"]}
    result = check_plan(tmp_path, "old", plan)
    assert result.exit_code == 1 and "accounts/new.toml (repository[0].name) makes that" in result.stderr

    write_account(tmp_path, MOVING.format(extra='retired = ["worker"]\n', name="app", adopt=""), "old")
    old.synth()
    old.workspace.pin_provider()
    plan = old.workspace.plan("retired")
    assert repository_changes(plan) == {"aws_ecr_repository.worker": ["forget"]}
    assert check_plan(tmp_path, "old", plan).exit_code == 0
    old.workspace.apply("retired")
    new = Stack(tmp_path, "new", moto)
    assert new.up() == {}
    images = new.moto.client("ecr", "us-east-1").list_images(repositoryName="worker")["imageIds"]
    assert images == [{"imageDigest": digest, "imageTag": "v1"}]


def test_a_changed_region_never_forgets_a_production_repository(tmp_path, moto):
    """The file's region changes: under AWS provider 5 (the mirror's; provider 6 replaces instead, see
    tests/test_guard.py) the provider looks in the new region, the refresh no longer finds the repository
    (resource_drift deletes it) and the plan only creates an empty one. synth refuses it from
    the local state; in CI, check-plan from the plan alone; set back, nothing changes and the image stays."""
    write_account(tmp_path, KMS_ACCOUNT.format(environment="production").split("encryption")[0])
    stack = Stack(tmp_path, "shop", moto)
    assert stack.up() == {}
    digest = push_image(stack.moto, "app", "v1")

    stack.edit(lambda text: text.replace('region = "us-east-1"', 'region = "us-west-2"'))
    from ecrgen.errors import EcrgenError

    with pytest.raises(EcrgenError) as refused:  # synth reads the local state: the repository is in us-east-1
        stack.synth()
    assert [(p.path, p.message.split(": ECR cannot")[0]) for p in refused.value.problems] == [
        (
            "account.region",
            "'us-west-2', but the Terraform state "
            + (stack.workspace.folder / "terraform.tfstate").as_posix()
            + " holds 'app' in us-east-1",
        )
    ]
    stack.synth_as_ci()  # CI: a fresh checkout and a remote state, so only the plan can tell
    stack.workspace.pin_provider()
    plan = stack.workspace.plan("moved")
    assert repository_changes(plan) == {"aws_ecr_repository.app": ["create"]}, "the defect: an empty one"
    result = check_plan(tmp_path, "shop", plan)
    assert result.exit_code == 1
    arn = "arn:aws:ecr:us-east-1:123456789012:repository/app"
    assert result.stderr.splitlines() == [
        f"{(tmp_path / 'plan.json').as_posix()}: aws_ecr_repository.app: production repository 'app' ({arn}) "
        f"is in us-east-1 but {(tmp_path / 'accounts' / 'shop.toml').as_posix()} says account.region = "
        "'us-west-2': the provider looks in us-west-2 and does not find it, so Terraform would forget it (AWS "
        "keeps it and its images in us-east-1) and create an empty repository in us-west-2; set account.region "
        "back to 'us-east-1' (ECR cannot move a repository between regions), and give the repositories of "
        "us-west-2 an account file of their own",
        "ecrgen: 1 problem(s) found.",
    ]

    stack.edit(lambda text: text.replace('region = "us-west-2"', 'region = "us-east-1"'))
    assert stack.replan(lambda text: text) == {}
    images = stack.moto.client("ecr", "us-east-1").list_images(repositoryName="app")["imageIds"]
    assert images == [{"imageDigest": digest, "imageTag": "v1"}]


def test_adopting_a_repository_names_the_lifecycle_policy_it_puts_in_place_of_aws_s(tmp_path, moto):
    """The repository exists with its own lifecycle policy: the import plan puts the file's in its place
    (ECR would expire by the new rules), which the plan cannot show; check-plan names it and the command
    that shows the effect. With `lifecycle = false` AWS's policy stays as it is, and nothing is named."""
    write_account(tmp_path, ADOPTING)
    stack = Stack(tmp_path, "shop", moto)
    ecr = stack.moto.client("ecr", "us-east-1")
    ecr.create_repository(repositoryName="app")
    theirs = json.dumps(
        {
            "rules": [
                {
                    "rulePriority": 1,
                    "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1000},
                    "action": {"type": "expire"},
                }
            ]
        }
    )
    ecr.put_lifecycle_policy(repositoryName="app", lifecyclePolicyText=theirs)
    stack.synth()
    stack.workspace.init()
    plan = stack.workspace.plan()
    assert changes(plan)["aws_ecr_lifecycle_policy.app"] == ["create"]
    result = check_plan(tmp_path, "shop", plan)
    assert result.exit_code == 0, result.output
    assert (warned(result), errors(result)) == ([IMPORTED_LIFECYCLE], [])

    stack.edit(lambda text: text + "lifecycle = false\n")
    stack.synth()
    stack.workspace.pin_provider()
    plan = stack.workspace.plan("kept")
    assert "aws_ecr_lifecycle_policy.app" not in changes(plan)
    result = check_plan(tmp_path, "shop", plan)
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    stack.workspace.apply("kept")
    assert ecr.get_lifecycle_policy(repositoryName="app")["lifecyclePolicyText"] == theirs

    # Later the file drops `lifecycle = false`: the repository is no import now, the policy is replaced
    # just the same (found by a new user's trial: check-plan said nothing).
    stack.edit(lambda text: text.replace("lifecycle = false\n", ""))
    stack.synth()
    stack.workspace.pin_provider()
    plan = stack.workspace.plan("dropped")
    assert changes(plan)["aws_ecr_lifecycle_policy.app"] == ["create"]
    result = check_plan(tmp_path, "shop", plan)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"warning: {(tmp_path / 'plan.json').as_posix()}: aws_ecr_lifecycle_policy.app: the plan puts the file's "
        "lifecycle policy on adopted repository 'app', which exists (the plan does not create it), in place of any "
        "lifecycle policy AWS holds for it (ECR then expires images by the new rules within 24 hours); before "
        "applying, `ecrgen lifecycle-preview shop app --from-aws` shows which images they would expire (`aws ecr "
        "get-lifecycle-policy --repository-name app` shows AWS's, to write into the file; `lifecycle = false` "
        "leaves AWS's policy as it is)"
    ]


def test_a_changed_region_that_holds_a_replica_never_forgets_a_production_repository(tmp_path, moto):
    """The new region already holds a repository of the same name (ECR replication creates the replica
    under the same name): under AWS provider 5 the refresh finds that one, so resource_drift only updates
    the ARN and the plan only updates it in place, yet the state forgets the repository of the old
    region. check-plan refuses it (found by a new user's trial: it passed)."""
    write_account(tmp_path, KMS_ACCOUNT.format(environment="production").split("encryption")[0])
    stack = Stack(tmp_path, "shop", moto)
    assert stack.up() == {}
    push_image(stack.moto, "app", "v1")
    stack.moto.client("ecr", "us-west-2").create_repository(repositoryName="app")

    stack.edit(lambda text: text.replace('region = "us-east-1"', 'region = "us-west-2"'))
    stack.synth_as_ci()
    stack.workspace.pin_provider()
    plan = stack.workspace.plan("replica")
    assert repository_changes(plan) == {"aws_ecr_repository.app": ["update"]}, "the defect: only an update"
    result = check_plan(tmp_path, "shop", plan)
    assert result.exit_code == 1, result.output
    arn = "arn:aws:ecr:us-east-1:123456789012:repository/app"
    assert result.stderr.splitlines() == [
        f"{(tmp_path / 'plan.json').as_posix()}: aws_ecr_repository.app: production repository 'app' ({arn}) "
        f"is in us-east-1 but {(tmp_path / 'accounts' / 'shop.toml').as_posix()} says account.region = "
        "'us-west-2': the refresh found a repository of that name in us-west-2 (a replica?), and Terraform would "
        "manage that one instead and forget the one in us-east-1; set account.region back to 'us-east-1' (ECR "
        "cannot move a repository between regions), and give the repositories of us-west-2 an account file of "
        "their own",
        "ecrgen: 1 problem(s) found.",
    ]


@pytest.mark.parametrize("environment", ["production", "development"])
def test_a_tainted_repository_is_named_before_the_plan_replaces_it(tmp_path, moto, environment):
    """A create that failed half-way leaves the repository tainted in the state (`terraform taint` does
    the same): the next plan replaces it, deleting it and its images. In production prevent_destroy makes
    Terraform refuse that plan, and its error advises disabling prevent_destroy; elsewhere check-plan lets
    the replacement through (plain Terraform). synth names it, with advice that keeps it (found by a
    day-two trial: nothing did)."""
    from ecrgen import commands

    write_account(tmp_path, KMS_ACCOUNT.format(environment=environment).split("encryption")[0])
    stack = Stack(tmp_path, "shop", moto)
    assert stack.up() == {}
    digest = push_image(stack.moto, "app", "v1")
    stack.workspace.run(["terraform", "taint", "aws_ecr_repository.app"])
    planned = stack.workspace.run(["terraform", "plan", "-input=false", "-out=tainted.tfplan"], check=False)
    if environment == "production":
        assert planned.code != 0 and "disable lifecycle.prevent_destroy" in planned.output
    else:
        plan = stack.workspace.show("tainted")
        assert repository_changes(plan) == {"aws_ecr_repository.app": ["delete", "create"]}
        result = check_plan(tmp_path, "shop", plan)  # plain Terraform outside production: let through,
        assert result.exit_code == 0  # but named: the images go, and no edit of the file changes that
        assert warned(result) == [
            "aws_ecr_repository.app: the plan would replace repository 'app' and its images, because it is "
            "tainted (a create that failed half-way, or `terraform taint`): `terraform untaint "
            "aws_ecr_repository.app` and plan again"
        ]

    said: list = []
    commands.synthesize(tmp_path / "accounts", ["shop"], tmp_path / "cdktf.out", force=True, warn=said.extend)
    state = (stack.workspace.folder / "terraform.tfstate").as_posix()
    assert [str(p) for p in said if "tainted" in p.message] == [
        f"{(tmp_path / 'accounts' / 'shop.toml').as_posix()}: repository[0].name: 'app' (ECR repository 'app') is "
        f"tainted in the Terraform state {state} (a create that failed half-way, or `terraform taint`): the next "
        "plan replaces it, deleting it and its images and creating it empty (where prevent_destroy stands, "
        "Terraform refuses that plan instead: keep prevent_destroy); run `terraform untaint "
        "aws_ecr_repository.app` in the stack folder, then plan again"
    ]

    # The advice works: untainted, the plan changes nothing and the image stays.
    stack.workspace.run(["terraform", "untaint", "aws_ecr_repository.app"])
    stack.workspace.pin_provider()
    assert stack.workspace.changes("untainted") == {}
    images = stack.moto.client("ecr", "us-east-1").list_images(repositoryName="app")["imageIds"]
    assert images == [{"imageDigest": digest, "imageTag": "v1"}]
