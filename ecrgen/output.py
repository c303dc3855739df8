"""The output folder on disk: the only module that writes into the user's folders, and it writes
atomically. (Scratch folders are others': CDKTF synthesizes into a temporary one, `ecrgen.synthesis.render`,
and `ecrgen.checkov_gate` copies stacks into one for checkov.)

Every account's JSON (synthesized by `ecrgen.synthesis`) is staged in a temporary file first; only when
every account's file is staged is each `cdk.tf.json` moved into place with an atomic rename. Other
files in a stack folder (Terraform's `.terraform/`, lock file, local state) are never touched. The
account file and policy templates of `ecrgen import` are written the same way, all or none.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import signal
import tempfile
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from ecrgen.errors import EcrgenError, Problem

# What the output folder holds (its layout is the writer's; the synthesis wing reads it from here):
STACK_FILE = "cdk.tf.json"  # what CDKTF writes per stack, under stacks/<NAME>/
RECORD = ".ecrgen.sha256"  # beside it: the input hash and the hash of the JSON written
CLAIMS = ".ecrgen.claims.json"  # beside it too: what the account claims, for clashes (config.clashes)
MANIFEST = "manifest.json"  # CDKTF's list of stacks, beside stacks/


@dataclass(frozen=True)
class Result:
    account: str
    path: Path
    status: str  # "written" (new bytes), "unchanged" (synthesized, same bytes), "skipped" (inputs same)


def stack_path(out: Path, account: str) -> Path:
    """Where an account's stack file lives in the output folder: `<out>/stacks/<account>/cdk.tf.json`."""
    return out / "stacks" / account / STACK_FILE


def write(
    out: Path, texts: dict[str, str], digests: dict[str, str], claims: dict[str, str] | None = None
) -> list[Result]:
    """Write every account's file (and its input hash, and what it `claims` where given), each through
    a temporary file and an atomic rename. Nothing is renamed into place until every file is staged; a
    folder that cannot be written is an EcrgenError naming it, with every temporary file and new folder
    removed again."""
    with Staging(out) as staging:
        staging.add(account_files(out, texts, digests, claims))
        return results(staging.commit())


def account_files(
    out: Path, texts: Mapping[str, str], digests: Mapping[str, str], claims: Mapping[str, str] | None = None
) -> dict[Path, str]:
    """The files `write` writes for these accounts: each stack, its RECORD, and its CLAIMS where given."""
    files: dict[Path, str] = {}
    for account, text in texts.items():
        target = stack_path(out, account)
        files[target] = text
        files[target.parent / RECORD] = record(digests[account], text)
    return files | claims_files(out, {a: c for a, c in (claims or {}).items() if a in texts}, digests)


def claims_files(out: Path, claims: Mapping[str, str], digests: Mapping[str, str]) -> dict[Path, str]:
    """The CLAIMS file of each of these accounts (what it claims, for the input hash `digests` names)."""
    return {
        stack_path(out, account).parent / CLAIMS: json.dumps({"input": digests[account], "claims": text})
        for account, text in claims.items()
    }


def results(changed: Mapping[Path, bool]) -> list[Result]:
    """Per stack file of a commit (`Staging.commit`), whether it was written or already held its bytes."""
    return [
        Result(target.parent.name, target, "written" if new else "unchanged")
        for target, new in changed.items()
        if target.name == STACK_FILE
    ]


def write_files(files: Mapping[Path, str | bytes], root: Path, option: str = "--out") -> dict[Path, bool]:
    """Write every file (text as UTF-8) or none: each is staged in a temporary file beside it, and only
    when all are staged is each renamed into place. A file that cannot be staged is an EcrgenError
    naming the path the user can act on (under `root`, chosen with `option`), with every temporary file
    and new folder removed again. Returns, per file, whether its bytes changed."""
    with Staging(root, option) as staging:
        staging.add(files)
        return staging.commit()


class Staging:
    """Files staged group by group (a synthesis stages each batch of accounts as it arrives, and keeps
    none of their text), all renamed into place by one `commit`. Leaving the `with` block without a
    commit (an error, Ctrl-C) removes every temporary file and new folder: nothing is moved into place.
    Safe to add to from several threads; a group added after that is discarded at once."""

    def __init__(self, root: Path, option: str = "--out"):
        self.root, self.option = root, option
        self._staged: list[_Staged] = []
        self._created: list[Path] = []
        self._lock = threading.Lock()
        self._closed = False

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                _discard(self._staged, self._created)

    def add(self, files: Mapping[Path, str | bytes]) -> None:
        """Stage every file in a temporary file beside it; an EcrgenError naming every path that cannot be
        written (each under `root`, chosen with `option`)."""
        problems: list[Problem] = []
        with self._lock:
            if self._closed:
                raise EcrgenError([Problem(str(self.root), "", STAGING_CLOSED)])
            for target, text in files.items():
                try:
                    _make_folder(target.parent, self._created)
                    self._staged.append(_stage(target, text))
                except OSError as error:
                    problem = _write_problem(self.root, target, error)
                    problems.append(Problem(problem.file, "", problem.message.replace("--out", self.option)))
        if problems:
            raise EcrgenError(dict.fromkeys(problems))

    def commit(self) -> dict[Path, bool]:
        """Rename every staged file into place (Ctrl-C waits until all are); per file, whether its bytes
        changed."""
        with self._lock:
            self._closed = True
            with _uninterrupted():
                for item in self._staged:
                    os.replace(item.temporary, item.target)
            return {item.target: item.changed for item in self._staged}


