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


def schema_enums(key: str) -> set[str]:
    """Every enum the editor schema gives `key` (or its items), wherever it stands."""
    found: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for name, value in node.get("properties", {}).items():
                if name == key:
                    for option in [value, value.get("items", {}), *value.get("anyOf", [])]:
                        found.update(option.get("enum", []))
                        found.update(option.get("items", {}).get("enum", []))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(account_schema())
    return found


def ecr_enum(shape: str) -> set[str]:
    import botocore.session

    return set(botocore.session.get_session().get_service_model("ecr").shape_for(shape).enum)


@pytest.mark.parametrize(
    "key, shape, left_out",
    [
        ("image_tag_mutability", "ImageTagMutability", set()),
        ("encryption", "EncryptionType", set()),
        ("upstream", "UpstreamRegistry", set()),
        ("applied_for", "RCTAppliedFor", set()),
        ("frequency", "ScanFrequency", {"MANUAL"}),  # a manual scan is no registry setting
        ("type", "ScanType", set()),
    ],
)
def test_fixed_vocabularies_are_enums_of_aws_values(key, shape, left_out):
    """The schema's enums are AWS's values (botocore's ECR model), never ecrgen's own constants."""
    enums = schema_enums(key)
    assert enums >= ecr_enum(shape) - left_out
    if key != "type":  # `type` is also the backend's (local, s3)
        assert enums == ecr_enum(shape) - left_out


def toml_validator():
    """The schema as an editor applies it to TOML, where 5.0 is a float and never an integer."""
    checker = jsonschema.Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _, value: isinstance(value, int) and not isinstance(value, bool)
    )
    return jsonschema.validators.extend(jsonschema.Draft202012Validator, type_checker=checker)(
        account_schema()
    )


@pytest.mark.parametrize(
    "lifecycle, expected",
    [
        ("{ max_image_count = 5.0 }", "repository[0].lifecycle.max_image_count: 5.0 must be an integer"),
        ("{ rules = [1] }", "repository[0].lifecycle.rules[0]: 1 must be a table"),
    ],
)
def test_schema_and_validate_agree_on_types(accounts, lifecycle, expected):
    from ecrgen import commands
    from ecrgen.errors import EcrgenError

    text = (
        '[account]\nid = "123456789012"\nregion = "us-east-1"\nenvironment = "dev"\nproject = "demo"\n'
        f'[[repository]]\nname = "app"\nlifecycle = {lifecycle}\n'
    )
    folder = accounts(a=text)
    assert list(toml_validator().iter_errors(tomllib.loads(text))) != []
    with pytest.raises(EcrgenError) as caught:
        commands.validate(folder)
    assert [str(p) for p in caught.value.problems] == [f"accounts/a.toml: {expected}"]


def properties() -> list[tuple[str, str, dict]]:
    """(definition, key, property) for every property of the schema."""
    schema = account_schema()
    return [
        (name, key, field)
        for name, definition in [("AccountFile", schema), *schema["$defs"].items()]
        for key, field in definition.get("properties", {}).items()
    ]


def test_every_property_has_a_description():
    assert [(name, key) for name, key, field in properties() if not field.get("description")] == []


def test_the_descriptions_are_the_readmes_words():
    """`ecrgen.config.descriptions` is what `python tests/reference_rows.py` writes from docs/accounts.md (the README's reference)."""
    from reference_rows import default_value, rows

    from ecrgen.config.descriptions import DESCRIPTIONS

    expected = {
        place: (
            notes if default in ("", "none", "required") else f"{notes} (default: {default})",
            default_value(default),
        )
        for place, (default, notes) in rows().items()
    }
    assert DESCRIPTIONS == expected


def test_every_reference_row_is_a_property_with_its_default():
    """Each key the README's reference names is a property of its table; its default is the README's where
    that is a fixed value, and none where it depends on something (production, another key)."""
    from reference_rows import default_value, rows

    from ecrgen.editors import TABLES_OF

    schema = account_schema()
    tables: dict[str, list[dict]] = {"": [schema]}
    for name, table in TABLES_OF.items():
        tables.setdefault(table, []).append(schema["$defs"][name])
    unknown, wrong = [], []
    for (table, key), (default, _) in rows().items():
        fields = [d["properties"][key] for d in tables.get(table, []) if key in d.get("properties", {})]
        if not fields:
            unknown.append((table, key))
        for field in fields:
            value = default_value(default)
            if value is not None and field.get("default") != value:
                wrong.append((table, key, field.get("default"), value))
            if "production" in default and "default" in field:
                wrong.append((table, key, field["default"], "depends on production"))
    assert (unknown, wrong) == ([], [])
