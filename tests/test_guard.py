"""Nothing lost, fast tier: the removal guard over a previous stack, the plan guard over saved plans,
`retired` / `allow_destroy` / `adopt` in the config and the blocks they emit (Terraform proves them in
tests/test_terraform_ownership.py)."""

from __future__ import annotations

import json
import textwrap

import pytest
from conftest import minimal
from typer.testing import CliRunner

from ecrgen import commands, guard, ownership, plan_guard
from ecrgen.cli import app
from ecrgen.config.load import load_accounts
from ecrgen.errors import EcrgenError

REPOS = '[[repository]]\nname = "app"\n\n[[repository]]\nname = "base.images"\n'
CHOICES = (
    "list it in account.retired to keep it in AWS (Terraform forgets it), "
    "or in account.allow_destroy to let Terraform delete it and its images"
)


def previous(*repositories: tuple[str, str, str], prevent_destroy: bool = True) -> dict:
    """A previous stack holding these (config name, address, ECR name) repositories."""
    body = {
        addr: {"name": ecr, **({"lifecycle": {"prevent_destroy": True}} if prevent_destroy else {})}
        for _, addr, ecr in repositories
    }
    names = {name: f"${{aws_ecr_repository.{addr}.name}}" for name, addr, _ in repositories}
    return {"resource": {"aws_ecr_repository": body}, "output": {"repository_name": {"value": names}}}


def applied(document: dict) -> guard.State:
    """The state after applying a previous stack: every repository it has (address -> ECR name)."""
    resources = document.get("resource")
    blocks = resources.get("aws_ecr_repository") if isinstance(resources, dict) else None
    return guard.State(
        "s", {addr: body["name"] for addr, body in blocks.items()} if isinstance(blocks, dict) else {}
    )


def refused(loaded, document: dict, where: str) -> list:
    """The removal guard's refusals when the previous stack was applied."""
    problems, warnings = guard.removals(loaded, document, where, applied(document))
    assert warnings == []
    return problems


def account(accounts, environment="production", extra="", repos=REPOS):
    (loaded,) = load_accounts(accounts(a=minimal(environment, extra + "\n" + repos)))
    return loaded


def test_a_production_repository_gone_from_the_file_is_refused(accounts):
    loaded = account(accounts, repos='[[repository]]\nname = "app"\n')
    problems = refused(
        loaded, previous(("app", "app", "app"), ("base.images", "base_images", "base.images")), "out/a.json"
    )
    assert [str(p) for p in problems] == [
        "accounts/a.toml: repository: 'base.images' (ECR repository 'base.images') is in the previous output out/a.json "
        f"but no longer in the file: Terraform would delete it; {CHOICES}"
    ]


def test_a_removal_is_refused_only_when_the_state_holds_the_repository(accounts):
    """A first apply that failed: the previous output was never applied; the corrected file is written."""
    loaded = account(accounts, repos='[[repository]]\nname = "app"\n')
    document = previous(("app", "app", "app"), ("base.images", "base_images", "base.images"))
    assert guard.removals(loaded, document, "out/a.json", guard.State("s", {})) == ([], [])
    assert guard.removals(loaded, document, "out/a.json", guard.State("s", {"app": "app"})) == ([], [])
    assert (
        len(
            guard.removals(loaded, document, "out/a.json", guard.State("s", {"base_images": "base.images"}))[
                0
            ]
        )
        == 1
    )


def test_a_repository_only_the_state_holds_is_refused_and_its_guard_tag_counts(accounts):
    dev = account(accounts, "dev", repos='[[repository]]\nname = "app"\n')
    state = guard.State(
        "out/terraform.tfstate", {"app": "app", "golden": "golden", "e2e": "e2e"}, frozenset({"golden"})
    )
    problems, warnings = guard.removals(dev, {}, "out/a.json", state)
    assert warnings == []
    assert [str(p) for p in problems] == [
        "accounts/a.toml: repository: 'golden' (ECR repository 'golden') is in the Terraform state out/terraform.tfstate "
        f"but no longer in the file: Terraform would delete it; {CHOICES}"
    ]


def state_in(region: str, *names: str, guarded: tuple = ()) -> dict:
    """A Terraform state (format 4) holding these repositories, created in `region`."""
    return {
        "version": 4,
        "resources": [
            {
                "mode": "managed",
                "type": "aws_ecr_repository",
                "name": name,
                "instances": [
                    {
                        "attributes": {
                            "name": name,
                            "arn": f"arn:aws:ecr:{region}:123456789012:repository/{name}",
                            "tags_all": {"ecrgen:guarded": "true"} if name in guarded else {},
                        }
                    }
                ],
            }
            for name in names
        ],
    }


def test_a_changed_region_is_refused_from_the_state_where_a_repository_is_protected(accounts):
    """ECR cannot move a repository: provider 6 replaces it (deleting it where it is), provider 5 forgets
    it; either way Terraform creates it empty in the new region. Refused for protected repositories."""
    moved = minimal("production").replace('region = "us-east-1"', 'region = "eu-west-1"')
    assert moved != minimal("production")
    (loaded,) = load_accounts(accounts(a=moved + "\n" + REPOS))
    state = guard.deployed_repositories(state_in("us-east-1", "app", "base_images"), "out/terraform.tfstate")
    where = "out/terraform.tfstate"
    assert state.regions == (("app", "us-east-1", where), ("base_images", "us-east-1", where))
    message = (
        "accounts/a.toml: account.region: 'eu-west-1', but the Terraform state out/terraform.tfstate holds "
        "'app', 'base.images' in us-east-1: ECR cannot move a repository between regions, so Terraform would "
        "replace them (AWS provider 6 deletes them in us-east-1, with their images where force_delete allows; "
        "provider 5 forgets them there) and create them empty in eu-west-1; set region back to 'us-east-1', "
        "and give the repositories of eu-west-1 an account file of their own"
    )
    assert [[str(p) for p in found] for found in guard.region_changes(loaded, state)] == [[message], []]
    # The region the state holds them in: nothing to say. Provider 6 records it beside the ARN.
    assert guard.region_changes(loaded, guard.deployed_repositories(state_in("eu-west-1", "app"), "s")) == (
        [],
        [],
    )
    recorded = state_in("eu-west-1", "app")
    recorded["resources"][0]["instances"][0]["attributes"]["region"] = "us-east-1"
    assert guard.deployed_repositories(recorded, "s").regions == (("app", "us-east-1", "s"),)
    # Not production: a warning, unless the guard tag (or prevent_destroy) protects the repository.
    (dev,) = load_accounts(accounts(a=moved.replace('"production"', '"dev"') + "\n" + REPOS))
    state = guard.deployed_repositories(state_in("us-east-1", "app", "base_images", guarded=("app",)), "s")
    refusals, warnings = guard.region_changes(dev, state)
    assert [p.message.split(": ECR cannot")[0] for p in refusals] == [
        "'eu-west-1', but the Terraform state s holds 'app' in us-east-1"
    ]
    assert [p.message.split(": ECR cannot")[0] for p in warnings] == [
        "'eu-west-1', but the Terraform state s holds 'base.images' in us-east-1"
    ]
    # allow_destroy lets Terraform replace it, as it lets Terraform delete it.
    dev_moved = moved.replace('"production"', '"dev"')
    (allowed,) = load_accounts(
        accounts(a=dev_moved.replace("[account]\n", '[account]\nallow_destroy = ["app"]\n') + "\n" + REPOS)
    )
    assert [
        [p.message.split(": ECR cannot")[0] for p in found] for found in guard.region_changes(allowed, state)
    ] == [
        [],
        ["'eu-west-1', but the Terraform state s holds 'base.images' in us-east-1"],
    ]
    # No state to read (remote): check-plan judges the plan.
    assert guard.region_changes(loaded, None) == ([], [])


def test_with_a_remote_state_a_changed_region_is_a_warning_from_the_previous_output(accounts):
    """No state to read: the previous stack's provider says where its repositories were made."""
    moved = minimal("production").replace('region = "us-east-1"', 'region = "eu-west-1"')
    (loaded,) = load_accounts(accounts(a=moved + "\n" + REPOS))
    document = previous(("app", "app", "app"), ("base.images", "base_images", "base.images"))
    document["provider"] = {"aws": [{"region": "us-east-1"}]}
    assert [
        [str(p) for p in found] for found in guard.region_changes(loaded, None, document, "out/a.json")
    ] == [
        [],
        [
            "accounts/a.toml: account.region: 'eu-west-1', but the previous output out/a.json made 'app', "
            "'base.images' in us-east-1: ECR cannot move a repository between regions, so Terraform would replace "
            "them (AWS provider 6 deletes them in us-east-1, with their images where force_delete allows; provider "
            "5 forgets them there) and create them empty in eu-west-1; set region back to 'us-east-1', and give the "
            "repositories of eu-west-1 an account file of their own (if that output was applied: the state is "
            "remote and ecrgen stays offline, so `ecrgen check-plan` judges the real plan)"
        ],
    ]
    document["provider"] = {"aws": [{"region": "eu-west-1"}]}
    assert guard.region_changes(loaded, None, document, "out/a.json") == ([], [])


