"""Tag mutability with exclusions both ways: `mutable_tags` (IMMUTABLE_WITH_EXCLUSION, implied) and
`immutable_tags` (MUTABLE_WITH_EXCLUSION, which must be written: never mutable by inference). Exact
messages, one account file each."""

import pytest
from conftest import minimal

from ecrgen.config.load import load_accounts
from ecrgen.errors import EcrgenError

REPO = '[[repository]]\nname = "app"\n'


def problems(folder) -> list[str]:
    with pytest.raises(EcrgenError) as caught:
        load_accounts(folder)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("environment", ["production", "dev"])
def test_mutable_with_exclusion_keeps_the_immutable_tags(accounts, environment):
    text = minimal(
        environment,
        REPO + 'image_tag_mutability = "MUTABLE_WITH_EXCLUSION"\nimmutable_tags = ["v*", "release-*"]\n',
    )
    (app,) = load_accounts(accounts(a=text))[0].repositories
    assert (app.image_tag_mutability, app.immutable_tags, app.mutable_tags) == (
        "MUTABLE_WITH_EXCLUSION",
        ("v*", "release-*"),
        (),
    )
    assert app.exclusion_filters == ("v*", "release-*")


def test_defaults_and_creation_templates_take_immutable_tags(accounts):
    text = minimal(
        "dev",
        '[defaults]\nimage_tag_mutability = "MUTABLE_WITH_EXCLUSION"\nimmutable_tags = ["v*"]\n'
        + REPO
        + '[registry]\n[[registry.creation_template]]\nprefix = "cache"\napplied_for = ["REPLICATION"]\n'
        'image_tag_mutability = "MUTABLE_WITH_EXCLUSION"\nimmutable_tags = ["stable"]\n',
    )
    (account,) = load_accounts(accounts(a=text))
    (app,) = account.repositories
    (template,) = account.registry.creation_templates
    assert (app.image_tag_mutability, app.immutable_tags) == ("MUTABLE_WITH_EXCLUSION", ("v*",))
    assert (template.image_tag_mutability, template.immutable_tags) == ("MUTABLE_WITH_EXCLUSION", ("stable",))


@pytest.mark.parametrize(
    "keys, expected",
    [
        (
            'immutable_tags = ["v*"]\n',
            "repository[0].immutable_tags: needs image_tag_mutability = 'MUTABLE_WITH_EXCLUSION' (written out): "
            "immutable_tags never make a repository mutable by themselves",
        ),
        (
            'image_tag_mutability = "IMMUTABLE"\nimmutable_tags = ["v*"]\n',
            "repository[0].immutable_tags: needs image_tag_mutability = 'MUTABLE_WITH_EXCLUSION' (not 'IMMUTABLE'): "
            "immutable_tags never make a repository mutable by themselves",
        ),
        (
            'image_tag_mutability = "MUTABLE_WITH_EXCLUSION"\n',
            "repository[0].immutable_tags: is required with image_tag_mutability 'MUTABLE_WITH_EXCLUSION' "
            "(1 to 5 tag filters)",
        ),
        (
            'image_tag_mutability = "MUTABLE_WITH_EXCLUSION"\nmutable_tags = ["latest"]\nimmutable_tags = ["v*"]\n',
            "repository[0].immutable_tags: is not allowed with mutable_tags: list the tags that stay mutable "
            "(mutable_tags, IMMUTABLE_WITH_EXCLUSION) or those that stay immutable (immutable_tags, "
            "MUTABLE_WITH_EXCLUSION), not both",
        ),
        (
            'image_tag_mutability = "MUTABLE_WITH_EXCLUSION"\nmutable_tags = ["latest"]\n',
            "repository[0].mutable_tags: is not allowed with image_tag_mutability 'MUTABLE_WITH_EXCLUSION' "
            "(every tag is mutable already); use IMMUTABLE with mutable_tags",
        ),
        (
            'image_tag_mutability = "MUTABLE_WITH_EXCLUSION"\nimmutable_tags = ["a", "b", "c", "d", "e", "f"]\n',
            "repository[0].immutable_tags: has 6 filters; ECR allows at most 5 exclusion filters",
        ),
        (
            'image_tag_mutability = "MUTABLE_WITH_EXCLUSION"\nimmutable_tags = ["bad tag"]\n',
            "repository[0].immutable_tags[0]: 'bad tag' is not a valid tag filter "
            "(1-128 chars: letters, digits, . _ - and * wildcards)",
        ),
        (
            'image_tag_mutability = "MUTABLE_WITH_EXCLUSION"\nimmutable_tags = []\n',
            "repository[0].immutable_tags: must list 1 to 5 tag filters (or leave it out)",
        ),
    ],
)
def test_immutable_tags_problems(accounts, keys, expected):
    assert problems(accounts(a=minimal("production", REPO + keys))) == [f"accounts/a.toml: {expected}"]


def test_immutable_tags_in_defaults_are_reported_once_there(accounts):
    text = minimal(
        "production", '[defaults]\nimmutable_tags = ["v*"]\n' + REPO + '[[repository]]\nname = "two"\n'
    )
    assert problems(accounts(a=text)) == [
        "accounts/a.toml: defaults.immutable_tags: needs image_tag_mutability = 'MUTABLE_WITH_EXCLUSION' "
        "(written out): immutable_tags never make a repository mutable by themselves"
    ]


def test_a_production_repository_stays_immutable_without_the_mode(accounts):
    (app,) = load_accounts(accounts(a=minimal("production", REPO)))[0].repositories
    assert (app.image_tag_mutability, app.immutable_tags) == ("IMMUTABLE", ())
