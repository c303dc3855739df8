"""The account file's JSON Schema, for editors (Even Better TOML / taplo) and other tools.

Generated at run time from the pydantic models in `ecrgen.config.schema`, so it never falls behind them.
It checks keys and types only; the AWS rules (names, lifecycle rules, policies) stay with
`ecrgen validate`.
"""

from __future__ import annotations

from typing import Any

from ecrgen import __version__
from ecrgen.config.schema import AccountFile


def account_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of `accounts/<ACCOUNT>.toml`."""
    schema = AccountFile.model_json_schema()
    for definition in [schema, *schema.get("$defs", {}).values()]:
        _allow_switches(definition)
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