def test_each_state_is_judged_by_its_own_region(accounts, tmp_path):
    """Two workspaces' states: each names the region it holds the repository in; a state in the file's
    region says nothing, and the other is named by its own file."""
    from ecrgen import preflight

    (loaded,) = load_accounts(accounts(a=minimal("production") + "\n" + REPOS))
    folder = tmp_path / "stack"
    (folder / "terraform.tfstate.d" / "old").mkdir(parents=True)
    (folder / "terraform.tfstate").write_text(json.dumps(state_in("us-east-1", "app")))
    old = folder / "terraform.tfstate.d" / "old" / "terraform.tfstate"
    old.write_text(json.dumps(state_in("eu-west-1", "app")))
    state = preflight.deployed(loaded, folder)
    assert state is not None
    assert [p.message.split(": ECR cannot")[0] for p in guard.region_changes(loaded, state)[0]] == [
        f"'us-east-1', but the Terraform state {old.as_posix()} holds 'app' in eu-west-1"
    ]


def test_with_a_remote_state_a_removal_is_a_warning_left_to_check_plan(accounts):
    loaded = account(accounts, repos='[[repository]]\nname = "app"\n')
    document = previous(("app", "app", "app"), ("base.images", "base_images", "base.images"))
    problems, warnings = guard.removals(loaded, document, "out/a.json", None)
    assert problems == []
    assert [str(p) for p in warnings] == [
        "accounts/a.toml: repository: 'base.images' (ECR repository 'base.images') is in the previous output out/a.json "
        f"but no longer in the file: Terraform would delete it; {CHOICES} (if that output was applied: the state is "
        "remote and ecrgen stays offline, so `ecrgen check-plan` judges the real plan)"
    ]


@pytest.mark.parametrize(
    "state, expected",
    [
        ({}, {}),
        ({"resources": 3}, {}),
        ([1], {}),
        (
            {
                "version": 4,
                "resources": [
                    {
                        "mode": "managed",
                        "type": "aws_ecr_repository",
                        "name": "app",
                        "instances": [{"attributes": {"name": "demo/app"}}],
                    },
                    {
                        "mode": "data",
                        "type": "aws_ecr_repository",
                        "name": "looked",
                        "instances": [{"attributes": {"name": "x"}}],
                    },
                    {
                        "mode": "managed",
                        "type": "aws_ecr_lifecycle_policy",
                        "name": "app",
                        "instances": [{"attributes": {}}],
                    },
                    {"mode": "managed", "type": "aws_ecr_repository", "name": "gone", "instances": []},
                    {
                        "mode": "managed",
                        "type": "aws_ecr_repository",
                        "name": "kept",
                        "instances": [
                            {"attributes": {"name": "kept", "tags_all": {"ecrgen:guarded": "true"}}}
                        ],
                    },
                    {
                        "mode": "managed",
                        "type": "aws_ecr_repository",
                        "name": "odd",
                        "instances": [3, {"attributes": None}],
                    },
                ],
            },
            guard.State("s", {"app": "demo/app", "kept": "kept"}, frozenset({"kept"})),
        ),
    ],
)
def test_the_repositories_a_state_holds(state, expected):
    expected = expected if isinstance(expected, guard.State) else guard.State("s", expected)
    assert guard.deployed_repositories(state, "s") == expected


@pytest.mark.parametrize("key", ["retired", "allow_destroy"])
def test_retired_or_allowed_repositories_may_go(accounts, key):
    loaded = account(accounts, extra=f'{key} = ["base.images"]\n', repos='[[repository]]\nname = "app"\n')
    assert (
        refused(loaded, previous(("app", "app", "app"), ("base.images", "base_images", "base.images")), "x")
        == []
    )


def test_non_production_accounts_follow_plain_terraform(accounts):
    loaded = account(accounts, "dev", repos='[[repository]]\nname = "app"\n')
    assert refused(loaded, previous(("gone", "gone", "gone"), prevent_destroy=False), "x") == []
    # ...unless the repository carried prevent_destroy: that protection is not dropped silently.
    assert len(refused(loaded, previous(("gone", "gone", "gone")), "x")) == 1


def test_a_changed_ecr_name_of_a_production_repository_is_refused(accounts):
    loaded = account(accounts, extra='name_format = "{project}-{name}"\n')
    problems = refused(
        loaded, previous(("app", "app", "app"), ("base.images", "base_images", "demo-base.images")), "x"
    )
    assert [str(p) for p in problems] == [
        "accounts/a.toml: repository[0].name: 'app' would rename ECR repository 'app' to 'demo-app' (its name, project or "
        "name_format changed): ECR cannot rename a repository, so Terraform would replace it and its images would be lost; keep the old "
        "name, or give the new repository another `name` and list this one in account.retired (AWS keeps it and its images)"
    ]
    # The state says what AWS holds: a rename the previous output shows, but the state does not, is no rename.
    document = previous(("app", "app", "app"), ("base.images", "base_images", "demo-base.images"))
    state = guard.State("s", {"app": "demo-app", "base_images": "demo-base.images"})
    assert guard.removals(loaded, document, "x", state) == ([], [])


MOVED_ADVICE = (
    ", or list it in account.retired and set adopt = true on 'demo/app' (Terraform forgets the old address and "
    "imports the repository at the new one; AWS keeps it and its images)"
)


def test_a_changed_name_that_keeps_the_ecr_name_is_refused_with_advice_that_keeps_the_images(accounts):
    """name_format flattened into the names ('{project}/{name}' and 'app' -> '{name}' and 'demo/app'): the
    ECR repository stays in the file, its address changes. Retiring the old name and adopting the new one
    keeps it (allow_destroy would delete it; 'demo/app' in retired is still a [[repository]])."""
    loaded = account(accounts, repos='[[repository]]\nname = "demo/app"\n')
    document = previous(("app", "app", "demo/app"))
    assert [str(p) for p in refused(loaded, document, "x")] == [
        "accounts/a.toml: repository[0].name: 'demo/app' is ECR repository 'demo/app', which the previous output x "
        "has as 'app': a new `name` is a new Terraform address, so Terraform would delete the repository and its "
        f"images and create it again empty; keep the name 'app'{MOVED_ADVICE}"
    ]
    # check-plan, where CI has no previous output: the plan deletes the old address and creates the new one.
    deleted = plan(("app", ["delete"]))
    assert [str(p) for p in plan_guard.plan_deletions(loaded, deleted, "plan.json")] == [
        "plan.json: aws_ecr_repository.app: the plan would delete production repository 'demo/app' and its "
        "images, and create it again empty: repository[0] in accounts/a.toml makes it under another `name`, "
        "'demo/app', so at another address; keep the old name (the one that gives aws_ecr_repository.app)"
        + MOVED_ADVICE
    ]
    # The advice, followed, passes both guards.
    fixed = account(
        accounts, extra='retired = ["app"]\n', repos='[[repository]]\nname = "demo/app"\nadopt = true\n'
    )
    assert refused(fixed, document, "x") == []


@pytest.mark.parametrize(
    "document", [{}, {"resource": []}, {"resource": {"aws_ecr_repository": "x"}}, {"output": 3}]
)
def test_a_previous_stack_of_another_shape_is_not_a_crash(accounts, document):
    assert refused(account(accounts), document, "x") == []


def test_a_hand_edited_lifecycle_block_is_not_a_crash(accounts):
    odd = {"resource": {"aws_ecr_repository": {"gone": {"name": "gone", "lifecycle": [1]}}}}
    assert [p.message[:38] for p in refused(account(accounts), odd, "x")] == [
        "'gone' (ECR repository 'gone') is in t"
    ]
    assert refused(account(accounts, "dev"), odd, "x") == []


def plan(*changes: tuple[str, list[str]]) -> dict:
    return {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": f"aws_ecr_repository.{name}",
                "type": "aws_ecr_repository",
                "name": name,
                "mode": "managed",
                "change": {"actions": actions, "before": {"name": f"demo/{name}"}},
            }
            for name, actions in changes
        ],
    }


REPLACED = (
    "the plan would replace production repository 'demo/app' and its images, forced by an attribute the plan does "
    "not name; ECR cannot change this in place: make repository[0] in accounts/a.toml say what AWS holds, or give a "
    "new repository another `name` and list this one in account.retired (AWS keeps it and its images)"
)


