"""A production creation template for PULL_THROUGH_CACHE with no mutability key stays IMMUTABLE, and
`validate` warns (naming image_tag_mutability and AWS's reason); an explicit mode silences it."""

import pytest
from conftest import minimal

from ecrgen import commands

TEMPLATE = (
    '[registry]\n[[registry.creation_template]]\nprefix = "hub"\napplied_for = ["PULL_THROUGH_CACHE"]\n'
    'lifecycle = { protected_tags = ["v*"] }\n'
)
WARNING = (
    "accounts/a.toml: registry.creation_template[0].image_tag_mutability: is IMMUTABLE (the production default) "
    "for repositories the pull through cache creates: cached images stay in sync with the upstream only while "
    "their tags are mutable; set image_tag_mutability (e.g. MUTABLE, or MUTABLE_WITH_EXCLUSION with "
    "immutable_tags) to choose, which silences this warning"
)


def test_a_production_pull_through_template_without_a_mode_is_warned(accounts):
    checked = commands.validate(accounts(a=minimal("production", TEMPLATE)))
    assert [str(w) for w in checked.warnings] == [WARNING]
    (template,) = checked.accounts[0].registry.creation_templates
    assert template.image_tag_mutability == "IMMUTABLE"


@pytest.mark.parametrize(
    "environment, keys",
    [
        ("production", 'image_tag_mutability = "IMMUTABLE"\n'),
        ("production", 'image_tag_mutability = "MUTABLE"\n'),
        ("production", 'mutable_tags = ["latest"]\n'),
        ("production", 'image_tag_mutability = "MUTABLE_WITH_EXCLUSION"\nimmutable_tags = ["v*"]\n'),
        ("dev", ""),  # MUTABLE by default outside production
    ],
)
def test_an_explicit_mode_or_non_production_is_not_warned(accounts, environment, keys):
    assert commands.validate(accounts(a=minimal(environment, TEMPLATE + keys))).warnings == ()


def test_other_uses_are_not_warned(accounts):
    text = minimal("production", TEMPLATE.replace("PULL_THROUGH_CACHE", "REPLICATION"))
    assert commands.validate(accounts(a=text)).warnings == ()