STAGING_CLOSED = "was not written: the run stopped before this batch arrived"


@dataclass(frozen=True)
class _Staged:
    temporary: Path
    target: Path
    changed: bool


def _make_folder(folder: Path, created: list[Path]) -> None:
    """Create the folder and its missing parents, noting them (deepest last) so a failure can remove them."""
    created += [p for p in reversed([folder, *folder.parents]) if not p.exists() and p not in created]
    folder.mkdir(parents=True, exist_ok=True)


def _stage(target: Path, text: str | bytes) -> _Staged:
    data = text.encode("utf-8") if isinstance(text, str) else text
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would make the stack unreadable to other users
    except BaseException:
        os.unlink(temporary)
        raise
    return _Staged(Path(temporary), target, _differs(target, data))


def _differs(target: Path, data: bytes) -> bool:
    try:
        return target.read_bytes() != data
    except OSError:
        return True


def _discard(staged: list[_Staged], created: list[Path]) -> None:
    for item in staged:
        item.temporary.unlink(missing_ok=True)
    for folder in reversed(created):
        try:
            folder.rmdir()
        except OSError:
            pass


def obstacles(out: Path, accounts: list[str]) -> list[Problem]:
    """What would stop `write` for these accounts, known before anything is synthesized: a file where a
    folder must be, a folder where a file must be (so they are reported with the other problems)."""
    problems = []
    for account in accounts:
        target = stack_path(out, account)
        for path in (target, target.parent / RECORD, target.parent / CLAIMS):
            blocking = _blocking_file(path)
            if blocking is not None:
                problems.append(Problem(str(blocking), "", FILE_IN_THE_WAY))
            elif path.is_dir():
                problems.append(Problem(str(path), "", FOLDER_IN_THE_WAY))
    return list(dict.fromkeys(problems))


FILE_IN_THE_WAY = "is a file, not a folder: remove it or choose another --out"
FOLDER_IN_THE_WAY = "is a folder, but ecrgen writes a file there: remove the folder"


def _blocking_file(path: Path) -> Path | None:
    return next((p for p in reversed(path.parents) if p.exists() and not p.is_dir()), None)


def _write_problem(out: Path, target: Path, error: OSError) -> Problem:
    """What went wrong, on the path the user can act on, and what to do."""
    if error.errno == errno.EISDIR:
        return Problem(str(target), "", FOLDER_IN_THE_WAY)
    if error.errno in (errno.ENOTDIR, errno.EEXIST):
        return Problem(str(_blocking_file(target) or out), "", FILE_IN_THE_WAY)
    folder = next(p for p in [target.parent, *target.parents] if p.exists() or p == Path("."))
    reason = error.strerror or str(error)
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return Problem(
            str(folder), "", f"cannot be written ({reason}): free some space or choose another --out"
        )
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return Problem(
            str(folder), "", f"cannot be written ({reason}): make it writable or choose another --out"
        )
    return Problem(str(folder), "", f"cannot be written ({reason}); choose another --out")


@contextlib.contextmanager
def _uninterrupted() -> Iterator[None]:
    """Ctrl-C during the renames would leave some accounts written and others not: it takes effect
    once they are done (the renames take microseconds)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: caught.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


def read_claims(out: Path, account: str, digest: str) -> str | None:
    """What `write` kept of the account's claims, when it was written for these inputs (`digest`)."""
    try:
        document = json.loads((stack_path(out, account).parent / CLAIMS).read_text(encoding="utf-8"))
        claims = document["claims"]
        return claims if document["input"] == digest and isinstance(claims, str) else None
    except (OSError, ValueError, UnicodeDecodeError, KeyError, TypeError):
        return None


def record(digest: str, text: str) -> str:
    """The RECORD file's text: the input hash, and the hash of the JSON written."""
    return f"{digest} {hashlib.sha256(text.encode('utf-8')).hexdigest()}\n"


def write_file(target: Path, text: str, option: str = "--out") -> bool:
    """Write one file through a temporary file and an atomic rename; False when it already held `text`."""
    if target.is_file() and not _differs(target, text.encode("utf-8")):
        return False
    return write_files({target: text}, target.parent, option)[target]