@pytest.mark.parametrize(
    "name, actions, message",
    [
        (
            "gone",
            ["delete"],
            f"the plan would delete production repository 'demo/gone' and its images; in accounts/a.toml {CHOICES}",
        ),
        (
            "app",
            ["delete"],
            "the plan would delete production repository 'demo/app' and its images although accounts/a.toml still has it "
            "(a destroy plan?): plan without -destroy, or list it in account.allow_destroy to let Terraform delete it",
        ),
        ("app", ["delete", "create"], REPLACED),
        ("app", ["create", "delete"], REPLACED),
    ],
)
def test_the_plan_guard_names_deleted_or_replaced_production_repositories(accounts, name, actions, message):
    problems = plan_guard.plan_deletions(
        account(accounts), plan((name, actions), ("keep", ["update"])), "plan.json"
    )
    assert [str(p) for p in problems] == [f"plan.json: aws_ecr_repository.{name}: {message}"]


def vanished(arn: str, tags: dict) -> dict:
    """A plan whose refresh no longer finds repository `app` (resource_drift deletes it) and that creates
    it again: what Terraform plans after the file's region changed, or after a deletion by hand."""
    before = {"name": "demo/app", "arn": arn, "tags_all": tags}
    document = plan(("app", ["create"]))
    document["resource_drift"] = [
        {
            "address": "aws_ecr_repository.app",
            "type": "aws_ecr_repository",
            "name": "app",
            "mode": "managed",
            "change": {"actions": ["delete"], "before": before, "after": None},
        }
    ]
    return document


def test_a_guarded_repository_the_refresh_no_longer_finds_is_refused(accounts):
    """A changed region under AWS provider 5: the provider looks in the new one, Terraform forgets the
    repository (its images stay in the old region) and the plan shows only a create; a repository
    deleted by hand alike."""
    elsewhere = vanished("arn:aws:ecr:us-west-2:123456789012:repository/demo/app", {})
    assert [str(p) for p in plan_guard.plan_deletions(account(accounts), elsewhere, "p")] == [
        "p: aws_ecr_repository.app: production repository 'demo/app' "
        "(arn:aws:ecr:us-west-2:123456789012:repository/demo/app) is in us-west-2 but accounts/a.toml says "
        "account.region = 'us-east-1': the provider looks in us-east-1 and does not find it, so Terraform would "
        "forget it (AWS keeps it and its images in us-west-2) and create an empty repository in us-east-1; set "
        "account.region back to 'us-west-2' (ECR cannot move a repository between regions), and give the "
        "repositories of us-east-1 an account file of their own"
    ]
    gone = vanished("arn:aws:ecr:us-east-1:123456789012:repository/demo/app", {"ecrgen:guarded": "true"})
    assert [str(p) for p in plan_guard.plan_deletions(account(accounts, "dev"), gone, "p")] == [
        "p: aws_ecr_repository.app: guarded repository 'demo/app' "
        "(arn:aws:ecr:us-east-1:123456789012:repository/demo/app) is no longer found in AWS (deleted outside "
        "Terraform?): the plan would create an empty repository in its place; find out where it and its images "
        "went before applying (once the loss is accepted, `terraform apply -refresh-only` records it and the "
        "next plan is not refused)"
    ]
    # Adopted: its import block would fail the plan after the refresh-only apply, so adopt goes too.
    adopted = account(accounts, "dev", repos='[[repository]]\nname = "app"\nadopt = true\n')
    assert [p.message for p in plan_guard.plan_deletions(adopted, gone, "p")] == [
        "adopted repository 'demo/app' (arn:aws:ecr:us-east-1:123456789012:repository/demo/app) is no longer "
        "found in AWS (deleted outside Terraform?): the plan would create an empty repository in its place; find "
        "out where it and its images went before applying (once the loss is accepted, set adopt = false on "
        "repository[0] in accounts/a.toml (Terraform cannot import what no longer exists), then `terraform apply "
        "-refresh-only` records it and the next plan is not refused)"
    ]
    # Not guarded, or listed in allow_destroy: plain Terraform.
    assert (
        plan_guard.plan_deletions(
            account(accounts, "dev"), vanished(gone["resource_drift"][0]["change"]["before"]["arn"], {}), "p"
        )
        == []
    )
    allowed = account(accounts, extra='allow_destroy = ["app"]\n', repos='[[repository]]\nname = "bb"\n')
    assert plan_guard.plan_deletions(allowed, elsewhere, "p") == []
    # A plan that creates nothing there (`terraform plan -refresh-only`, the step the advice names, or a
    # repository the file no longer makes): nothing is created empty, nothing refused.
    refresh_only = {**gone, "resource_changes": []}
    assert plan_guard.plan_deletions(account(accounts, "dev"), refresh_only, "p") == []


def test_a_repository_the_refresh_finds_in_another_region_is_refused(accounts):
    """Provider 5, a new region that has a repository of the same name (a replica): the refresh reads
    that one, and Terraform would manage it and forget the original."""
    document = vanished("arn:aws:ecr:us-west-2:123456789012:repository/demo/app", {})
    document["resource_changes"][0]["change"]["actions"] = ["update"]
    drift = document["resource_drift"][0]["change"]
    drift["actions"] = ["update"]
    drift["after"] = {"name": "demo/app", "arn": "arn:aws:ecr:us-east-1:123456789012:repository/demo/app"}
    assert [str(p) for p in plan_guard.plan_deletions(account(accounts), document, "p")] == [
        "p: aws_ecr_repository.app: production repository 'demo/app' "
        "(arn:aws:ecr:us-west-2:123456789012:repository/demo/app) is in us-west-2 but accounts/a.toml says "
        "account.region = 'us-east-1': the refresh found a repository of that name in us-east-1 (a replica?), "
        "and Terraform would manage that one instead and forget the one in us-west-2; set account.region back "
        "to 'us-west-2' (ECR cannot move a repository between regions), and give the repositories of us-east-1 "
        "an account file of their own"
    ]
    drift["after"] = {**drift["before"], "tags_all": {"Team": "x"}}  # an ordinary drift: same repository
    assert plan_guard.plan_deletions(account(accounts), document, "p") == []


def test_a_replacement_forced_by_a_changed_region_says_to_set_it_back(accounts):
    """AWS provider 6 records the region and replaces the repository when it changes."""
    document = replacing(
        "app",
        {"name": "demo/app", "region": "us-west-2"},
        {"name": "demo/app", "region": "us-east-1"},
        [["region"]],
    )
    assert [str(p) for p in plan_guard.plan_deletions(account(accounts), document, "p")] == [
        "p: aws_ecr_repository.app: the plan would replace production repository 'demo/app' and its images, "
        'forced by region (the file\'s account.region): AWS holds "us-west-2", the plan writes "us-east-1"; ECR '
        "cannot move a repository between regions: set account.region in accounts/a.toml back to 'us-west-2', "
        "and give the repositories of us-east-1 an account file of their own"
    ]


def replacing(name: str, before: dict, after: dict, paths: list, **change) -> dict:
    """A plan replacing one repository, as Terraform records it (`replace_paths`)."""
    detail = {
        "actions": ["delete", "create"],
        "before": before,
        "after": after,
        "after_unknown": {},
        **change,
    }
    detail["replace_paths"] = paths
    return {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": f"aws_ecr_repository.{name}",
                "type": "aws_ecr_repository",
                "name": name,
                "mode": "managed",
                "change": detail,
            }
        ],
    }


def test_a_replaced_adopted_repository_is_refused_in_every_environment_naming_what_forces_it(accounts):
    """adopt takes a repository over: an import that replaces it (its settings differ) is refused."""
    held = {"name": "demo/app", "encryption_configuration": [{"encryption_type": "KMS", "kms_key": "arn:k"}]}
    wanted = {"name": "demo/app", "encryption_configuration": [{"encryption_type": "AES256", "kms_key": ""}]}
    document = replacing("app", held, wanted, [["encryption_configuration"]], importing={"id": "demo/app"})
    dev = account(accounts, "dev", repos='[[repository]]\nname = "app"\n')
    assert [str(p) for p in plan_guard.plan_deletions(dev, document, "p")] == [
        "p: aws_ecr_repository.app: the plan would replace adopted repository 'demo/app' and its images, forced by "
        "encryption_configuration (the file's encryption and kms_key): AWS holds "
        '[{"encryption_type": "KMS", "kms_key": "arn:k"}], the plan writes [{"encryption_type": "AES256", "kms_key": ""}]; '
        "ECR cannot change this in place: make repository[0] in accounts/a.toml say what AWS holds, or give a new "
        "repository another `name` and list this one in account.retired (AWS keeps it and its images); to let "
        "Terraform replace it and lose its images, list it in account.allow_destroy"
    ]
    # adopt in the file guards it on later plans too (no import then), and allow_destroy lets it go.
    adopted = account(accounts, "dev", repos='[[repository]]\nname = "app"\nadopt = true\n')
    assert (
        len(
            plan_guard.plan_deletions(
                adopted, replacing("app", held, wanted, [["encryption_configuration"]]), "p"
            )
        )
        == 1
    )
    allowed = account(
        accounts, "dev", extra='allow_destroy = ["app"]\n', repos='[[repository]]\nname = "app"\n'
    )
    assert plan_guard.plan_deletions(allowed, document, "p") == []
    # Not adopted, not production: plain Terraform.
    assert (
        plan_guard.plan_deletions(dev, replacing("app", held, wanted, [["encryption_configuration"]]), "p")
        == []
    )


