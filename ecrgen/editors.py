"""The account file's JSON Schema, for editors (Even Better TOML / taplo) and other tools.

Generated at run time from the pydantic models in `ecrgen.config.schema`, so it never falls behind them.
It checks keys and types only; the AWS rules (names, lifecycle rules, policies) stay with
`ecrgen validate`.
"""

from __future__ import annotations

from typing import Any

from ecrgen import __version__
from ecrgen.config.schema import AccountFile
from ecrgen.rules.creation_templates import APPLIED_FOR
from ecrgen.rules.pull_through_cache import UPSTREAMS


def account_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of `accounts/<ACCOUNT>.toml`."""
    schema = AccountFile.model_json_schema()
    for definition in [schema, *schema.get("$defs", {}).values()]:
        _allow_switches(definition)
        _vocabularies(definition)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "ecrgen account file (accounts/<ACCOUNT>.toml)",
        "description": f"Keys and types of an ecrgen {__version__} account file; "
        "`ecrgen validate` checks the AWS rules.",
        **{key: value for key, value in schema.items() if key != "title"},
    }


def _allow_switches(definition: dict[str, Any]) -> None:
    """`lifecycle = false` is accepted as short for `[... .lifecycle] enabled = false`
    (`ecrgen.config.schema.lifecycle_switch`), so a table there may also be a boolean."""
    field = definition.get("properties", {}).get("lifecycle")
    if field is not None and "anyOf" in field and {"type": "boolean"} not in field["anyOf"]:
        field["anyOf"].insert(0, {"type": "boolean"})


# Fixed vocabularies that `ecrgen validate` checks with its own messages (the models keep them strings):
# the editor schema lists them as enums too.
VOCABULARIES = {"upstream": tuple(UPSTREAMS), "applied_for": APPLIED_FOR}


def _vocabularies(definition: dict[str, Any]) -> None:
    """`upstream` and `applied_for`'s items as enums of the values `ecrgen validate` accepts."""
    for key, values in VOCABULARIES.items():
        field = definition.get("properties", {}).get(key)
        if field is None:
            continue
        target = field.get("items", field)
        target["enum"] = list(values)
