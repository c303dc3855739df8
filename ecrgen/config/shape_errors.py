"""The account file's shape errors in the user's words, and the file with those keys dropped (so that
resolution can still report every other problem at once)."""

from __future__ import annotations

from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from ecrgen.config import schema
from ecrgen.errors import Problem, path_key, show
from ecrgen.rules.pull_through_cache import UPSTREAMS

# Required string keys whose allowed values a rule (not the schema) knows: named when the key is missing.
_CHOICES = {"upstream": tuple(UPSTREAMS)}

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


def follows_from(path: str, dropped: list[str]) -> bool:
    """A problem of the table that held a dropped key (or of the key itself) may only be a consequence
    of dropping it, such as "nobody could assume it" after a type error in [role]: not reported."""
    return any(d == path or d.startswith((path + ".", path + "[")) for d in dropped)


def switches(raw: dict) -> dict:
    """`lifecycle = true|false` switches written as tables, wherever a lifecycle table may be."""
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


def listed(model: type[BaseModel]) -> list[str]:
    """A table's keys in the order `unknown key (allowed: ...)` names them: as declared, but a key of
    `LISTED_AFTER` right after the key it names there."""
    after: dict[str, str] = getattr(model, "LISTED_AFTER", {})
    keys = [key for key in model.model_fields if key not in after]
    for key, anchor in after.items():
        keys.insert(keys.index(anchor) + 1, key)
    return keys


def ordered(errors: list[ErrorDetails]) -> list[ErrorDetails]:
    """pydantic's errors with each table's keys in the order `listed` gives them (pydantic checks
    them in the order of declaration, where a repository's own keys follow the shared ones); unknown keys
    after the known ones, as pydantic reports them."""

    def position(loc: tuple) -> tuple[int, ...]:
        found = []
        for i, part in enumerate(loc):
            model = None if isinstance(part, int) else model_at(loc[:i])
            keys = listed(model) if model else []
            found.append(part if isinstance(part, int) else keys.index(part) if part in keys else len(keys))
        return tuple(found)

    return sorted(errors, key=lambda error: position(tuple(error["loc"])))


def pruned(raw: dict, errors: list[ErrorDetails]) -> dict:
    """A copy of `raw` without the keys that failed the shape check (list items are kept). A required
    string key (wrong type or missing) gets a placeholder instead, so that the rest still resolves: its
    text for a number or boolean (`id = 123456789012`), else "". Problems the placeholder itself causes
    are on the pruned path, which `load_account` drops."""
    import copy

    pruned = copy.deepcopy(raw)
    for error in errors:
        loc: tuple[Any, ...] = tuple(error["loc"])
        *parents, last = loc
        node: Any = pruned
        for part in parents:
            node = node[part] if isinstance(node, (dict, list)) and _has(node, part) else None
        if not (isinstance(node, dict) and isinstance(last, str)):
            continue
        model = model_at(tuple(parents))
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


def _has(node: Any, part: Any) -> bool:
    return part in node if isinstance(node, dict) else isinstance(part, int) and 0 <= part < len(node)


def field_path(loc: tuple) -> str:
    """('repository', 2, 'name') -> 'repository[2].name'."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{path_key(part)}" if text else path_key(part))
    return text


def problem(file: str, error: ErrorDetails) -> Problem:
    """The message for one pydantic error: what the key must be, in the user's words."""
    loc, kind, value = tuple(error["loc"]), error["type"], error.get("input")
    if kind == "missing":
        return Problem(file, field_path(loc), _required(loc))
    if kind == "extra_forbidden":
        model = model_at(loc[:-1])
        allowed = ", ".join(listed(model)) if model else "none"
        return Problem(file, field_path(loc), f"unknown key (allowed: {allowed})")
    if kind == "literal_error":
        return Problem(
            file, field_path(loc), f"{show(value)} is not allowed (allowed: {error['ctx']['expected']})"
        )
    if loc == ("repository",) and isinstance(value, dict):
        return Problem(
            file, "repository", "is a single table; use [[repository]] (double brackets) for each repository"
        )
    if kind in ("dict_type", "model_type", "model_attributes_type") and _tables(value):
        path = field_path(loc)
        return Problem(
            file, path, f"is an array of tables ([[{path}]]); use [{path}] (single brackets): there is one"
        )
    if kind in _TYPES and loc[-1:] == ("lifecycle",) and model_at(loc) is schema.LifecycleTable:
        # `lifecycle = false` (or true) is the short form `switches` reads: name it beside the table.
        return Problem(file, field_path(loc), f"{show(value)} must be a table, or true or false")
    if kind in _TYPES:
        return Problem(file, field_path(loc), f"{show(value)} must be {_TYPES[kind]}")
    return Problem(file, field_path(loc), f"{show(value)}: {error['msg']}")


def _required(loc: tuple) -> str:
    """`is required`, with the allowed values when the key takes one of a few."""
    model = model_at(loc[:-1])
    field = model.model_fields.get(str(loc[-1])) if model else None
    annotation = field.annotation if field else None
    allowed = get_args(annotation) if get_origin(annotation) is Literal else _CHOICES.get(str(loc[-1]), ())
    return f"is required (allowed: {', '.join(allowed)})" if allowed else "is required"


def _tables(value: Any) -> bool:
    """A TOML array of tables (`[[x]]`), written where one table (`[x]`) belongs."""
    return isinstance(value, list) and bool(value) and all(isinstance(item, dict) for item in value)


def model_at(loc: tuple) -> type[BaseModel] | None:
    """The model class that owns the table at `loc` (for listing the keys allowed there)."""
    model: Any = schema.AccountFile
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return None
        model = _inner_model(field.annotation)
        if model is None:
            return None
    return model


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