def test_a_renamed_production_repository_names_the_name_and_a_value_known_after_apply(accounts):
    document = replacing(
        "app",
        {"name": "old/app"},
        {"name": None},
        [["name"]],
        after_unknown={"name": True},
    )
    (problem,) = plan_guard.plan_deletions(account(accounts), document, "p")
    assert problem.message == (
        "the plan would replace production repository 'old/app' and its images, forced by name (the file's name (with "
        'project and name_format)): AWS holds "old/app", the plan writes a value known only after apply; ECR cannot '
        "change this in place: make repository[0] in accounts/a.toml say what AWS holds, or give a new repository "
        "another `name` and list this one in account.retired (AWS keeps it and its images)"
    )


@pytest.mark.parametrize(
    "reason, advice",
    [
        (
            "replace_because_tainted",
            "because it is tainted (a create that failed half-way, or `terraform taint`): `terraform untaint "
            "aws_ecr_repository.app` and plan again",
        ),
        (
            "replace_by_request",
            "because the plan was made with `-replace=aws_ecr_repository.app`: plan without it",
        ),
    ],
)
def test_a_replacement_terraform_was_asked_for_gets_advice_about_terraform(accounts, reason, advice):
    document = replacing("app", {"name": "demo/app"}, {"name": "demo/app"}, [])
    document["resource_changes"][0]["action_reason"] = reason
    (problem,) = plan_guard.plan_deletions(account(accounts), document, "p")
    assert (
        problem.message == f"the plan would replace production repository 'demo/app' and its images, {advice}"
    )


def test_an_unguarded_replacement_terraform_was_asked_for_is_a_warning(accounts):
    """Not guarded (or listed in allow_destroy): not refused, but the images go and no edit of the file
    changes that, so check-plan names it with the same advice."""
    document = replacing("app", {"name": "demo/app"}, {"name": "demo/app"}, [])
    document["resource_changes"][0]["action_reason"] = "replace_because_tainted"
    dev = account(accounts, "dev")
    assert plan_guard.plan_deletions(dev, document, "p") == []
    assert [str(p) for p in plan_guard.requested_replacements(dev, document, "p")] == [
        "p: aws_ecr_repository.app: the plan would replace repository 'demo/app' and its images, because it is "
        "tainted (a create that failed half-way, or `terraform taint`): `terraform untaint aws_ecr_repository.app` "
        "and plan again"
    ]
    # Guarded: refused (above), not warned twice; a replacement the file forces: not this warning.
    assert plan_guard.requested_replacements(account(accounts), document, "p") == []
    document["resource_changes"][0]["action_reason"] = "replace_because_cannot_update"
    assert plan_guard.requested_replacements(dev, document, "p") == []


def test_the_guard_tag_in_the_state_guards_what_the_file_no_longer_protects(accounts):
    """An account demoted from a custom production name ('live'), a prevent_destroy or adopt dropped, or
    the repository removed: the state's tags still say it was guarded (the file and the plan's own
    Environment tag no longer do)."""
    document = plan(("golden", ["delete"]), ("e2e", ["delete"]))
    document["resource_changes"][0]["change"]["before"]["tags_all"] = {
        "Environment": "live",
        "ecrgen:guarded": "true",
    }
    document["resource_changes"][1]["change"]["before"]["tags_all"] = {"Environment": "live"}
    dev = account(accounts, "dev", repos="")
    assert [str(p) for p in plan_guard.plan_deletions(dev, document, "p")] == [
        f"p: aws_ecr_repository.golden: the plan would delete guarded repository 'demo/golden' and its images; in accounts/a.toml {CHOICES}"
    ]
    allowed = account(accounts, "dev", extra='allow_destroy = ["golden"]\n', repos="")
    assert plan_guard.plan_deletions(allowed, document, "p") == []


def test_check_plan_names_what_a_plan_takes_away_from_guarded_repositories(accounts, tmp_path):
    """A demotion plans only in-place updates: let through, with a warning per weakened repository."""
    guarded = {"Environment": "production", "ecrgen:guarded": "true"}
    document = plan(
        ("app", ["update"]), ("base_images", ["update"]), ("plain", ["update"]), ("old", ["forget"])
    )
    document["planned_values"] = {}
    changes = [c["change"] for c in document["resource_changes"]]
    # `retired`: Terraform forgets the repository (a `removed` block); AWS keeps it, tags and all.
    changes[3]["before"] |= {"image_tag_mutability": "IMMUTABLE", "tags_all": guarded}
    changes[3]["after"] = None
    changes[0]["before"] |= {"image_tag_mutability": "IMMUTABLE", "tags_all": guarded}
    changes[0]["after"] = {"image_tag_mutability": "MUTABLE", "tags_all": {"Environment": "development"}}
    changes[1]["before"] |= {"image_tag_mutability": "IMMUTABLE_WITH_EXCLUSION", "tags_all": guarded}
    changes[1]["after"] = {"image_tag_mutability": "IMMUTABLE_WITH_EXCLUSION", "tags_all": guarded}
    changes[2]["before"] |= {"image_tag_mutability": "IMMUTABLE", "tags_all": {"Environment": "dev"}}
    changes[2]["after"] = {"image_tag_mutability": "MUTABLE", "tags_all": {"Environment": "dev"}}
    folder = accounts(a=minimal("dev", REPOS))
    (tmp_path / "plan.json").write_text(json.dumps(document))
    result = CliRunner().invoke(app, ["check-plan", "a", "plan.json", "--accounts-dir", str(folder)])
    assert (result.exit_code, result.stderr.splitlines()) == (
        0,
        [
            "warning: plan.json: aws_ecr_repository.app: guarded repository 'demo/app': its tags become MUTABLE (an "
            "image can be pushed over a tag); its Environment tag changes from 'production' to 'development'; it loses "
            "the ecrgen:guarded tag (check-plan will no longer refuse deleting it)"
        ],
    )


def test_a_migration_plan_creates_no_repository(accounts):
    loaded = account(accounts, "dev")
    document = plan(("app", ["create"]), ("base_images", ["update"]))
    document["resource_changes"][0]["change"]["after"] = {"name": "demo/app"}
    assert plan_guard.plan_deletions(loaded, document, "p") == []
    assert [str(p) for p in plan_guard.plan_deletions(loaded, document, "p", migration=True)] == [
        "p: aws_ecr_repository.app: the plan would create repository 'demo/app': a migration takes over what exists "
        "and creates no repository; if it exists in AWS, set adopt = true on repository[0] in accounts/a.toml; if it "
        "is new, add it once the migration is applied"
    ]


@pytest.mark.parametrize(
    "changes",
    [
        [3],
        [{"change": 3}],
        [{"type": "aws_ecr_repository", "change": {"actions": "delete"}}],
        [{"type": "aws_ecr_repository", "name": "x", "change": {"actions": ["delete"], "before": None}}],
    ],
)
def test_plans_of_odd_shapes_are_not_a_crash(accounts, changes):
    found = plan_guard.plan_deletions(
        account(accounts), {"format_version": "1", "resource_changes": changes}, "p"
    )
    assert [p.message for p in found] == (
        []
        if changes[0] in (3, {"change": 3}) or "name" not in changes[0]
        else [
            f"the plan would delete production repository None and its images; in accounts/a.toml {CHOICES}"
        ]
    )


def test_the_plan_guard_lets_allowed_and_non_production_deletions_pass(accounts):
    assert (
        plan_guard.plan_deletions(
            account(accounts, extra='allow_destroy = ["app"]\n'), plan(("app", ["delete"])), "p"
        )
        == []
    )
    assert plan_guard.plan_deletions(account(accounts, "dev"), plan(("app", ["delete"])), "p") == []


