"""Account files -> resolved accounts. All validation of user input; no CDKTF import.

`load_accounts` reads every named file, reports every problem of every file at once (one
`EcrgenError`), and returns frozen `ecrgen.model.Account` objects.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from pydantic import ValidationError

from ecrgen.config import schema
from ecrgen.config.clashes import clashes
from ecrgen.config.files import read, select
from ecrgen.config.model import Account
from ecrgen.config.resolve import resolve
from ecrgen.errors import EcrgenError, Problem, show

ACCOUNT_NAME = re.compile(r"[A-Za-z0-9_-]+")
_TYPES = {
    "string_type": "a string",
    "bool_type": "true or false",
    "int_type": "an integer",
    "list_type": "a list",
    "dict_type": "a table",
    "model_type": "a table",
    "model_attributes_type": "a table",
    "float_type": "a number",
}


def load_accounts(accounts_dir: Path, names: list[str] | None = None) -> list[Account]:
    """The named accounts (all when `names` is empty), or one EcrgenError listing every problem."""
    loaded, problems = load_all(accounts_dir, names)
    if problems:
        raise EcrgenError(problems)
    return loaded


def load_all(accounts_dir: Path, names: list[str] | None = None) -> tuple[list[Account], list[Problem]]:
    """The named accounts that are valid, and every problem of the others (so later stages can
    check the valid ones and report everything at once)."""
    loaded, problems = [], []
    for path in select(accounts_dir, names).values():
        try:
            loaded.append(load_account(path))
        except EcrgenError as error:
            problems.extend(error.problems)
    problems.extend(clashes(loaded))
    return loaded, problems


def load_account(path: Path) -> Account:
    """One account file, read, parsed and resolved. A UTF-8 byte order mark is accepted."""
    file = str(path)
    if not ACCOUNT_NAME.fullmatch(path.stem):
        raise EcrgenError(
            [Problem(file, "", f"{show(path.stem)} is not a valid account name (letters, digits, _ and -)")]
        )
    source = read(path)
    try:
        raw = tomllib.loads(source.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise EcrgenError(
            [
                Problem(
                    file, "", f"is not UTF-8 text (byte {source[error.start]:#04x} at offset {error.start})"
                )
            ]
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise EcrgenError([Problem(file, "", f"is not valid TOML: {error}")]) from None
    raw = _switches(raw)
    try:
        return resolve(path.stem, file, schema.AccountFile.model_validate(raw))
    except ValidationError as error:
        errors = error.errors()
    shape = list(dict.fromkeys(_problem(file, e) for e in errors))
    try:  # Report the other problems too: drop the keys of the wrong shape and resolve the rest.
        resolve(path.stem, file, schema.AccountFile.model_validate(_pruned(raw, errors)))
    except ValidationError:
        pass
    except EcrgenError as more:
        dropped = [field_path(tuple(e["loc"])) for e in errors]
        shape += [p for p in more.problems if p not in shape and not _follows_from(p.path, dropped)]
    raise EcrgenError(shape)


def _follows_from(path: str, dropped: list[str]) -> bool:
    """A problem of the table that held a dropped key (or of the key itself) may only be a consequence
    of dropping it, such as "nobody could assume it" after a type error in [role]: not reported."""
    return any(d == path or d.startswith((path + ".", path + "[")) for d in dropped)


def _switches(raw: dict) -> dict:
    out = dict(raw)
    if isinstance(out.get("defaults"), dict):
        out["defaults"] = schema.lifecycle_switch(out["defaults"])
    if isinstance(out.get("repository"), list):
        out["repository"] = [
            schema.lifecycle_switch(r) if isinstance(r, dict) else r for r in out["repository"]
        ]
    registry = out.get("registry")
    if isinstance(registry, dict) and isinstance(registry.get("creation_template"), list):
        out["registry"] = {
            **registry,
            "creation_template": [
                schema.lifecycle_switch(t) if isinstance(t, dict) else t
                for t in registry["creation_template"]
            ],
        }
    return out


def _pruned(raw: dict, errors: list[dict]) -> dict:
    """A copy of `raw` without the keys that failed the shape check (list items are kept). A required
    string key (wrong type or missing) gets a placeholder instead, so that the rest still resolves: its
    text for a number or boolean (`id = 123456789012`), else "". Problems the placeholder itself causes
    are on the pruned path, which `load_account` drops."""
    import copy

    pruned = copy.deepcopy(raw)
    for error in errors:
        *parents, last = error["loc"]
        node = pruned
        for part in parents:
            node = node[part] if isinstance(node, (dict, list)) and _has(node, part) else None
        if not (isinstance(node, dict) and isinstance(last, str)):
            continue
        model = schema.model_at(tuple(parents))
        field = model.model_fields.get(last) if model else None
        if field is not None and field.is_required() and field.annotation is str:
            value = node.get(last)
            node[last] = (
                str(value).lower()
                if isinstance(value, bool)
                else str(value)
                if isinstance(value, (int, float))
                else ""
            )
        else:
            node.pop(last, None)
    return pruned


def _has(node, part) -> bool:
    return part in node if isinstance(node, dict) else isinstance(part, int) and 0 <= part < len(node)


def field_path(loc: tuple) -> str:
    """('repository', 2, 'name') -> 'repository[2].name'."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _problem(file: str, error: dict) -> Problem:
    loc, kind, value = tuple(error["loc"]), error["type"], error.get("input")
    if kind == "missing":
        return Problem(file, field_path(loc), "is required")
    if kind == "extra_forbidden":
        model = schema.model_at(loc[:-1])
        allowed = ", ".join(model.model_fields) if model else "none"
        return Problem(file, field_path(loc), f"unknown key (allowed: {allowed})")
    if kind == "literal_error":
        return Problem(
            file, field_path(loc), f"{show(value)} is not allowed (allowed: {error['ctx']['expected']})"
        )
    if loc == ("repository",) and isinstance(value, dict):
        return Problem(
            file, "repository", "is a single table; use [[repository]] (double brackets) for each repository"
        )
    if kind in _TYPES:
        return Problem(file, field_path(loc), f"{show(value)} must be {_TYPES[kind]}")
    return Problem(file, field_path(loc), f"{show(value)}: {error['msg']}")
