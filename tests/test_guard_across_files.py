"""A repository moved between account files of one registry (the new file adopting it) while the old
file just drops it: nothing protects it there (a non-production account), so the old stack's apply
would delete the repository, and its images, that the new stack manages. `synth` finds it from the old
stack's state (or its previous output, with a remote state), `check-plan` from the old stack's plan."""

from __future__ import annotations

import json

import pytest
from conftest import minimal
from test_guard import account, previous, state
from typer.testing import CliRunner

from ecrgen import commands, guard
from ecrgen.cli import app
from ecrgen.errors import EcrgenError

BOTH = '[[repository]]\nname = "app"\n\n[[repository]]\nname = "base.images"\n'
APP = '[[repository]]\nname = "app"\n'
ADOPTS = '[[repository]]\nname = "base.images"\nadopt = true\n'
TAIL = (
    "is no longer in this file, so Terraform may delete it, but accounts/b.toml (repository[0].name) makes that "
    "repository in account 123456789012 and us-east-1: its apply would delete that repository and its images; "
    "list it in account.retired (Terraform forgets it in this stack, AWS keeps it for the other)"
)


def test_what_an_apply_would_delete_unguarded(accounts):
    """Only repositories nothing else guards, that the file no longer makes, and that were applied."""
    document = previous(
        ("app", "app", "app"), ("base.images", "base_images", "base.images"), prevent_destroy=False
    )
    held = guard.State("s", {"app": "app", "base_images": "base.images"})
    dev = account(accounts, "dev", repos=APP)
    assert guard.deletions(dev, document, "out/a.json", held) == [
        (
            "base.images",
            "'base.images' (ECR repository 'base.images'), which the previous output out/a.json has,",
        )
    ]
    # Never applied (the state does not hold it), or retired: nothing is deleted.
    assert guard.deletions(dev, document, "x", guard.State("s", {"app": "app"})) == []
    retired = account(accounts, "dev", extra='retired = ["base.images"]\n', repos=APP)
    assert guard.deletions(retired, document, "x", held) == []
    # Production: the removal guard refuses it already (one problem, not two).
    assert guard.deletions(account(accounts, repos=APP), document, "x", held) == []
    # The same ECR repository under another `name` in the same file: not deleted for good.
    renamed = account(accounts, "dev", extra='name_format = "{project}/{name}"\n', repos=APP)
    moved = previous(("demo/app", "demo_app", "demo/app"), prevent_destroy=False)
    assert guard.deletions(renamed, moved, "x", guard.State("s", {"demo_app": "demo/app"})) == []


@pytest.mark.node
def test_synth_refuses_a_dropped_repository_another_file_adopts(accounts):
    folder = accounts(a=minimal("dev", BOTH))
    out = folder.parent / "out"
    commands.synthesize(folder, None, out)
    stack = out / "stacks" / "a" / "cdk.tf.json"
    (stack.parent / "terraform.tfstate").write_text(state(("app", "app"), ("base_images", "base.images")))
    before = stack.read_bytes()
    accounts(a=minimal("dev", APP), b=minimal("dev", ADOPTS))
    with pytest.raises(EcrgenError) as caught:
        commands.synthesize(folder, None, out)
    assert [str(p) for p in caught.value.problems] == [
        "accounts/a.toml: repository: 'base.images' (ECR repository 'base.images'), which the previous output "
        f"out/stacks/a/cdk.tf.json has, {TAIL}"
    ]
    assert stack.read_bytes() == before and not (out / "stacks" / "b").exists()
    # Once the old file retires it, Terraform forgets it there and the new file takes it over.
    accounts(a=minimal("dev", 'retired = ["base.images"]\n' + APP))
    commands.synthesize(folder, None, out)
    assert '"removed"' in stack.read_text() and (out / "stacks" / "b" / "cdk.tf.json").is_file()


@pytest.mark.node
def test_a_dropped_repository_nothing_else_makes_follows_plain_terraform(accounts):
    """A non-production file may drop a repository (Terraform deletes it); and a stack never applied
    (no state) can drop it even while another file adopts it: nothing of it exists to delete."""
    folder = accounts(a=minimal("dev", BOTH))
    out = folder.parent / "out"
    commands.synthesize(folder, None, out)
    accounts(a=minimal("dev", APP), b=minimal("dev", ADOPTS))
    commands.synthesize(folder, None, out)
    accounts(a=minimal("dev", BOTH), b=minimal("dev", '[[repository]]\nname = "other"\n'))
    commands.synthesize(folder, None, out)
    stack = out / "stacks" / "a" / "cdk.tf.json"
    (stack.parent / "terraform.tfstate").write_text(state(("app", "app"), ("base_images", "base.images")))
    accounts(a=minimal("dev", APP))
    commands.synthesize(folder, None, out)
    assert "base_images" not in stack.read_text()