@pytest.mark.parametrize(
    "content, message",
    [
        (  # the parser's line, as for a TOML syntax error: plan.json:1:
            b"not json",
            "1: is not JSON (Expecting value: line 1 column 1 (char 0)); give the output of `terraform show -json PLANFILE`",
        ),
        (b"[1, 2]", "is not a Terraform plan in JSON; give the output of `terraform show -json PLANFILE`"),
        (
            b'{"format_version": "1.2", "resource_changes": 3}',
            "is not a Terraform plan in JSON; give the output of `terraform show -json PLANFILE`",
        ),
        (
            b'{"format_version": "1.2", "resource_changes": ["x", 1]}',
            "is not a Terraform plan in JSON; give the output of `terraform show -json PLANFILE`",
        ),
        (  # `terraform show -json` without a plan file: the state, no planned changes at all
            b'{"format_version": "1.0", "terraform_version": "1.11.4", "values": {"root_module": {}}}',
            "is not a Terraform plan in JSON; give the output of `terraform show -json PLANFILE`",
        ),
        (
            b'{"format_version": "1.2", "planned_values": {}, "resource_changes": [], "errored": true}',
            "is a plan that errored (Terraform stopped planning half-way, so it does not show every change); fix "
            "the error `terraform plan` printed and plan again",
        ),
        (
            b"\xff\xfe",
            "is not JSON ('utf-8' codec can't decode byte 0xff in position 0: invalid start byte); give the output of `terraform show -json PLANFILE`",
        ),
    ],
)
def test_check_plan_explains_files_that_are_not_plans(accounts, tmp_path, content, message):
    folder = accounts(a=minimal("production", REPOS))
    (tmp_path / "plan.json").write_bytes(content)
    result = CliRunner().invoke(app, ["check-plan", "a", "plan.json", "--accounts-dir", str(folder)])
    assert (result.exit_code, result.stderr.splitlines()) == (
        1,
        [
            f"plan.json:{message}" if message[0].isdigit() else f"plan.json: {message}",
            "ecrgen: 1 problem(s) found.",
        ],
    )


def test_check_plan_of_a_missing_file(accounts):
    folder = accounts(a=minimal("production", REPOS))
    result = CliRunner().invoke(app, ["check-plan", "a", "nowhere.json", "--accounts-dir", str(folder)])
    assert (result.exit_code, result.stderr.splitlines()[0]) == (
        1,
        "nowhere.json: cannot be read (No such file or directory)",
    )


def state(*repositories: tuple[str, str]) -> str:
    """A local Terraform state holding these (address, ECR name) repositories, as `apply` leaves it."""
    resources = [
        {
            "mode": "managed",
            "type": "aws_ecr_repository",
            "name": addr,
            "instances": [{"attributes": {"name": ecr}}],
        }
        for addr, ecr in repositories
    ]
    return json.dumps({"version": 4, "terraform_version": "1.11.4", "resources": resources})


def test_the_state_of_every_local_workspace_counts(accounts, tmp_path):
    """`terraform workspace new blue` keeps the state in terraform.tfstate.d/blue/terraform.tfstate
    (whatever [backend] path says): a production repository applied there is still refused."""
    from ecrgen import preflight

    loaded = account(accounts, repos='[[repository]]\nname = "app"\n')
    folder = tmp_path / "stack"
    (folder / "terraform.tfstate.d" / "blue").mkdir(parents=True)
    assert preflight.deployed(loaded, folder) == guard.State(f"{folder.as_posix()}/terraform.tfstate", {})
    blue = folder / "terraform.tfstate.d" / "blue" / "terraform.tfstate"
    blue.write_text(state(("app", "app"), ("base_images", "base.images")))
    held = preflight.deployed(loaded, folder)
    assert held == guard.State(blue.as_posix(), {"app": "app", "base_images": "base.images"})
    document = previous(("app", "app", "app"), ("base.images", "base_images", "base.images"))
    assert [p.path for p in guard.removals(loaded, document, "x", held)[0]] == ["repository"]
    # Beside the default workspace's state: what either holds counts; one that cannot be read is unknown.
    (folder / "terraform.tfstate").write_text(state(("app", "app")))
    assert preflight.deployed(loaded, folder).names == {"app": "app", "base_images": "base.images"}
    blue.write_text("{")
    assert preflight.deployed(loaded, folder) is None


def test_the_state_at_the_previous_backend_path_counts(accounts, tmp_path):
    """An edit that changes `[backend] path` and drops a repository at once: the state is still where the
    previous stack kept it (until `terraform init -migrate-state`), and what it holds is still refused."""
    from ecrgen import preflight

    loaded = account(
        accounts, extra='[backend]\npath = "state/a.tfstate"\n', repos='[[repository]]\nname = "app"\n'
    )
    folder = tmp_path / "stack"
    folder.mkdir()
    (folder / "terraform.tfstate").write_text(state(("app", "app"), ("base_images", "base.images")))
    before = previous(("app", "app", "app"), ("base.images", "base_images", "base.images"))
    assert preflight.deployed(loaded, folder) == guard.State(f"{folder.as_posix()}/state/a.tfstate", {})
    before["terraform"] = {"backend": {"local": {"path": "terraform.tfstate"}}}
    held = preflight.deployed(loaded, folder, before)
    assert held == guard.State(
        f"{folder.as_posix()}/terraform.tfstate", {"app": "app", "base_images": "base.images"}
    )
    assert [p.path for p in guard.removals(loaded, before, "x", held)[0]] == ["repository"]
    # A previous path that is not a relative path inside the folder is not followed.
    before["terraform"]["backend"]["local"]["path"] = "../elsewhere.tfstate"
    assert preflight.deployed(loaded, folder, before).names == {}


@pytest.mark.node
def test_a_changed_backend_path_does_not_hide_the_state_from_synth(accounts):
    folder = accounts(a=minimal("production", REPOS))
    out = folder.parent / "out"
    commands.synthesize(folder, None, out)
    (out / "stacks" / "a" / "terraform.tfstate").write_text(
        state(("app", "app"), ("base_images", "base.images"))
    )
    moved = minimal("production", '[backend]\npath = "state/a.tfstate"\n\n[[repository]]\nname = "app"\n')
    (folder / "a.toml").write_text(moved)
    with pytest.raises(EcrgenError) as caught:
        commands.synthesize(folder, None, out)
    assert [p.message[:48] for p in caught.value.problems] == [
        "'base.images' (ECR repository 'base.images') is "
    ]


@pytest.mark.node
def test_a_stack_never_applied_can_always_be_corrected(accounts):
    """A first plan or apply that failed leaves no state (or one without the repository): the previous
    output was never deployed, and a corrected file that drops a repository is written."""
    folder = accounts(a=minimal("production", REPOS))
    out = folder.parent / "out"
    commands.synthesize(folder, None, out)
    (folder / "a.toml").write_text(minimal("production", '[[repository]]\nname = "app"\n'))
    commands.synthesize(folder, None, out)
    assert "base_images" not in (out / "stacks" / "a" / "cdk.tf.json").read_text()
    # Half-way: the state holds what was created before the failure; the rest can still change.
    (folder / "a.toml").write_text(minimal("production", REPOS))
    commands.synthesize(folder, None, out)
    (out / "stacks" / "a" / "terraform.tfstate").write_text(state(("app", "app")))
    (folder / "a.toml").write_text(minimal("production", '[[repository]]\nname = "app"\n'))
    commands.synthesize(folder, None, out)
    (folder / "a.toml").write_text(minimal("production", ""))
    with pytest.raises(EcrgenError) as caught:
        commands.synthesize(folder, None, out)
    assert [p.message[:40] for p in caught.value.problems] == ["'app' (ECR repository 'app') is in the p"]


@pytest.mark.node
def test_with_a_remote_state_synth_warns_and_check_plan_judges(accounts):
    backend = '[backend]\ntype = "s3"\nbucket = "state-bucket"\n'
    folder = accounts(a=minimal("production", backend + REPOS))
    out = folder.parent / "out"
    commands.synthesize(folder, None, out)
    (folder / "a.toml").write_text(minimal("production", backend + '[[repository]]\nname = "app"\n'))
    warned = []
    commands.synthesize(folder, None, out, warn=warned.extend)
    assert [p.message for p in warned if "remote" in p.message] == [
        f"'base.images' (ECR repository 'base.images') is in the previous output {(out / 'stacks' / 'a' / 'cdk.tf.json').as_posix()} "
        f"but no longer in the file: Terraform would delete it; {CHOICES} (if that output was applied: the state is "
        "remote and ecrgen stays offline, so `ecrgen check-plan` judges the real plan)"
    ]


