"""Where account files and templates are: file discovery only (no parsing), cheap to import."""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

from ecrgen.errors import EcrgenError, Problem

ACCOUNT_SUFFIX = ".toml"
ACCOUNT_NAME = re.compile(r"[A-Za-z0-9_-]+")
NOT_AN_ACCOUNT_NAME = "is not a valid account name (letters, digits, _ and -)"
TEMPLATE_SUFFIX = ".json.j2"
BUILTIN_TEMPLATES = Path(__file__).parent.parent / "iam_policies"


def ignored(name: str) -> bool:
    """Hidden files (`.x.toml`) and editor files (`x.toml~`, `#x.toml#`) are not inputs."""
    return name.startswith((".", "#")) or name.endswith(("~", "#"))


def account_files(accounts_dir: Path) -> dict[str, Path]:
    """Account name -> file, for every `*.toml` in the folder, sorted by name."""
    if not accounts_dir.is_dir():
        raise EcrgenError(
            [Problem(str(accounts_dir), "", "is not a folder of account files (see --accounts-dir)")]
        )
    return {
        path.stem: path for path in sorted(accounts_dir.glob("*" + ACCOUNT_SUFFIX)) if not ignored(path.name)
    }


def not_read(accounts_dir: Path) -> list[Problem]:
    """Warnings: files that look like account files but are not read as one (`*.toml` in a subfolder,
    `*.TOML` and other cases of the suffix), so that an account is never left out without a word."""
    found = []
    for path in _in_subfolders(accounts_dir):
        if path.suffix.lower() == ACCOUNT_SUFFIX and path.is_file() and not ignored(path.name):
            found.append(
                Problem(
                    path.as_posix(),
                    "",
                    f"is not read: account files are the *{ACCOUNT_SUFFIX} files directly in "
                    f"{accounts_dir.as_posix()} (subfolders are not read); move it there, or point "
                    f"--accounts-dir at {path.parent.as_posix()}",
                )
            )
    for path in sorted(accounts_dir.glob("*")):
        if path.suffix.lower() == ACCOUNT_SUFFIX and path.suffix != ACCOUNT_SUFFIX and not ignored(path.name):
            found.append(
                Problem(
                    path.as_posix(),
                    "",
                    f"is not read: account files end in {ACCOUNT_SUFFIX} (lower case); rename it "
                    f"{path.stem}{ACCOUNT_SUFFIX}",
                )
            )
    return found


def _in_subfolders(accounts_dir: Path) -> list[Path]:
    """Every file in the subfolders of the accounts folder, at any depth (`eu/prod/a.toml` too), sorted;
    hidden and editor folders are not entered, nor are links to folders (no loops)."""
    found = []
    for folder, subfolders, names in os.walk(accounts_dir):
        subfolders[:] = sorted(name for name in subfolders if not ignored(name))
        if Path(folder) != accounts_dir:
            found += [Path(folder) / name for name in names]
    return sorted(found)


def select(accounts_dir: Path, names: list[str] | None) -> dict[str, Path]:
    """The named accounts' files (all when `names` is empty; `NAME.toml` means `NAME`). An unknown
    name lists the known ones and the nearest; a folder without account files is an error."""
    files = account_files(accounts_dir)
    if not files:
        raise EcrgenError(
            [
                Problem(
                    str(accounts_dir),
                    "",
                    f"has no account files (*{ACCOUNT_SUFFIX}); "
                    "add one or point --accounts-dir at the folder that holds them",
                )
            ]
        )
    elsewhere = [name for name in names or [] if "/" in name and not _inside(name, accounts_dir)]
    if elsewhere:
        raise EcrgenError([Problem(name, "", _outside(name, accounts_dir)) for name in elsewhere])
    wanted = list(dict.fromkeys(_bare(name) for name in names)) if names else list(files)
    unknown = [name for name in wanted if name not in files]
    if unknown:
        raise EcrgenError(
            [
                Problem(str(accounts_dir / f"{name}{ACCOUNT_SUFFIX}"), "", _unknown(name, list(files)))
                for name in unknown
            ]
        )
    return {name: files[name] for name in wanted}


def _bare(name: str) -> str:
    """`prod.toml` and `accounts/prod.toml` (what shell completion gives) name the account `prod`."""
    name = name.rsplit("/", 1)[-1]
    return name[: -len(ACCOUNT_SUFFIX)] if name.endswith(ACCOUNT_SUFFIX) else name


def _inside(name: str, accounts_dir: Path) -> bool:
    """A path to an account file names a file of the accounts folder."""
    return Path(name).parent.resolve() == accounts_dir.resolve()


def _outside(name: str, accounts_dir: Path) -> str:
    return (
        f"is not in the accounts folder {accounts_dir.as_posix()}: name the account ({_bare(name)!r}), "
        "or point --accounts-dir at the folder that holds the file"
    )


def _unknown(name: str, known: list[str]) -> str:
    near = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean {near[0]!r}? " if near else ""
    return f"no such account file ({hint}known accounts: {', '.join(known)})"


def read(path: Path) -> bytes:
    """An account file's bytes, or an EcrgenError that says why it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as error:
        raise EcrgenError([Problem(str(path), "", f"cannot be read ({error.strerror or error})")]) from None


def user_templates(accounts_dir: Path) -> Path:
    """The `iam_policies/` folder beside the accounts folder."""
    return accounts_dir.parent / "iam_policies"


def template_files(accounts_dir: Path) -> dict[str, Path]:
    """Template name -> file; a user template overrides the built-in of the same name."""
    found = {}
    for folder in (BUILTIN_TEMPLATES, user_templates(accounts_dir)):
        if folder.is_dir():
            found.update(
                {
                    p.name[: -len(TEMPLATE_SUFFIX)]: p
                    for p in sorted(folder.glob("*" + TEMPLATE_SUFFIX))
                    if not ignored(p.name)
                }
            )
    return dict(sorted(found.items()))
