"""`[alerts]` rule_name, target_id and adopt (a migration from the old modules must end with one alert
path): their defaults, their checks (every problem at once, with file, field path, value and rule), the
Terraform floor that import blocks need, the import blocks themselves, the clash between two files naming
one rule, and the editor schema. No synthesis here: tests/ecr/test_constructs.py has the emitted JSON."""

import pytest
from conftest import minimal

from ecrgen import ownership
from ecrgen.config.load import load_accounts
from ecrgen.editors import account_schema
from ecrgen.errors import EcrgenError

ALERTS = '[alerts]\nsqs_queue_name = "security-alerts"\n'


def problems(folder, names=None) -> list[str]:
    with pytest.raises(EcrgenError) as caught:
        load_accounts(folder, names)
    return [str(p) for p in caught.value.problems]


def test_the_defaults_are_todays_rule_and_target(accounts):
    (account,) = load_accounts(accounts(shop=minimal("dev", ALERTS)))
    assert (account.alerts.rule_name, account.alerts.target_id, account.alerts.adopt) == (
        "shop-ecr-scan-findings",
        "sqs",
        False,
    )
    assert ownership.import_blocks(account) == []
    assert account.terraform_version == ">= 1.5.0"


def test_adopt_imports_the_rule_and_its_sqs_target(accounts):
    extra = ALERTS + 'rule_name = "canvas-ta-ecr-scan-alerts"\ntarget_id = "SendToSQS"\nadopt = true\n'
    (account,) = load_accounts(accounts(shop=minimal("dev", extra)))
    assert (account.alerts.rule_name, account.alerts.target_id, account.alerts.adopt) == (
        "canvas-ta-ecr-scan-alerts",
        "SendToSQS",
        True,
    )
    assert ownership.import_blocks(account) == [
        {"to": "aws_cloudwatch_event_rule.scan_findings", "id": "canvas-ta-ecr-scan-alerts"},
        {
            "to": "aws_cloudwatch_event_target.scan_findings_sqs",
            "id": "default/canvas-ta-ecr-scan-alerts/SendToSQS",
        },
    ]


def test_adopting_the_default_rule_imports_it_by_its_derived_name(accounts):
    (account,) = load_accounts(accounts(shop=minimal("dev", ALERTS + "adopt = true\n")))
    assert [block["id"] for block in ownership.import_blocks(account)] == [
        "shop-ecr-scan-findings",
        "default/shop-ecr-scan-findings/sqs",
    ]


@pytest.mark.parametrize(
    "constraint, emitted",
    [(">= 1.5.0", ">= 1.5.0"), (">= 1.3", ">= 1.3, >= 1.5.0"), ("~> 1.4", "~> 1.4, >= 1.5.0")],
)
def test_adopting_the_alert_raises_the_terraform_floor_as_repositories_do(accounts, constraint, emitted):
    text = minimal("dev", ALERTS + "adopt = true\n").replace(
        'project = "demo"', f'project = "demo"\nterraform_version = "{constraint}"'
    )
    (account,) = load_accounts(accounts(shop=text))
    assert account.terraform_version == emitted
    (plain,) = load_accounts(accounts(shop=text.replace("adopt = true\n", "")))
    assert plain.terraform_version == constraint


def test_a_constraint_below_import_blocks_is_refused_for_the_alert_too(accounts):
    text = minimal("dev", ALERTS + "adopt = true\n").replace(
        'project = "demo"', 'project = "demo"\nterraform_version = "< 1.5"'
    )
    assert problems(accounts(shop=text)) == [
        "accounts/shop.toml: account.terraform_version: '< 1.5' admits no Terraform version from 1.5.0, which "
        "adopt (import blocks) needs; allow >= 1.5.0, or take adopt out"
    ]


def test_every_bad_key_is_reported_at_once(accounts):
    extra = ALERTS + 'rule_name = "ecr scan findings"\ntarget_id = "send/to/sqs"\nseverities = ["SEVERE"]\n'
    assert problems(accounts(shop=minimal("dev", extra))) == [
        "accounts/shop.toml: alerts.severities[0]: 'SEVERE' is not allowed (allowed: INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL, UNDEFINED)",
        "accounts/shop.toml: alerts.rule_name: 'ecr scan findings' is not a valid EventBridge rule name (1-64 chars: letters, digits, . - and _)",
        "accounts/shop.toml: alerts.target_id: 'send/to/sqs' is not a valid EventBridge target id (1-64 chars: letters, digits, . - and _)",
    ]


def test_too_long_names_and_wrong_types(accounts):
    extra = ALERTS + f'rule_name = "{"r" * 65}"\ntarget_id = "{"t" * 65}"\n'
    assert problems(accounts(shop=minimal("dev", extra))) == [
        f"accounts/shop.toml: alerts.rule_name: '{'r' * 65}' is not a valid EventBridge rule name (1-64 chars: letters, digits, . - and _)",
        f"accounts/shop.toml: alerts.target_id: '{'t' * 65}' is not a valid EventBridge target id (1-64 chars: letters, digits, . - and _)",
    ]
    (line,) = problems(accounts(shop=minimal("dev", ALERTS + 'adopt = "yes"\n')))
    assert line.startswith("accounts/shop.toml: alerts.adopt: ")


def test_a_rule_name_of_its_own_frees_a_long_account_name(accounts):
    long_name = "a" * 47
    folder = accounts(**{long_name: minimal("dev", ALERTS + 'rule_name = "ecr-scan-findings"\n')})
    (account,) = load_accounts(folder, [long_name])
    assert account.alerts.rule_name == "ecr-scan-findings"


def test_two_files_naming_one_rule_clash(accounts):
    folder = accounts(
        a=minimal("dev", ALERTS + 'rule_name = "ecr-findings"\n'),
        b=minimal("dev", ALERTS + 'rule_name = "ecr-findings"\n'),
        # The configured name against another file's derived one.
        c=minimal("dev", ALERTS + 'rule_name = "d-ecr-scan-findings"\n'),
        d=minimal("dev", ALERTS),
        # Another region has a default bus of its own.
        e=minimal("dev", ALERTS + 'rule_name = "ecr-findings"\n').replace("us-east-1", "eu-west-1"),
    )
    assert problems(folder) == [
        "accounts/b.toml: alerts.rule_name: the EventBridge rule 'ecr-findings' of account 123456789012 in us-east-1 is also made by "
        "accounts/a.toml (alerts.rule_name); rule names are unique on an event bus, and two stacks would overwrite each other's rule",
        "accounts/d.toml: alerts.rule_name: the EventBridge rule 'd-ecr-scan-findings' of account 123456789012 in us-east-1 is also made by "
        "accounts/c.toml (alerts.rule_name); rule names are unique on an event bus, and two stacks would overwrite each other's rule",
    ]


def test_the_editor_schema_knows_the_keys():
    alerts = account_schema()["$defs"]["AlertsTable"]["properties"]
    without_words = {
        key: {k: v for k, v in field.items() if k != "description"} for key, field in alerts.items()
    }
    assert without_words["adopt"] == {"default": False, "title": "Adopt", "type": "boolean"}
    assert without_words["target_id"] == {"default": "sqs", "title": "Target Id", "type": "string"}
    assert alerts["adopt"]["description"].startswith("the rule and its SQS target exist already")
    assert alerts["rule_name"]["anyOf"] == [{"type": "string"}, {"type": "null"}]
