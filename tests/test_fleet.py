"""Checks across the fleet (`ecrgen.fleet`): account files of one folder, matched on account id and
region. Exact messages."""

import pytest
from conftest import minimal

from ecrgen import commands
from ecrgen.errors import EcrgenError

SOURCE = "123456789012"
DEST = "210987654321"


def other(extra: str = "") -> str:
    """Account 210987654321 in us-east-1, non-production."""
    return minimal("dev").replace(SOURCE, DEST) + extra


REPLICATES = (
    '[[repository]]\nname = "edge/app"\n[registry]\n'
    f'[[registry.replication]]\ndestinations = [{{ region = "us-east-1", account_id = "{DEST}" }}]\n'
)
PULLS = (
    '[registry]\n[[registry.pull_through_cache]]\nprefix = "shared"\nupstream = "ecr"\n'
    f'registry_url = "{DEST}.dkr.ecr.us-east-1.amazonaws.com"\n'
    'custom_role_arn = "arn:aws:iam::123456789012:role/ecr-pull-through"\n'
    '[[registry.creation_template]]\nprefix = "shared"\napplied_for = ["PULL_THROUGH_CACHE"]\n'
)
TEMPLATE = '[[registry.creation_template]]\nprefix = "edge"\napplied_for = ["REPLICATION"]\n'


def problems(folder, names=None) -> list[str]:
    with pytest.raises(EcrgenError) as caught:
        commands.validate(folder, names)
    return [str(p) for p in caught.value.problems]


def warnings(folder, names=None) -> list[str]:
    return [str(w) for w in commands.validate(folder, names).warnings]


def test_a_replication_destination_in_the_folder_must_grant_the_source(accounts):
    folder = accounts(a=minimal("dev", REPLICATES), b=other())
    expected = [
        "accounts/a.toml: registry.replication[0].destinations[0]: replicates into account 210987654321 "
        "(us-east-1), accounts/b.toml, whose registry does not let 123456789012 replicate: add '123456789012' "
        "to its [registry] replication_source_account_ids (or grant ecr:ReplicateImage in its registry policy)"
    ]
    assert problems(folder) == expected
    assert problems(folder, ["a"]) == expected  # a named validate checks against the folder's other files


def test_a_granting_destination_passes_and_uncovered_repositories_are_listed(accounts):
    grant = f'[registry]\nreplication_source_account_ids = ["{SOURCE}"]\n'
    folder = accounts(a=minimal("dev", REPLICATES), b=other(grant))
    assert warnings(folder) == [
        "accounts/a.toml: registry.replication[0]: replication creates 'edge/app' in account 210987654321 "
        "(us-east-1), accounts/b.toml, with ECR's defaults: no creation template applied for REPLICATION "
        "covers it there"
    ]
    folder = accounts(b=other(grant + TEMPLATE))
    assert warnings(folder) == []


def test_a_destination_outside_the_folder_is_not_checked(accounts):
    assert warnings(accounts(a=minimal("dev", REPLICATES))) == []


def test_an_ecr_upstream_in_the_folder_must_grant_pulls(accounts):
    folder = accounts(a=minimal("dev", PULLS), b=other('[[repository]]\nname = "base"\n'))
    assert problems(folder) == [
        "accounts/a.toml: registry.pull_through_cache[0].registry_url: pulls through from account 210987654321 "
        "(us-east-1), accounts/b.toml, which grants 123456789012 no ecr:BatchGetImage: grant it in its registry "
        "policy ([registry] policy, with policy_scope 'V2') or in its repositories' policies (pull_account_ids)"
    ]
    folder = accounts(b=other(f'[[repository]]\nname = "base"\npull_account_ids = ["{SOURCE}"]\n'))
    assert warnings(folder) == []


def test_pull_through_repositories_no_template_covers_are_listed(accounts):
    text = minimal("dev", '[registry]\n[[registry.pull_through_cache]]\nprefix = "quay"\nupstream = "quay"\n')
    assert warnings(accounts(a=text)) == [
        "accounts/a.toml: registry.pull_through_cache[0].prefix: the repositories this rule creates (quay/...) "
        "get ECR's defaults: no creation template applied for PULL_THROUGH_CACHE covers them"
    ]


ON_PUSH = '[[registry.creation_template]]\nprefix = "ROOT"\napplied_for = ["CREATE_ON_PUSH"]\n'
WARNING = (
    "accounts/a.toml: registry.policy: grants ecr:CreateRepository to {} while a creation template is applied "
    "for CREATE_ON_PUSH: whoever it names can create repositories in this registry by pushing; name the "
    "principals that push"
)


@pytest.mark.parametrize(
    "principal, condition, expected",
    [
        (
            '"*"',
            ', "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}}',
            ["'*' (narrowed to an organization only)"],
        ),
        ('{"AWS": "arn:aws:iam::210987654321:root"}', "", ["'arn:aws:iam::210987654321:root'"]),
        ('{"AWS": "arn:aws:iam::123456789012:role/pusher"}', "", []),
        ('{"AWS": "arn:aws:iam::210987654321:role/pusher"}', "", []),
    ],
)
def test_create_on_push_with_a_broad_create_repository_grant_is_warned(
    accounts, tmp_path, principal, condition, expected
):
    (tmp_path / "iam_policies").mkdir()
    (tmp_path / "iam_policies" / "mine.json.j2").write_text(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": '
        + principal
        + ', "Action": "ecr:CreateRepository", "Resource": "arn:aws:ecr:us-east-1:123456789012:repository/*"'
        + condition
        + "}]}"
    )
    folder = accounts(a=minimal("dev", '[registry]\npolicy = "mine"\n' + ON_PUSH))
    assert warnings(folder) == [WARNING.format(who) for who in expected]