@pytest.mark.node
def test_synth_refuses_and_keeps_the_previous_output(accounts):
    folder = accounts(a=minimal("production", REPOS))
    out = folder.parent / "out"
    commands.synthesize(folder, None, out)
    before = (out / "stacks" / "a" / "cdk.tf.json").read_bytes()
    (out / "stacks" / "a" / "terraform.tfstate").write_text(
        state(("app", "app"), ("base_images", "base.images"))
    )
    (folder / "a.toml").write_text(minimal("production", '[[repository]]\nname = "app"\n'))
    with pytest.raises(EcrgenError) as refused:
        commands.synthesize(folder, None, out)
    assert [p.path for p in refused.value.problems] == ["repository"]
    assert (out / "stacks" / "a" / "cdk.tf.json").read_bytes() == before
    (folder / "a.toml").write_text(
        minimal("production", 'retired = ["base.images"]\n[[repository]]\nname = "app"\n')
    )
    commands.synthesize(folder, None, out)
    written = json.loads((out / "stacks" / "a" / "cdk.tf.json").read_text())
    assert written["removed"] == [
        {"from": f"{kind}.base_images", "lifecycle": {"destroy": False}}
        for kind in ("aws_ecr_repository", "aws_ecr_lifecycle_policy", "aws_ecr_repository_policy")
    ]
    assert written["terraform"]["required_version"] == ">= 1.5.0, >= 1.7.0"


@pytest.mark.parametrize(
    "extra, expected",
    [
        (
            'retired = ["app"]\n',
            [
                "account.retired[0]: 'app' is still a [[repository]] ('app'); a retired repository is one taken "
                "out of the file: remove its [[repository]] or take it out of retired"
            ],
        ),
        ('retired = ["old", "old"]\n', ["account.retired: has duplicates: 'old'"]),
        (
            'retired = [" old"]\n',
            ["account.retired[0]: ' old' is not a repository name (the `name` of a former [[repository]])"],
        ),
        (
            'retired = ["old"]\nallow_destroy = ["old"]\n',
            [
                "account.allow_destroy[0]: 'old' is also in retired: retired keeps the "
                "repository in AWS, allow_destroy lets Terraform delete it; choose one"
            ],
        ),
        (
            'retired = ["old"]\nterraform_version = "< 1.7"\n',
            [
                "account.terraform_version: '< 1.7' admits no Terraform version from "
                "1.7.0, which retired (removed blocks) needs; allow >= 1.7.0, or take "
                "the names out of retired"
            ],
        ),
    ],
)
def test_retired_and_allow_destroy_messages(accounts, extra, expected):
    with pytest.raises(EcrgenError) as caught:
        load_accounts(accounts(a=minimal("production", extra + REPOS)))
    assert [f"{p.path}: {p.message}" for p in caught.value.problems] == expected


def test_adopt_emits_import_blocks_for_repositories_and_the_role(accounts):
    loaded = account(
        accounts,
        extra='name_format = "{project}/{name}"\n',
        repos=(
            '[defaults]\nadopt = true\n[[repository]]\nname = "app"\n[[repository]]\nname = "new"\nadopt = false\n'
            '[role]\nname = "ci"\ntrusted_services = ["ecs-tasks.amazonaws.com"]\nadopt = true\n'
        ),
    )
    assert ownership.import_blocks(loaded) == [
        {"to": "aws_ecr_repository.app", "id": "demo/app"},
        {"to": "aws_iam_role.ecr", "id": "ci"},
    ]
    assert ownership.removed_blocks(loaded) == []


def test_adopt_emits_import_blocks_for_pull_through_cache_rules_and_creation_templates(accounts):
    """Both import by prefix; a rule or template without adopt is created (ECR refuses a second one)."""
    registry = """
        [[registry.pull_through_cache]]
        prefix = "ecr-public/"
        upstream = "ecr-public"
        adopt = true

        [[registry.pull_through_cache]]
        prefix = "quay"
        upstream = "quay"

        [[registry.creation_template]]
        prefix = "ROOT"
        applied_for = ["REPLICATION"]
        lifecycle = false
        adopt = true
    """
    loaded = account(
        accounts, "dev", extra='terraform_version = ">= 1.0.0"\n', repos=textwrap.dedent(registry)
    )
    assert ownership.import_blocks(loaded) == [
        {"to": "aws_ecr_pull_through_cache_rule.ecr-public", "id": "ecr-public/"},
        {"to": "aws_ecr_repository_creation_template.ROOT", "id": "ROOT"},
    ]
    assert loaded.terraform_version == ">= 1.0.0, >= 1.5.0"


def test_the_plan_guard_refuses_a_plan_of_another_aws_account(accounts):
    other = {
        **plan(("app", ["delete"])),
        "configuration": {
            "provider_config": {
                "aws": {"expressions": {"allowed_account_ids": {"constant_value": ["210987654321"]}}}
            }
        },
    }
    assert [str(p) for p in plan_guard.plan_deletions(account(accounts, "dev"), other, "p.json")] == [
        "p.json: is a plan for AWS account 210987654321, not for 'a' (123456789012): give the account the plan was made for"
    ]


def test_a_repository_tagged_production_is_guarded_after_the_account_turned_non_production(accounts):
    flipped = plan(("app", ["delete"]), ("scratch", ["delete"]))
    flipped["resource_changes"][0]["change"]["before"]["tags_all"] = {"Environment": "Production"}
    flipped["resource_changes"][1]["change"]["before"]["tags_all"] = {"Environment": "dev"}
    assert [p.path for p in plan_guard.plan_deletions(account(accounts, "dev"), flipped, "p")] == [
        "aws_ecr_repository.app"
    ]


def test_dropped_protections_and_new_adopted_repositories_are_warnings(accounts):
    before = previous(("app", "app", "app"), ("base.images", "base_images", "base.images"))
    dev = account(accounts, "dev", repos=REPOS + '[[repository]]\nname = "new"\nadopt = true\n')
    assert [str(p) for p in guard.dropped_protections(dev, before, "out/a.json")] == [
        "accounts/a.toml: repository[0]: 'app' loses the prevent_destroy it has in out/a.json (the account is no longer "
        "production): Terraform may then delete it and its images",
        "accounts/a.toml: repository[1]: 'base.images' loses the prevent_destroy it has in out/a.json (the account is no "
        "longer production): Terraform may then delete it and its images",
        "accounts/a.toml: repository[2].adopt: 'new' is new since out/a.json and marked adopt: the plan fails if its ECR "
        "repository does not exist yet (Terraform imports only what exists); if it does not, set adopt = false on it "
        "(adopt may stay on the repositories that exist: it keeps them guarded)",
    ]
    assert guard.dropped_protections(account(accounts), before, "x") == []


def test_a_template_in_a_subfolder_or_of_another_suffix_is_part_of_the_input_hash(tmp_path):
    """An include may reach any file under iam_policies/: editing one must re-synthesize, not skip."""
    from ecrgen.synthesis import incremental

    (tmp_path / "accounts").mkdir()
    (tmp_path / "iam_policies" / "sub").mkdir(parents=True)
    part, inc = tmp_path / "iam_policies" / "sub" / "y.json.j2", tmp_path / "iam_policies" / "part.inc"
    part.write_text("{}")
    inc.write_text("{}")
    before = incremental.templates_digest(tmp_path / "accounts")
    part.write_text('{"Version": "2012-10-17"}')
    after_part = incremental.templates_digest(tmp_path / "accounts")
    inc.write_text("[]")
    assert len({before, after_part, incremental.templates_digest(tmp_path / "accounts")}) == 3


def loads_spied(monkeypatch) -> list[list[str] | None]:
    """Record the names of every account-file load a command asks for."""
    from ecrgen.config import load

    asked: list[list[str] | None] = []
    real = load.load_each

    def spy(accounts_dir, names=None):
        asked.append(names)
        return real(accounts_dir, names)

    monkeypatch.setattr(load, "load_each", spy)
    return asked


CLASH_WITH_B = [
    "accounts/b.toml: repository[0].name: the ECR repository 'web' of account 123456789012 in us-east-1 is also made "
    "by accounts/a.toml (repository[0].name); a registry holds one repository of a name; to move it between "
    "these files, drop it from the file whose stack manages it and list it there in account.retired (Terraform "
    "forgets it, AWS keeps it and its images), and set adopt = true on it in the other"
]


