"""`check-plan`: the plan guard (`ecrgen.plan_guard`) over a saved plan, the truth about what Terraform
will do, read from `terraform show -json` (https://developer.hashicorp.com/terraform/internals/json-format).
How account files are loaded is given (`ecrgen.config.load.load_all`, by `ecrgen.commands`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ecrgen import plan_guard, protections, takeovers
from ecrgen.config import clashes
from ecrgen.errors import EcrgenError, Problem

if TYPE_CHECKING:
    from ecrgen.preflight import Load

# The clash claims of the folder's other account files (`preflight.Others.claims`) and those of its files
# that do not load, asked for only when the plan deletes a repository.
OtherFiles = Callable[[], tuple[list[clashes.Claims], list[str]]]


def _nothing_else() -> tuple[list[clashes.Claims], list[str]]:
    return [], []


@dataclass(frozen=True)
class PlanChecked:
    """A plan `check-plan` lets through: repository changes checked, repositories imported, warnings."""

    changes: int
    imported: int
    warnings: tuple[Problem, ...] = ()


def check_plan(
    load: Load,
    accounts_dir: Path,
    name: str,
    plan_file: Path,
    migration: bool = False,
    others: OtherFiles = _nothing_else,
) -> PlanChecked:
    """The plan guard for CI: EcrgenError naming each guarded repository the saved plan (JSON of
    `terraform show -json`) would delete or replace (and, in a `migration`, create), and each
    repository it would delete that another file of the folder (`others`) makes in the same registry, or
    might make (a file that does not load); else what was checked, with the protections the plan takes
    away from guarded repositories as warnings."""
    loaded, problems = load(accounts_dir, [name])
    if problems:
        raise EcrgenError(problems)
    (account,) = loaded
    plan = read_plan(plan_file)
    deletes = any("delete" in change["change"]["actions"] for change in plan_guard.repository_changes(plan))
    claims, unread = others() if deletes else ([], [])
    elsewhere = clashes.repository_makers(claims, account.id, account.region, account.file)
    problems = plan_guard.plan_deletions(account, plan, plan_file.as_posix(), migration, elsewhere)
    problems += plan_guard.unknown_makers(account, plan, plan_file.as_posix(), unread)
    changes = plan_guard.repository_changes(plan)
    warnings = protections.dropped(changes, plan_file.as_posix())
    warnings += plan_guard.requested_replacements(account, plan, plan_file.as_posix())
    warnings += takeovers.takeovers(plan, account, plan_file.as_posix())
    if problems:  # a refusal does not hide what else the plan would do
        raise EcrgenError(problems, warnings)
    return PlanChecked(len(changes), plan_guard.imported(plan), tuple(warnings))


def read_plan(path: Path) -> dict:
    """A saved plan as `terraform show -json PLAN` prints it, or an EcrgenError saying what is wrong."""
    where = path.as_posix()
    try:
        plan = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise EcrgenError([Problem(where, "", f"cannot be read ({error.strerror or error})")]) from None
    except (ValueError, UnicodeDecodeError) as error:
        raise EcrgenError(
            [Problem(where, "", f"is not JSON ({error}); give the output of `terraform show -json PLANFILE`")]
        ) from None
    if (
        not isinstance(plan, dict)
        or "format_version" not in plan
        or "planned_values" not in plan  # `terraform show -json` of a state has none
        or not isinstance(plan.get("resource_changes", []), list)
        or not all(isinstance(change, dict) for change in plan.get("resource_changes") or [])
    ):
        raise EcrgenError(
            [
                Problem(
                    where,
                    "",
                    "is not a Terraform plan in JSON; give the output of `terraform show -json PLANFILE`",
                )
            ]
        )
    if plan.get("errored") is True:  # Terraform writes a plan file even when planning failed
        raise EcrgenError(
            [
                Problem(
                    where,
                    "",
                    "is a plan that errored (Terraform stopped planning half-way, so it does not show every "
                    "change); fix the error `terraform plan` printed and plan again",
                )
            ]
        )
    return plan
