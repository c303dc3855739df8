"""Where account files and templates are: file discovery only (no parsing), cheap to import."""

from __future__ import annotations

from pathlib import Path

from ecrgen.errors import EcrgenError, Problem

TEMPLATE_SUFFIX = ".json.j2"
BUILTIN_TEMPLATES = Path(__file__).parent / "iam_policies"


def account_files(accounts_dir: Path) -> dict[str, Path]:
    """Account name -> file, for every `*.toml` in the folder, sorted by name."""
    if not accounts_dir.is_dir():
        raise EcrgenError([Problem(str(accounts_dir), "", "is not a folder of account files (see --accounts-dir)")])
    return {path.stem: path for path in sorted(accounts_dir.glob("*.toml"))}


def select(accounts_dir: Path, names: list[str] | None) -> dict[str, Path]:
    """The named accounts' files (all when `names` is empty); an unknown name lists the known ones."""
    files = account_files(accounts_dir)
    wanted = list(dict.fromkeys(names)) if names else list(files)
    unknown = [name for name in wanted if name not in files]
    if unknown:
        known = ", ".join(files) or "none"
        raise EcrgenError([Problem(str(accounts_dir / f"{name}.toml"), "", f"no such account file (known accounts: {known})")
                           for name in unknown])
    return {name: files[name] for name in wanted}


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
            found.update({p.name[: -len(TEMPLATE_SUFFIX)]: p for p in sorted(folder.glob("*" + TEMPLATE_SUFFIX))})
    return dict(sorted(found.items()))