@pytest.mark.node
def test_an_incremental_or_named_synth_checks_clashes_with_the_other_files(accounts, monkeypatch):
    """validate checks the files it is given; synth of one changed account must still see the others:
    from what the earlier synth kept beside their output, without loading their files again (issue 24)."""
    folder = accounts(
        a=minimal("dev", '[[repository]]\nname = "app"\n'),
        b=minimal("dev", '[backend]\npath = "b.tfstate"\n[[repository]]\nname = "web"\n'),
    )
    out = folder.parent / "out"
    commands.synthesize(folder, None, out)
    (folder / "a.toml").write_text(minimal("dev", '[[repository]]\nname = "web"\n'))
    asked = loads_spied(monkeypatch)
    for names in (None, ["a"]):
        with pytest.raises(EcrgenError) as caught:
            commands.synthesize(folder, names, out)
        assert [str(p) for p in caught.value.problems] == CLASH_WITH_B
    assert asked == [["a"], ["a"]]  # b's claims came from out/stacks/b/.ecrgen.claims.json


@pytest.mark.node
def test_kept_claims_are_used_only_for_the_file_they_were_made_from(accounts, monkeypatch):
    """A file edited since its output was written, or kept claims that cannot be read, mean loading the
    file again; the clash is found either way."""
    folder = accounts(
        a=minimal("dev", '[[repository]]\nname = "app"\n'),
        b=minimal("dev", '[backend]\npath = "b.tfstate"\n[[repository]]\nname = "api"\n'),
    )
    out = folder.parent / "out"
    commands.synthesize(folder, None, out)
    (folder / "b.toml").write_text(
        minimal("dev", '[backend]\npath = "b.tfstate"\n[[repository]]\nname = "web"\n')
    )
    (folder / "a.toml").write_text(minimal("dev", '[[repository]]\nname = "web"\n'))
    asked = loads_spied(monkeypatch)
    with pytest.raises(EcrgenError) as caught:
        commands.synthesize(folder, ["a"], out)
    assert [str(p) for p in caught.value.problems] == CLASH_WITH_B
    assert asked == [["a"], ["b"]]  # b's file changed: its kept claims are not its claims any more
    (folder / "b.toml").write_text(
        minimal("dev", '[backend]\npath = "b.tfstate"\n[[repository]]\nname = "api"\n')
    )
    (out / "stacks" / "b" / ".ecrgen.claims.json").write_text('{"input": "x"')
    asked.clear()
    written = commands.synthesize(folder, ["a"], out)  # b as it is again: 'api', no clash
    assert asked == [["a"], ["b"]] and [(r.account, r.status) for r in written] == [("a", "written")]


def test_allow_destroy_may_not_alias_another_repository_by_address(accounts):
    with pytest.raises(EcrgenError) as caught:
        load_accounts(accounts(a=minimal("production", 'allow_destroy = ["base_images"]\n' + REPOS)))
    assert [f"{p.path}: {p.message}" for p in caught.value.problems] == [
        "account.allow_destroy[0]: 'base_images' has the Terraform address of the [[repository]] 'base.images', so it "
        "would let that repository be deleted; name the repository exactly, or take it out of allow_destroy"
    ]


def test_a_plan_naming_its_account_as_a_string_is_still_checked(accounts):
    """allowed_account_ids written as one string (not a list) still names the plan's account."""
    document = plan(("app", ["delete"]))
    provider = {"aws": {"expressions": {"allowed_account_ids": {"constant_value": "999999999999"}}}}
    document["configuration"] = {"provider_config": provider}
    found = plan_guard.plan_deletions(account(accounts), document, "p")
    assert [p.message for p in found] == [
        "is a plan for AWS account 999999999999, not for 'a' (123456789012): give the account the plan was made for"
    ]


def test_claims_kept_as_json_read_back_the_same(accounts):
    from ecrgen.config import clashes

    folder = accounts(
        a=minimal(
            "production", REPOS + '[role]\nname = "ci"\ntrusted_services = ["ecs-tasks.amazonaws.com"]\n'
        )
    )
    (loaded,) = load_accounts(folder)
    claims = clashes.claims_of(loaded)
    assert len(claims.claims) > 2
    assert clashes.from_json(clashes.to_json(claims), loaded.file) == claims
    for damaged in (
        "",
        "[]",
        '{"id": "1"}',
        '{"id": "1", "region": "r", "log_group": false, "claims": [[1]]}',
    ):
        assert clashes.from_json(damaged, loaded.file) is None


def test_a_guarded_repository_becoming_mutable_with_exclusion_is_weakened():
    from ecrgen import protections

    guarded = {"Environment": "production", "ecrgen:guarded": "true"}
    change = {
        "address": "aws_ecr_repository.app",
        "change": {
            "actions": ["update"],
            "before": {"name": "demo/app", "image_tag_mutability": "IMMUTABLE", "tags_all": guarded},
            "after": {"image_tag_mutability": "MUTABLE_WITH_EXCLUSION", "tags_all": guarded},
        },
    }
    assert [str(p) for p in protections.dropped([change], "plan.json")] == [
        "plan.json: aws_ecr_repository.app: guarded repository 'demo/app': its tags become MUTABLE_WITH_EXCLUSION "
        "(an image can be pushed over a tag)"
    ]


def test_a_lifecycle_policy_put_on_a_repository_the_plan_imports_is_named(accounts):
    """ECR puts the file's lifecycle policy in place of the one AWS holds for an adopted repository;
    the plan cannot say what AWS holds, so check-plan names it with the command that shows the effect."""
    from ecrgen import takeovers

    loaded = account(accounts, "dev", repos='[[repository]]\nname = "base.images"\nadopt = true\n')

    def imported(policy: dict, importing: bool = True) -> dict:
        repository = {"name": "base.images"}
        return {
            "resource_changes": [
                {
                    "address": "aws_ecr_repository.base_images",
                    "type": "aws_ecr_repository",
                    "name": "base_images",
                    "change": {
                        "actions": ["update"],
                        "importing": {"id": "base.images"} if importing else None,
                        "before": repository,
                    },
                },
                {
                    "address": "aws_ecr_lifecycle_policy.base_images",
                    "type": "aws_ecr_lifecycle_policy",
                    "name": "base_images",
                    "change": {**policy, "after": {"repository": "base.images", "policy": "{}"}},
                },
            ]
        }

    found = takeovers.takeovers(imported({"actions": ["create"]}), loaded, "plan.json")
    assert [str(p) for p in found] == [
        "plan.json: aws_ecr_lifecycle_policy.base_images: the plan imports repository 'base.images' and puts the "
        "file's lifecycle policy on it, in place of any lifecycle policy AWS holds for it (ECR then expires images "
        "by the new rules within 24 hours); before applying, `ecrgen lifecycle-preview a base.images --from-aws` "
        "shows which images they would expire (`ecrgen import` writes AWS's own rules into the file; "
        "`lifecycle = false` leaves AWS's policy as it is)"
    ]
    # An adopted repository the state holds (the plan does not create it): the policy AWS holds is
    # replaced just the same (one adopted with lifecycle = false whose file drops that key later).
    assert [
        p.message for p in takeovers.takeovers(imported({"actions": ["create"]}, False), loaded, "p")
    ] == [
        "the plan puts the file's lifecycle policy on adopted repository 'base.images', which exists (the plan "
        "does not create it), in place of any lifecycle policy AWS holds for it (ECR then expires images by the "
        "new rules within 24 hours); before applying, `ecrgen lifecycle-preview a base.images --from-aws` shows "
        "which images they would expire (`aws ecr get-lifecycle-policy --repository-name base.images` shows "
        "AWS's, to write into the file; `lifecycle = false` leaves AWS's policy as it is)"
    ]
    # One ecrgen created (not adopted): a first policy is a routine edit, AWS holds none of another's.
    created = account(accounts, "dev", repos='[[repository]]\nname = "base.images"\n')
    assert takeovers.takeovers(imported({"actions": ["create"]}, False), created, "p") == []
    # A repository the plan creates has no policy to replace; an imported policy is AWS's own.
    new = imported({"actions": ["create"]}, False)
    new["resource_changes"][0]["change"]["actions"] = ["create"]
    assert takeovers.takeovers(new, loaded, "p") == []
    assert takeovers.takeovers(imported({"actions": ["update"]}), loaded, "p") == []
    both = imported({"actions": ["update"], "importing": {"id": "base.images"}})
    assert takeovers.takeovers(both, loaded, "p") == []


