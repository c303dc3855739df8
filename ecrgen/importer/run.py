"""`ecrgen import ACCOUNT`: read AWS, translate, check the result as `validate` does, write it.

The account file and its templates are checked in a scratch copy of the accounts folder (beside the
folder's other account files and its `iam_policies/`, so clashes and template overrides count) before
anything is written; where a built-in template does not render exactly the policy AWS holds, that
policy becomes a template of its own. Then every file is written, or none (`ecrgen.output`).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecrgen import output
from ecrgen.aws import Aws
from ecrgen.config.files import (
    ACCOUNT_NAME,
    ACCOUNT_SUFFIX,
    NOT_AN_ACCOUNT_NAME,
    TEMPLATE_SUFFIX,
    account_files,
    read,
    user_templates,
)
from ecrgen.errors import EcrgenError, Problem, show
from ecrgen.importer import read as aws_read
from ecrgen.importer.translate import Draft, Options, draft
from ecrgen.rules import names

if TYPE_CHECKING:  # given by the façade: `preflight.validate` over `load.load_each`
    from ecrgen.config.model import Account
    from ecrgen.preflight import Checked

Verify = Callable[[Path, list[str]], "Checked"]
EXISTS = "exists already; ecrgen import does not replace it unless --force is given"
TEMPLATE_EXISTS = "exists already with other text; ecrgen import does not replace it unless --force is given"


@dataclass(frozen=True)
class Imported:
    """What was written (the account file first, then its templates) and what is worth a look."""

    written: list[Path]
    warnings: tuple[Problem, ...]


def import_account(
    accounts_dir: Path, options: Options, force: bool, verify: Verify, aws: Aws | None = None
) -> Imported:
    """Write `<accounts_dir>/<name>.toml` (and `iam_policies/` templates) from what AWS holds."""
    target = accounts_dir / f"{options.name}{ACCOUNT_SUFFIX}"
    problems = [Problem("--region", "", message) for _, message in names.region(options.region)]
    if not ACCOUNT_NAME.fullmatch(options.name):
        problems.append(Problem(options.name, "", f"{show(options.name)} {NOT_AN_ACCOUNT_NAME}"))
    elif target.exists() and not force:
        problems.append(Problem(options.file, "", EXISTS))
    if problems:
        raise EcrgenError(problems)
    snapshot, warnings = aws_read.snapshot(aws or Aws(options.region), options.file)
    custom: frozenset[str] = frozenset()
    while True:
        written = draft(snapshot, options, custom)
        checked = _verify(written, accounts_dir, options.name, verify)
        differing = _differing(written.policies, checked.accounts[0])
        if not differing:
            break
        if differing <= custom:  # a template of the policy itself renders it verbatim
            raise RuntimeError(f"policies still differ from what AWS holds: {sorted(differing)}")
        custom |= differing
    files = {target: written.text} | {
        user_templates(accounts_dir) / f"{name}{TEMPLATE_SUFFIX}": text
        for name, text in written.templates.items()
    }
    _refuse_replacing(files, target, force)
    output.write_files(files, accounts_dir, "--accounts-dir")
    return Imported(list(files), tuple(warnings) + checked.warnings)


def _verify(written: Draft, accounts_dir: Path, name: str, verify: Verify) -> Checked:
    """`validate` of the draft in a scratch copy of the accounts folder; its problems and warnings on
    the paths they will have."""
    with tempfile.TemporaryDirectory(prefix="ecrgen-import-") as scratch:
        staged = Path(scratch) / "accounts"
        files: dict[Path, str | bytes] = {
            staged / path.name: read(path)
            for other, path in (account_files(accounts_dir) if accounts_dir.is_dir() else {}).items()
            if other != name
        }
        templates = user_templates(accounts_dir)
        if templates.is_dir():
            files |= {
                user_templates(staged) / path.relative_to(templates): read(path)
                for path in sorted(templates.rglob("*"))
                if path.is_file()
            }
        files[staged / f"{name}{ACCOUNT_SUFFIX}"] = written.text
        files |= {
            user_templates(staged) / f"{template}{TEMPLATE_SUFFIX}": text
            for template, text in written.templates.items()
        }
        output.write_files(files, Path(scratch))
        places = {str(staged): str(accounts_dir), str(user_templates(staged)): str(templates)}

        def moved(problem: Problem) -> Problem:
            file, message = problem.file, problem.message
            for scratch_path, real in sorted(places.items(), key=lambda item: -len(item[0])):
                file, message = file.replace(scratch_path, real), message.replace(scratch_path, real)
            return Problem(file, problem.path, message)

        try:
            checked = verify(staged, [name])
        except EcrgenError as error:
            target = str(accounts_dir / f"{name}{ACCOUNT_SUFFIX}")
            intro = Problem(target, "", "made from what AWS holds, does not pass ecrgen validate:")
            raise EcrgenError([intro, *map(moved, error.problems)]) from None
    return replace(checked, warnings=tuple(map(moved, checked.warnings)))


def _differing(expected: dict[str, Any], account: Account) -> frozenset[str]:
    """The places whose rendered policy is not the one AWS holds."""
    rendered = {f"repository[{i}]": repo.policy_text for i, repo in enumerate(account.repositories)}
    if account.registry is not None:
        rendered["registry"] = account.registry.policy_text
        for i, template in enumerate(account.registry.creation_templates):
            rendered[f"registry.creation_template[{i}]"] = template.policy_text
    return frozenset(
        where
        for where, policy in expected.items()
        if (json.loads(text) if (text := rendered.get(where)) else None) != policy
    )


def _refuse_replacing(files: dict[Path, str], target: Path, force: bool) -> None:
    """A template of another text is replaced only with --force (the account file is checked first)."""
    problems = [
        Problem(str(path), "", TEMPLATE_EXISTS)
        for path, text in files.items()
        if path != target and not force and path.exists() and _held(path) != text.encode("utf-8")
    ]
    if problems:
        raise EcrgenError(problems)


def _held(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:  # a folder, or unreadable: not the same text
        return None
