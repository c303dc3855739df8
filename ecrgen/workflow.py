"""The GitHub workflow `ecrgen init-ci` writes: the shipped template, installing a given ecrgen."""

from __future__ import annotations

from pathlib import Path

from ecrgen import output
from ecrgen.errors import EcrgenError, Problem

WORKFLOW_TEMPLATE = Path(__file__).parent / "templates" / "github-workflow.yml"
WORKFLOW_PATH = Path(".github") / "workflows" / "ecrgen.yml"


def default_package() -> str:
    """How the workflow installs ecrgen when not told: this exact version from the package index."""
    from ecrgen import __version__

    return f"ecrgen=={__version__}"


def workflow_text(package: str) -> str:
    """The shipped GitHub workflow, installing ecrgen with `pip install PACKAGE`."""
    if not package.strip() or any(c in package for c in '"\n\\$`'):
        raise EcrgenError(
            [
                Problem(
                    "--package",
                    "",
                    f"{package!r} is not a pip requirement or path "
                    '(e.g. ecrgen==0.1.0 or "ecrgen @ git+https://github.com/ORG/ecrgen@TAG")',
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
