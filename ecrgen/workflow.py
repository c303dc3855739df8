"""The GitHub workflow `ecrgen init-ci` writes: the shipped template, installing a given ecrgen."""

from __future__ import annotations

import json
from pathlib import Path

from ecrgen import output
from ecrgen.errors import EcrgenError, Problem

WORKFLOW_TEMPLATE = Path(__file__).parent / "templates" / "github-workflow.yml"
WORKFLOW_PATH = Path(".github") / "workflows" / "ecrgen.yml"


def default_package() -> str:
    """Where the workflow installs ecrgen from when not told: the git URL and commit this ecrgen was
    installed from (its PEP 610 `direct_url.json`). ecrgen is on no package index, so an install from a
    wheel, a local folder or a local clone gives CI nothing to fetch: then `--package` is required."""
    import importlib.metadata

    try:
        recorded = importlib.metadata.distribution("ecrgen").read_text("direct_url.json")
        origin = json.loads(recorded or "{}")
    except (importlib.metadata.PackageNotFoundError, ValueError):
        origin = {}
    url, vcs = str(origin.get("url", "")), origin.get("vcs_info") or {}
    if vcs.get("vcs") == "git" and vcs.get("commit_id") and not url.startswith("file:"):
        return f"ecrgen @ git+{url}@{vcs['commit_id']}"
    where = f" ({url})" if url else ""
    raise EcrgenError(
        [
            Problem(
                "--package",
                "",
                f"required: this ecrgen was not installed from a git URL CI can reach{where}, and ecrgen is "
                "on no package index; give the source the workflow installs, e.g. "
                '"ecrgen @ git+https://github.com/ORG/ecrgen@COMMIT"',
            )
        ]
    )


def workflow_text(package: str) -> str:
    """The shipped GitHub workflow, installing ecrgen with `pip install PACKAGE`."""
    if not package.strip() or any(c in package for c in '"\n\\$`'):
        raise EcrgenError(
            [
                Problem(
                    "--package",
                    "",
                    f"{package!r} is not a pip requirement or path "
                    '(e.g. "ecrgen @ git+https://github.com/ORG/ecrgen@COMMIT" or a wheel\'s URL)',
                )
            ]
        )
    return WORKFLOW_TEMPLATE.read_text(encoding="utf-8").replace("__ECRGEN_PACKAGE__", package)


def init_ci(root: Path, package: str, force: bool = False) -> tuple[Path, bool]:
    """Write `.github/workflows/ecrgen.yml` under `root`; an existing, different file only with `force`.
    Returns the path and whether it was written."""
    target = root / WORKFLOW_PATH
    text = workflow_text(package)
    if target.is_file() and target.read_text(encoding="utf-8") != text and not force:
        raise EcrgenError(
            [
                Problem(
                    str(target),
                    "",
                    "exists and differs from ecrgen's workflow; "
                    "use --force to replace it (read the diff first)",
                )
            ]
        )
    return target, output.write_file(target, text, option="--dir")
