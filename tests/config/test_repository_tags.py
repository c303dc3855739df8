"""[[repository]] tags: the repository's own tags, AWS's tag rules, counted with the provider's default
tags against AWS's 50 (a repository tag of a default tag's key replaces it). Exact messages."""

import pytest
from conftest import minimal

from ecrgen.config.load import load_accounts
from ecrgen.errors import EcrgenError

REPO = '[[repository]]\nname = "app"\n'


def problems(folder) -> list[str]:
    with pytest.raises(EcrgenError) as caught:
        load_accounts(folder)
    return [str(p) for p in caught.value.problems]


def test_repository_tags(accounts):
    text = minimal("dev", REPO + 'tags = { Team = "payments", Project = "own" }\n')
    (app,) = load_accounts(accounts(a=text))[0].repositories
    assert app.tags == (("Project", "own"), ("Team", "payments"))


def test_defaults_tags_apply_unless_a_repository_has_its_own(accounts):
    text = minimal(
        "dev",
        '[defaults]\ntags = { Team = "a" }\n' + REPO + '[[repository]]\nname = "bb"\ntags = { Team = "b" }\n',
    )
    a, b = load_accounts(accounts(a=text))[0].repositories
    assert (a.tags, b.tags) == ((("Team", "a"),), (("Team", "b"),))


def tags(count: int, first: int = 0) -> str:
    return "{ " + ", ".join(f'k{i} = "v"' for i in range(first, first + count)) + " }"


@pytest.mark.parametrize(
    "environment, extra, keys, expected",
    [
        (
            "dev",
            "",
            f"tags = {tags(48)}\n",
            "repository[0].tags: has 48 tags; with the provider's default tags (Project, Environment, ManagedBy and "
            "[tags]) that makes 51 and AWS allows 50",
        ),
        (
            "production",
            '[tags]\nOwner = "x"\n',
            f"tags = {tags(46)}\n",
            "repository[0].tags: has 46 tags; with the provider's default tags (Project, Environment, ManagedBy and "
            "[tags]) and ecrgen:guarded that makes 51 and AWS allows 50",
        ),
        (
            "dev",
            "",
            'tags = { "aws:team" = "x" }\n',
            "repository[0].tags.\"aws:team\": 'aws:team' is not a valid tag key (1-128 chars: letters, digits, spaces and "
            "_ . : / = + - @; not starting with 'aws:')",
        ),
        (
            "dev",
            "",
            'tags = { Team = "a#b" }\n',
            "repository[0].tags.Team: 'a#b' is not a valid tag value (0-256 chars: letters, digits, spaces and "
            "_ . : / = + - @)",
        ),
        (
            "dev",
            "",
            'tags = { "ecrgen:guarded" = "false" }\n',
            "repository[0].tags.ecrgen:guarded: 'ecrgen:guarded' is ecrgen's own tag (on guarded repositories); "
            "use another key",
        ),
    ],
)
def test_repository_tag_problems(accounts, environment, extra, keys, expected):
    text = minimal(environment, REPO + keys)
    if extra:
        text = text.replace("[[repository]]", extra + "[[repository]]", 1)
    assert problems(accounts(a=text)) == [f"accounts/a.toml: {expected}"]


def test_a_repository_tag_of_a_default_key_is_counted_once(accounts):
    text = minimal("dev", REPO + f'tags = {tags(46)[:-2]}, Project = "p" }}\n')
    assert len(load_accounts(accounts(a=text))[0].repositories[0].tags) == 47
