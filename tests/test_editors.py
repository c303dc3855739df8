"""The account file's JSON Schema (for editors) is generated from the models: it accepts every example
and rejects a typo, as `ecrgen validate` does."""

import json
import tomllib

import jsonschema
import pytest
from conftest import EXAMPLES, ROOT
from typer.testing import CliRunner

from ecrgen.cli import app
from ecrgen.editors import account_schema

FILES = sorted(EXAMPLES.glob("*.toml")) + sorted((ROOT / "tests" / "accounts").glob("*.toml"))


def validator():
    schema = account_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_schema_accepts_the_example_account_files(path):
    errors = list(validator().iter_errors(tomllib.loads(path.read_text())))
    assert errors == []


def test_schema_rejects_a_typo_d_key():
    document = tomllib.loads((EXAMPLES / "example_nonprod.toml").read_text())
    document["repository"][0]["scan_on_pusj"] = True
    errors = list(validator().iter_errors(document))
    assert [(list(e.path), e.validator) for e in errors] == [(["repository", 0], "additionalProperties")]
    assert "'scan_on_pusj' was unexpected" in errors[0].message


def test_schema_accepts_lifecycle_false_and_rejects_wrong_types():
    document = {
        "account": {"id": "123456789012", "region": "us-east-1", "environment": "dev", "project": "p"},
        "repository": [{"name": "a", "lifecycle": False}],
    }
    assert list(validator().iter_errors(document)) == []
    document["repository"][0]["scan_on_push"] = "yes"
    assert [e.validator for e in validator().iter_errors(document)] == [
        "anyOf"
    ]  # Optional[bool]: not a boolean


def test_ecrgen_schema_prints_it():
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == account_schema()


def test_taplo_config_points_at_the_generated_schema():
    taplo = tomllib.loads((ROOT / ".taplo.toml").read_text())
    assert taplo["rule"][0]["include"] == ["accounts/*.toml"]
    assert taplo["rule"][0]["schema"]["path"] == "./ecrgen.schema.json"
