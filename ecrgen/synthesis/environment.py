"""The environment variables ecrgen reads (`ECRGEN_JOBS`, `ECRGEN_LAZY`), checked before synthesis."""

from __future__ import annotations

import os
import re

from ecrgen.errors import EcrgenError, Problem, show

# The environment variables ecrgen reads, and what each accepts.
ENVIRONMENT = {
    "ECRGEN_JOBS": (
        re.compile(r"[0-9]*[1-9][0-9]*"),
        "a whole number of worker processes, 1 or more; unset it to let ecrgen choose",
    ),
    "ECRGEN_LAZY": (re.compile(r"[01]"), "0 (load the provider the ordinary way) or 1 (the default)"),
}


def check_environment() -> None:
    """Every environment variable ecrgen reads holds a value it understands (an empty one counts as unset)."""
    problems = [
        Problem(name, "", f"{show(os.environ[name])} is not allowed ({allowed})")
        for name, (pattern, allowed) in ENVIRONMENT.items()
        if os.environ.get(name) and not pattern.fullmatch(os.environ[name])
    ]
    if problems:
        raise EcrgenError(problems)
