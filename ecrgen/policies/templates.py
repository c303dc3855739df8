"""The policy templates an accounts folder can use, in one Jinja2 environment (StrictUndefined): render
one with given values, parse the JSON, check its shape; every template file checked. No CDKTF import.

Built-in templates live in `ecrgen/iam_policies/`; a folder `iam_policies/` beside the accounts folder
adds templates or overrides built-ins by name (`iam_policies/<name>.json.j2`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Protocol

import jinja2
import jinja2.meta

from ecrgen.config.files import BUILTIN_TEMPLATES, TEMPLATE_SUFFIX, template_files, user_templates
from ecrgen.config.model import Account
from ecrgen.errors import EcrgenError, Problem, show


class Check(Protocol):
    """A shape check of ecrgen.rules.iam: (policy, its compact length, production) -> problems as
    (sub-path, message) pairs. Its name is part of the render cache's key."""

    __name__: str

    def __call__(self, policy: Any, length: int, production: bool = False, /) -> list[tuple[str, str]]: ...


class Templates:
    """The templates an accounts folder can use: its `iam_policies/` first, then the built-ins."""

    def __init__(self, accounts_dir: Path):
        self.user_dir = user_templates(accounts_dir)
        self.files = template_files(accounts_dir)
        # utf-8-sig: a byte order mark (as some Windows editors write) is accepted, as in account files.
        self.loader = jinja2.FileSystemLoader(
            [str(self.user_dir), str(BUILTIN_TEMPLATES)], encoding="utf-8-sig"
        )
        self.env = jinja2.Environment(
            loader=self.loader,
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            keep_trailing_newline=True,
        )
        self.env.filters["tojson"] = tojson
        self._cache: dict[tuple, str | None] = {}
        self._used: dict[str, frozenset[str] | None] = {}

    def origin(self, name: str) -> str:
        """Where a template comes from, as users see it (no absolute paths)."""
        user = self.user_dir / (name + TEMPLATE_SUFFIX)
        return str(user) if user.is_file() else f"built-in {name}{TEMPLATE_SUFFIX}"

    def render(self, account: Account, where: str, name: str, values: dict, check: Check) -> str | None:
        """Template `name` rendered with `values`: the policy JSON (compact, sorted keys), None when it
        grants nothing, or an EcrgenError at `where` in the account's file. Renders are cached on the
        values the whole template tree uses (the template and everything it includes, extends or
        imports), so two renders are shared only when every value that could reach the output is equal;
        a tree that cannot be known (a computed include) is never cached."""
        if name not in self.files:
            raise EcrgenError(
                [
                    Problem(
                        account.file,
                        where,
                        f"{show(name)} is not a known policy template "
                        f"(known: {', '.join(self.files)}; or add iam_policies/{name}{TEMPLATE_SUFFIX})",
                    )
                ]
            )
        used = self._uses(name)
        if used is None:
            return self._render(account, where, name, values, check)
        key = (
            name,
            check.__name__,
            account.production,
            json.dumps({k: values[k] for k in sorted(used & values.keys())}, sort_keys=True),
        )
        if key not in self._cache:
            self._cache[key] = self._render(account, where, name, values, check)
        return self._cache[key]

    def _uses(self, name: str) -> frozenset[str] | None:
        """The variables the template and every template it pulls in use; None when that is unknowable."""
        if name not in self._used:
            try:
                self._used[name] = _tree_uses(self.env, self.loader, name + TEMPLATE_SUFFIX)
            except (jinja2.TemplateError, UnicodeDecodeError):
                self._used[name] = None  # the render reports the problem
        return self._used[name]

    def _render(self, account: Account, where: str, name: str, values: dict, check: Check) -> str | None:
        label = f"template {name!r} ({self.origin(name)})"
        try:
            text = self.env.get_template(name + TEMPLATE_SUFFIX).render(values)
        except jinja2.TemplateSyntaxError as error:
            raise EcrgenError(
                [Problem(account.file, where, f"{label}: line {error.lineno}: {error.message}")]
            ) from None
        except jinja2.TemplateNotFound as error:
            raise EcrgenError(
                [
                    Problem(
                        account.file,
                        where,
                        f"{label}: {error.name!r} is not a template in iam_policies/ or built in",
                    )
                ]
            ) from None
        except jinja2.TemplateError as error:
            raise EcrgenError([Problem(account.file, where, f"{label}: {error}")]) from None
        except Exception as error:  # noqa: BLE001  the template is user code: any failure in it is a user error
            raise EcrgenError(
                [Problem(account.file, where, f"{label}: {type(error).__name__}: {error}")]
            ) from None
        try:
            policy = json.loads(text)
        except json.JSONDecodeError as error:
            raise EcrgenError(
                [
                    Problem(
                        account.file,
                        where,
                        f"{label} does not render valid JSON: {error.msg} "
                        f"at line {error.lineno}, column {error.colno}",
                    )
                ]
            ) from None
        if isinstance(policy, dict) and policy.get("Statement") == []:
            return None
        compact = json.dumps(policy, sort_keys=True, separators=(",", ":"))
        problems = check(policy, len(compact), account.production)
        if problems:
            raise EcrgenError(
                [
                    Problem(account.file, where, f"{label}: {sub + ': ' if sub else ''}{msg}")
                    for sub, msg in problems
                ]
            )
        return compact


def _tree_uses(env: jinja2.Environment, loader: jinja2.BaseLoader, top: str) -> frozenset[str] | None:
    used: set[str] = set()
    seen, todo = set(), [top]
    while todo:
        file = todo.pop()
        if file in seen:
            continue
        seen.add(file)
        tree = env.parse(loader.get_source(env, file)[0])
        used |= jinja2.meta.find_undeclared_variables(tree)
        referenced = list(jinja2.meta.find_referenced_templates(tree))
        if None in referenced:  # a computed name: which templates it reaches is unknowable
            return None
        todo += [name for name in referenced if name is not None]
    return frozenset(used)


def tojson(value: object) -> str:
    """The `tojson` filter: JSON with sorted keys; an undefined name is the template's error, not a crash."""
    if isinstance(value, jinja2.Undefined):
        value._fail_with_undefined_error()
    return json.dumps(value, sort_keys=True)


def check_templates(accounts_dir: Path) -> list[Problem]:
    """Every template file readable, UTF-8 (a byte order mark is accepted) and valid Jinja2, whether an
    account uses it or not (templates may include one another, and a broken file must fail `validate` as
    it fails `synth`)."""
    env, problems = jinja2.Environment(), []
    for path in template_files(accounts_dir).values():
        try:
            env.parse(path.read_bytes().decode("utf-8-sig"))
        except IsADirectoryError:
            problems.append(
                Problem(
                    str(path),
                    "",
                    f"is a folder, not a template file; rename or remove it "
                    f"(every *{TEMPLATE_SUFFIX} in iam_policies/ is a policy template)",
                )
            )
        except OSError as error:
            problems.append(Problem(str(path), "", f"cannot be read ({error.strerror or error})"))
        except UnicodeDecodeError as error:
            problems.append(
                Problem(
                    str(path),
                    "",
                    f"is not UTF-8 text (byte {error.object[error.start]:#04x} at offset {error.start})",
                )
            )
        except jinja2.TemplateSyntaxError as error:
            problems.append(Problem(str(path), "", f"line {error.lineno}: {error.message}"))
    return problems
