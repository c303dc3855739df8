"""The TOML writer of `ecrgen import`: every document it is given reads back the same with tomllib, and
its layout (sections near the top, inline tables below, long arrays of tables one per line) is pinned."""

from __future__ import annotations

import tomllib

import pytest
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from ecrgen.importer.toml_text import dumps, string

keys = st.text(max_size=12)
scalars = st.one_of(st.text(max_size=20), st.integers(min_value=-(2**63), max_value=2**63 - 1), st.booleans())
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=examples(300), deadline=None)
@given(st.dictionaries(keys, values, max_size=6))
def test_every_document_reads_back_the_same(document):
    assert tomllib.loads(dumps(document, "a comment\nover two lines")) == document


@given(st.text())
def test_every_string_reads_back_the_same(text):
    assert tomllib.loads(f"x = {string(text)}") == {"x": text}


def test_control_characters_quotes_and_backslashes_are_escaped():
    assert string('a"b\\c\n\t\x00\x7f\x1fé') == '"a\\"b\\\\c\\n\\t\\u0000\\u007f\\u001fé"'


def test_the_layout():
    document = {
        "account": {"id": "123456789012", "region": "eu-west-1"},
        "tags": {"Cost Center": "42"},
        "repository": [
            {
                "name": "team/app",
                "adopt": True,
                "lifecycle": {
                    "rules": [
                        {
                            "rulePriority": 1,
                            "selection": {
                                "tagStatus": "any",
                                "countType": "imageCountMoreThan",
                                "countNumber": 10,
                            },
                            "action": {"type": "expire"},
                        },
                    ]
                },
            },
            {"name": "bare", "lifecycle": False},
        ],
        "registry": {
            "replication": [{"destinations": [{"region": "eu-central-1"}], "prefixes": ["team"]}],
            "creation_template": [
                {"prefix": "ROOT", "lifecycle": {"rules": []}, "resource_tags": {"a": "b"}}
            ],
        },
    }
    assert dumps(document, "Written by a test") == (
        "# Written by a test\n"
        "\n"
        "[account]\n"
        'id = "123456789012"\n'
        'region = "eu-west-1"\n'
        "\n"
        "[tags]\n"
        '"Cost Center" = "42"\n'
        "\n"
        "[[repository]]\n"
        'name = "team/app"\n'
        "adopt = true\n"
        "\n"
        "[repository.lifecycle]\n"
        "rules = [\n"
        '  { rulePriority = 1, selection = { tagStatus = "any", countType = "imageCountMoreThan", countNumber = 10 }, action = { type = "expire" } },\n'
        "]\n"
        "\n"
        "[[repository]]\n"
        'name = "bare"\n'
        "lifecycle = false\n"
        "\n"
        "[[registry.replication]]\n"
        'destinations = [{ region = "eu-central-1" }]\n'
        'prefixes = ["team"]\n'
        "\n"
        "[[registry.creation_template]]\n"
        'prefix = "ROOT"\n'
        "\n"
        "[registry.creation_template.lifecycle]\n"
        "rules = []\n"
        "\n"
        "[registry.creation_template.resource_tags]\n"
        'a = "b"\n'
    )
    assert tomllib.loads(dumps(document)) == document


@pytest.mark.parametrize("value", [None, 1.5])
def test_values_an_account_file_cannot_hold_are_refused(value):
    with pytest.raises(TypeError):
        dumps({"x": value})
