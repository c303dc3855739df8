"""[[scanning.rule]]: one rule block each (continuous scanning with ENHANCED only); `continuous` and
`repository_filters` keep working. Exact messages."""

import pytest
from conftest import minimal

from ecrgen.config.load import load_accounts
from ecrgen.errors import EcrgenError


def problems(folder) -> list[str]:
    with pytest.raises(EcrgenError) as caught:
        load_accounts(folder)
    return [str(p) for p in caught.value.problems]


def test_scanning_rules_one_each(accounts):
    text = minimal(
        "dev",
        '[scanning]\ntype = "ENHANCED"\n'
        '[[scanning.rule]]\nfrequency = "CONTINUOUS_SCAN"\nfilters = ["prod-*"]\n'
        '[[scanning.rule]]\nfrequency = "SCAN_ON_PUSH"\n',
    )
    (account,) = load_accounts(accounts(a=text))
    assert account.scanning.scanning_rules == (("CONTINUOUS_SCAN", ("prod-*",)), ("SCAN_ON_PUSH", ("*",)))


@pytest.mark.parametrize(
    "keys, expected",
    [
        (
            'type = "ENHANCED"\ncontinuous = true\nrepository_filters = ["a*"]\n',
            (("CONTINUOUS_SCAN", ("a*",)),),
        ),
        ("", (("SCAN_ON_PUSH", ("*",)),)),
    ],
)
def test_continuous_and_repository_filters_keep_working(accounts, keys, expected):
    (account,) = load_accounts(accounts(a=minimal("dev", "[scanning]\n" + keys)))
    assert account.scanning.scanning_rules == expected


@pytest.mark.parametrize(
    "keys, expected",
    [
        (
            '[[scanning.rule]]\nfrequency = "CONTINUOUS_SCAN"\n',
            [
                "scanning.rule[0].frequency: 'CONTINUOUS_SCAN' is not allowed with type 'BASIC': basic scanning "
                "supports SCAN_ON_PUSH only (use type 'ENHANCED')"
            ],
        ),
        (
            'type = "ENHANCED"\n' + '[[scanning.rule]]\nfrequency = "SCAN_ON_PUSH"\n' * 3,
            ["scanning.rule: has 3 rules; ECR allows at most 2"],
        ),
        (
            '[[scanning.rule]]\nfrequency = "SCAN_ON_PUSH"\nfilters = []\n',
            ["scanning.rule[0].filters: has 0 filters; ECR allows 1 to 100"],
        ),
        (
            '[[scanning.rule]]\nfrequency = "SCAN_ON_PUSH"\nfilters = ["App"]\n',
            [
                "scanning.rule[0].filters[0]: 'App' is not a repository filter "
                "(lowercase name characters and * wildcards)"
            ],
        ),
        (
            '[[scanning.rule]]\nfrequency = "MANUAL"\n',
            [
                "scanning.rule[0].frequency: 'MANUAL' is not allowed (allowed: 'SCAN_ON_PUSH' or 'CONTINUOUS_SCAN')"
            ],
        ),
        (
            'type = "ENHANCED"\ncontinuous = true\nrepository_filters = ["a*"]\n'
            '[[scanning.rule]]\nfrequency = "SCAN_ON_PUSH"\n',
            [
                "scanning.rule: is not allowed with continuous and repository_filters: [[scanning.rule]] tables "
                "give every rule (frequency and filters); move them into a rule"
            ],
        ),
    ],
)
def test_scanning_rule_problems(accounts, keys, expected):
    assert problems(accounts(a=minimal("dev", "[scanning]\n" + keys))) == [
        f"accounts/a.toml: {e}" for e in expected
    ]