@pytest.mark.node
def test_with_a_remote_state_a_dropped_repository_another_file_adopts_is_a_warning(accounts):
    backend = '[backend]\ntype = "s3"\nbucket = "state-bucket"\n'
    folder = accounts(a=minimal("dev", backend + BOTH))
    out = folder.parent / "out"
    commands.synthesize(folder, None, out)
    accounts(a=minimal("dev", backend + APP), b=minimal("dev", ADOPTS))
    warned: list = []
    commands.synthesize(folder, None, out, warn=warned.extend)
    assert [str(p) for p in warned if "b.toml" in p.message] == [
        "accounts/a.toml: repository: 'base.images' (ECR repository 'base.images'), which the previous output "
        f"out/stacks/a/cdk.tf.json has, {TAIL} (if that output was applied: the state is remote and ecrgen stays "
        "offline, so `ecrgen check-plan` judges the real plan)"
    ]


def deleting(*names: str) -> dict:
    """A saved plan (`terraform show -json`) of the old stack deleting these repositories."""
    return {
        "format_version": "1.2",
        "planned_values": {},
        "resource_changes": [
            {
                "address": f"aws_ecr_repository.{name.replace('.', '_')}",
                "type": "aws_ecr_repository",
                "name": name.replace(".", "_"),
                "mode": "managed",
                "change": {"actions": ["delete"], "before": {"name": name}, "after": None},
            }
            for name in names
        ],
    }


def check_plan(folder, document: dict, tmp_path):
    (tmp_path / "plan.json").write_text(json.dumps(document))
    return CliRunner().invoke(app, ["check-plan", "a", "plan.json", "--accounts-dir", str(folder)])


@pytest.mark.parametrize("extra", ["", 'allow_destroy = ["base.images"]\n'])
def test_check_plan_refuses_deleting_a_repository_another_file_makes(accounts, tmp_path, extra):
    """Whatever the old file says: `allow_destroy` lets Terraform delete its own repositories, not
    another stack's."""
    folder = accounts(a=minimal("dev", extra + APP), b=minimal("dev", ADOPTS))
    result = check_plan(folder, deleting("base.images"), tmp_path)
    assert (result.exit_code, result.stderr.splitlines()) == (
        1,
        [
            "plan.json: aws_ecr_repository.base_images: the plan would delete repository 'base.images' and its "
            "images, but accounts/b.toml (repository[0].name) makes that repository in account 123456789012 and "
            "us-east-1 (a repository moved between files): list it in account.retired in accounts/a.toml "
            "(Terraform forgets it in this stack, AWS keeps it for the other)",
            "ecrgen: 1 problem(s) found.",
        ],
    )


def test_check_plan_lets_a_deletion_pass_when_no_other_file_of_the_registry_makes_it(accounts, tmp_path):
    other_region = minimal("dev", ADOPTS).replace("us-east-1", "eu-west-1")
    folder = accounts(
        a=minimal("dev", APP), b=other_region, c=minimal("dev", '[[repository]]\nname = "xy"\n')
    )
    result = check_plan(folder, deleting("base.images"), tmp_path)
    assert result.exit_code == 0, result.stderr


def test_check_plan_refuses_a_deletion_while_another_file_does_not_load(accounts, tmp_path):
    """A file that does not load may be the one that now makes the repository: the deletion is unproved
    until it loads. A plan that deletes nothing does not need the other files."""
    folder = accounts(a=minimal("dev", APP), b='[account]\nname = "b"\nid = "not an id"\n')
    result = check_plan(folder, deleting("base.images"), tmp_path)
    assert (result.exit_code, result.stderr.splitlines()) == (
        1,
        [
            "plan.json: the plan would delete repository 'base.images' while accounts/b.toml does not load, so "
            "whether that file makes it in account 123456789012 and us-east-1 is unknown: fix accounts/b.toml "
            "(ecrgen validate names its problems) and check the plan again",
            "ecrgen: 1 problem(s) found.",
        ],
    )
    result = check_plan(folder, deleting("base.images", "app"), tmp_path)
    assert result.stderr.splitlines()[0] == (
        "plan.json: the plan would delete repositories 'app', 'base.images' while accounts/b.toml does not "
        "load, so whether that file makes them in account 123456789012 and us-east-1 is unknown: fix "
        "accounts/b.toml (ecrgen validate names its problems) and check the plan again"
    )
    assert check_plan(folder, deleting(), tmp_path).exit_code == 0
    (folder / "b.toml").write_text(minimal("dev", '[[repository]]\nname = "other"\n'))
    assert check_plan(folder, deleting("base.images"), tmp_path).exit_code == 0
