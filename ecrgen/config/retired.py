"""`[account] retired` and `allow_destroy`: names of repositories that left the file (by their `name`
key), each one a [[repository]] could have had, and neither list contradicting the file or the other."""

from __future__ import annotations

from ecrgen.config import schema
from ecrgen.config.account import ecr_name
from ecrgen.config.findings import Findings
from ecrgen.errors import duplicates, show
from ecrgen.rules import Found, names


def check_retired(
    acct: schema.AccountTable, repos: list[schema.RepositoryTable], fmt: str | None, found: Findings
) -> None:
    """Every entry of `retired` and `allow_destroy` (a name its [[repository]] could have had: its ECR
    name, through name_format, valid), no duplicates, and no name in both lists."""
    current = {names.address(r.name): r.name for r in repos}
    for key in ("retired", "allow_destroy"):
        listed = getattr(acct, key)
        for i, name in enumerate(listed):
            found.add(f"account.{key}[{i}]", _check_entry(key, name, ecr_name(fmt, acct, name), current))
        if repeated := duplicates(listed):
            found.add(f"account.{key}", [("", repeated)])
    for i, name in enumerate(acct.allow_destroy):
        if name in acct.retired:
            found.add(
                f"account.allow_destroy[{i}]",
                [
                    (
                        "",
                        f"{show(name)} is also in retired: retired keeps the repository in AWS, "
                        "allow_destroy lets Terraform delete it; choose one",
                    )
                ],
            )


def _check_entry(key: str, name: str, ecr: str, current: dict[str, str]) -> Found:
    """One name of the list `key`; `current` maps the file's repositories' addresses to their names."""
    if not name.strip() or name != name.strip():
        return [("", f"{show(name)} is not a repository name (the `name` of a former [[repository]])")]
    if names.repository_name(ecr):
        through = "" if ecr == name else f" (through name_format: {show(ecr)})"
        return [
            (
                "",
                f"{show(name)} is not the `name` a [[repository]] could have had: not a valid ECR "
                f"repository name{through} ({names.REPOSITORY_NAME_RULE})",
            )
        ]
    if key == "retired" and names.address(name) in current:
        return [
            (
                "",
                f"{show(name)} is still a [[repository]] ({show(current[names.address(name)])}); a "
                "retired repository is one taken out of the file: remove its [[repository]] or take it "
                "out of retired",
            )
        ]
    if key == "allow_destroy" and current.get(names.address(name), name) != name:
        # The plan guard matches by Terraform address: this name would let the other repository go.
        return [
            (
                "",
                f"{show(name)} has the Terraform address of the [[repository]] "
                f"{show(current[names.address(name)])}, so it would let that repository be "
                "deleted; name the repository exactly, or take it out of allow_destroy",
            )
        ]
    return []