def test_a_repository_policy_on_an_imported_repository_and_a_new_registry_setting_are_named(accounts):
    """ECR puts these whole (Put* APIs): what AWS held and the file does not say ends."""
    from ecrgen import takeovers

    loaded = account(accounts, "dev", repos='[[repository]]\nname = "app"\nadopt = true\n')
    created = {"actions": ["create"]}
    plan = {
        "resource_changes": [
            {
                "address": "aws_ecr_repository.app",
                "type": "aws_ecr_repository",
                "name": "app",
                "change": {"actions": ["update"], "importing": {"id": "app"}, "before": {"name": "app"}},
            },
            {
                "address": "aws_ecr_repository_policy.app",
                "type": "aws_ecr_repository_policy",
                "change": {**created, "after": {"repository": "app"}},
            },
            {
                "address": "aws_ecr_repository_policy.other",
                "type": "aws_ecr_repository_policy",
                "change": {**created, "after": {"repository": "other"}},
            },
            *(
                {"address": f"{kind}.registry", "type": kind, "change": {**created, "after": {}}}
                for kind in (
                    "aws_ecr_replication_configuration",
                    "aws_ecr_registry_policy",
                    "aws_ecr_registry_scanning_configuration",
                )
            ),
            {
                "address": "aws_ecr_registry_policy.updated",
                "type": "aws_ecr_registry_policy",
                "change": {"actions": ["update"], "after": {}},
            },
        ]
    }
    registry = (
        "the plan puts the registry's {} in place of any AWS holds for account 123456789012 in us-east-1: "
    )
    hint = "; `ecrgen import` writes what AWS holds into an account file"
    assert [str(p) for p in takeovers.takeovers(plan, loaded, "plan.json")] == [
        "plan.json: aws_ecr_repository_policy.app: the plan imports repository 'app' and puts the file's repository "
        "policy on it, in place of any repository policy AWS holds for it: access that policy grants and the file "
        "does not (other accounts' pulls, Lambda) ends (`ecrgen import` writes AWS's policy into the file; "
        '`policy = "none"` leaves AWS\'s as it is)',
        "plan.json: aws_ecr_replication_configuration.registry: "
        + registry.format("replication configuration")
        + "replication AWS runs that the file does not list stops (images no longer reach those registries)"
        + hint,
        "plan.json: aws_ecr_registry_policy.registry: "
        + registry.format("registry policy")
        + "grants it holds that the file does not make end (other accounts replicating into this registry)"
        + hint,
        "plan.json: aws_ecr_registry_scanning_configuration.registry: "
        + registry.format("scanning configuration")
        + "scanning rules the file does not list end"
        + hint,
    ]


def test_synth_refuses_a_changed_region_from_the_state_and_writes_nothing(accounts):
    """The wiring: synth reads the stack folder's state, refuses before anything is synthesized."""
    folder = accounts(a=minimal("production", REPOS).replace('region = "us-east-1"', 'region = "eu-west-1"'))
    out = folder.parent / "out"
    (out / "stacks" / "a").mkdir(parents=True)
    (out / "stacks" / "a" / "terraform.tfstate").write_text(json.dumps(state_in("us-east-1", "app")))
    with pytest.raises(EcrgenError) as refused:
        commands.synthesize(folder, None, out)
    assert [(p.path, p.message.split(": ECR cannot")[0]) for p in refused.value.problems] == [
        (
            "account.region",
            f"'eu-west-1', but the Terraform state {out.as_posix()}/stacks/a/terraform.tfstate holds 'app' in us-east-1",
        )
    ]
    assert sorted(p.name for p in (out / "stacks" / "a").iterdir()) == ["terraform.tfstate"]


def test_check_plan_prints_what_the_plan_puts_in_place_of_what_aws_holds(accounts, tmp_path, monkeypatch):
    """The wiring: check-plan lets the plan through (exit 0) and names the takeovers on stderr."""
    monkeypatch.chdir(tmp_path)
    folder = accounts(a=minimal("dev", '[[repository]]\nname = "app"\nadopt = true\n'))
    document = plan(("app", ["update"]))
    document["resource_changes"][0]["change"]["importing"] = {"id": "demo/app"}
    document["planned_values"] = {}
    document["resource_changes"].append(
        {
            "address": "aws_ecr_lifecycle_policy.app",
            "type": "aws_ecr_lifecycle_policy",
            "name": "app",
            "mode": "managed",
            "change": {"actions": ["create"], "before": None, "after": {"repository": "demo/app"}},
        }
    )
    (tmp_path / "plan.json").write_text(json.dumps(document))
    result = CliRunner().invoke(app, ["check-plan", "a", "plan.json", "--accounts-dir", str(folder)])
    assert (result.exit_code, result.stderr.splitlines()) == (
        0,
        [
            "warning: plan.json: aws_ecr_lifecycle_policy.app: the plan imports repository 'demo/app' and puts the "
            "file's lifecycle policy on it, in place of any lifecycle policy AWS holds for it (ECR then expires images "
            "by the new rules within 24 hours); before applying, `ecrgen lifecycle-preview a app --from-aws` shows "
            "which images they would expire (`ecrgen import` writes AWS's own rules into the file; `lifecycle = false` "
            "leaves AWS's policy as it is)"
        ],
    )
    # Refused (it deletes a guarded repository): the warning is still printed, before the error.
    document["resource_changes"].append(
        {
            "address": "aws_ecr_repository.gone",
            "type": "aws_ecr_repository",
            "name": "gone",
            "mode": "managed",
            "change": {
                "actions": ["delete"],
                "before": {"name": "gone", "tags_all": {"ecrgen:guarded": "true"}},
            },
        }
    )
    (tmp_path / "plan.json").write_text(json.dumps(document))
    result = CliRunner().invoke(app, ["check-plan", "a", "plan.json", "--accounts-dir", str(folder)])
    lines = result.stderr.splitlines()
    assert (result.exit_code, [line[:60] for line in lines]) == (
        1,
        [
            "warning: plan.json: aws_ecr_lifecycle_policy.app: the plan i",
            "plan.json: aws_ecr_repository.gone: the plan would delete gu",
            "ecrgen: 1 problem(s) found.",
        ],
    )


def test_a_refused_synth_prints_the_warnings_of_the_same_run_first(accounts, monkeypatch):
    """A refusal does not hide what else the run found: the unprotected repository in the old region
    is named beside the guarded one, as a warning, before the error."""
    folder = accounts(a=minimal("dev", REPOS).replace('region = "us-east-1"', 'region = "eu-west-1"'))
    out = folder.parent / "out"
    (out / "stacks" / "a").mkdir(parents=True)
    held = state_in("us-east-1", "app", "base_images", guarded=("app",))
    (out / "stacks" / "a" / "terraform.tfstate").write_text(json.dumps(held))
    monkeypatch.chdir(folder.parent)
    result = CliRunner().invoke(app, ["synth", "a", "--accounts-dir", "accounts", "--out", "out"])
    lines = result.stderr.splitlines()
    assert result.exit_code == 1, result.output
    assert [line.split(": ECR cannot")[0] for line in lines] == [
        "warning: accounts/a.toml:4: account.region: 'eu-west-1', but the Terraform state "
        "out/stacks/a/terraform.tfstate holds 'base.images' in us-east-1",
        "accounts/a.toml:4: account.region: 'eu-west-1', but the Terraform state out/stacks/a/terraform.tfstate "
        "holds 'app' in us-east-1",
        "ecrgen: 1 problem(s) found; nothing was written.",
    ]


def test_a_tainted_repository_in_the_state_is_named_with_untaint(accounts, tmp_path):
    """A create that failed half-way (or `terraform taint`) leaves the repository tainted in the state:
    the next plan replaces it (images lost), or, under prevent_destroy, Terraform refuses the plan and
    advises disabling prevent_destroy. synth names it and the command that keeps it."""
    from ecrgen import preflight

    (loaded,) = load_accounts(accounts(a=minimal("production") + "\n" + REPOS))
    folder = tmp_path / "stack"
    (folder / "terraform.tfstate.d" / "ws").mkdir(parents=True)
    (folder / "terraform.tfstate").write_text(json.dumps(state_in("us-east-1", "app")))
    other = state_in("us-east-1", "app", "base_images")
    other["resources"][1]["instances"][0]["status"] = "tainted"
    ws = folder / "terraform.tfstate.d" / "ws" / "terraform.tfstate"
    ws.write_text(json.dumps(other))
    state = preflight.deployed(loaded, folder)
    assert state is not None and state.tainted == frozenset({"base_images"})
    assert [str(p) for p in guard.tainted(loaded, state)] == [
        "accounts/a.toml: repository[1].name: 'base.images' (ECR repository 'base_images') is tainted in the "
        f"Terraform state {(folder / 'terraform.tfstate').as_posix()} and {ws.as_posix()} (a create that failed "
        "half-way, or `terraform taint`): the next plan replaces it, deleting it and its images and creating it "
        "empty (where prevent_destroy stands, Terraform refuses that plan instead: keep prevent_destroy); run "
        "`terraform untaint aws_ecr_repository.base_images` in the stack folder, then plan again"
    ]
    assert guard.tainted(loaded, guard.deployed_repositories(state_in("us-east-1", "app"), "s")) == []
    assert guard.tainted(loaded, None) == []  # a remote state: check-plan names the reason from the plan