def test_the_examples_pass_the_fleet_checks(monkeypatch):
    from pathlib import Path

    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    fleet = [w for w in warnings(Path("accounts")) if "ECR's defaults" in w or "CREATE_ON_PUSH" in w]
    assert fleet == [
        "accounts/example_registry.toml: registry.pull_through_cache[2].prefix: the repositories this rule "
        "creates (shared/...) get ECR's defaults: no creation template applied for PULL_THROUGH_CACHE covers them",
        "accounts/example_registry.toml: registry.replication[0]: replication creates 'edge/proxy' in account "
        "210987654321 (eu-west-1), accounts/example_nonprod.toml, with ECR's defaults: no creation template "
        "applied for REPLICATION covers it there",
        "accounts/example_registry.toml: registry.policy: grants ecr:CreateRepository to "
        "'arn:aws:iam::210987654321:root' while a creation template is applied for CREATE_ON_PUSH: whoever it "
        "names can create repositories in this registry by pushing; name the principals that push",
    ]


def test_a_destination_that_stops_granting_is_reported_when_only_it_is_checked(accounts):
    """Checking the destination alone (validate b, or a synth of b only) still reports the source whose
    replication its change breaks: the error is on a's file and names b's."""
    grant = f'[registry]\nreplication_source_account_ids = ["{SOURCE}"]\n'
    folder = accounts(a=minimal("dev", REPLICATES + TEMPLATE), b=other(grant + TEMPLATE))
    assert [a.name for a in commands.validate(folder, ["b"]).accounts] == ["b"]  # granted: valid
    (folder / "b.toml").write_text(other(TEMPLATE.replace("[[registry", "[registry]\n[[registry")))
    assert problems(folder, ["b"]) == [
        "accounts/a.toml: registry.replication[0].destinations[0]: replicates into account 210987654321 "
        "(us-east-1), accounts/b.toml, whose registry does not let 123456789012 replicate: add '123456789012' "
        "to its [registry] replication_source_account_ids (or grant ecr:ReplicateImage in its registry policy)"
    ]


def test_fleet_facts_kept_as_json_read_back_the_same():
    from conftest import EXAMPLES

    from ecrgen import fleet

    checked = commands.validate(EXAMPLES)
    for account in checked.accounts:
        facts = fleet.facts_of(account)
        assert fleet.from_json(fleet.to_json(facts), account.file) == facts
    assert any(fleet.facts_of(a).registry for a in checked.accounts)
    for damaged in ("", "{}", '{"id": "1", "region": "r", "registry": {"policy": null}, "repositories": []}'):
        assert fleet.from_json(damaged, "x.toml") is None


@pytest.mark.node
def test_a_synth_of_the_changed_destination_checks_the_source_from_what_was_kept(accounts, monkeypatch):
    """synth --all after only b changed: a's fleet facts come from beside its output (not loaded and
    rendered again), and b's change that breaks a's replication is still refused (issue 24, item 4)."""
    from ecrgen.config import load

    grant = f'[registry]\nreplication_source_account_ids = ["{SOURCE}"]\n'
    folder = accounts(
        a=minimal("dev", REPLICATES + TEMPLATE), b=other('[backend]\npath = "b.tfstate"\n' + grant + TEMPLATE)
    )
    out = folder.parent / "out"
    commands.synthesize(folder, None, out)
    (folder / "b.toml").write_text(other('[backend]\npath = "b.tfstate"\n[registry]\n' + TEMPLATE))
    asked = []
    real = load.load_each
    monkeypatch.setattr(load, "load_each", lambda d, names=None: asked.append(names) or real(d, names))
    with pytest.raises(EcrgenError) as caught:
        commands.synthesize(folder, None, out)
    assert [str(p) for p in caught.value.problems] == [
        "accounts/a.toml: registry.replication[0].destinations[0]: replicates into account 210987654321 "
        "(us-east-1), accounts/b.toml, whose registry does not let 123456789012 replicate: add '123456789012' "
        "to its [registry] replication_source_account_ids (or grant ecr:ReplicateImage in its registry policy)"
    ]
    assert asked == [["b"]]


def test_a_destination_listing_the_source_under_policy_none_is_told_what_stops_it(accounts):
    grant = f'[registry]\npolicy = "none"\nreplication_source_account_ids = ["{SOURCE}"]\n'
    folder = accounts(a=minimal("dev", REPLICATES), b=other(grant))
    assert problems(folder) == [
        "accounts/a.toml: registry.replication[0].destinations[0]: replicates into account 210987654321 "
        "(us-east-1), accounts/b.toml, whose registry does not let 123456789012 replicate: its "
        "replication_source_account_ids lists '123456789012', but its policy = 'none' makes no registry policy "
        "to grant it: remove policy = 'none' (the built-in registry policy grants the listed accounts)"
    ]
