"""Bytecode that exists: ecrgen writes the `.pyc` of every module a run imported when Python did not.

Installs skip byte-compiling (the AWS provider has 2,200 modules ecrgen never reads), and an environment
may set PYTHONDONTWRITEBYTECODE=1; then no process ever finds a `.pyc`, and every run compiles all it
imports again (a fifth of a worker's start). Python reads existing bytecode even when told not to
write it, so at the end of a run ecrgen compiles what it imported, once: exactly its import set (for
worker processes under `-O`, the `.opt-1.pyc` they read), where the install is writable.
"""

from __future__ import annotations

import os
import py_compile
import sys


def missing() -> list[tuple[str, str]]:
    """(source, bytecode path) of each imported module whose bytecode is absent or older than its source."""
    found = []
    for module in list(sys.modules.values()):
        spec = getattr(module, "__spec__", None)
        source, cached = getattr(spec, "origin", None), getattr(spec, "cached", None)
        if not source or not cached or not source.endswith(".py"):
            continue
        try:
            if os.stat(cached).st_mtime >= os.stat(source).st_mtime:
                continue
        except OSError:
            pass
        found.append((source, cached))
    return found


def write_missing() -> int:
    """When Python writes no bytecode itself, write what this run imported and lacked; how many
    modules were compiled. A folder that cannot be written is left as it is."""
    if not sys.dont_write_bytecode:
        return 0
    written = 0
    for source, cached in missing():
        try:
            py_compile.compile(source, cfile=cached, doraise=True)
        except (OSError, py_compile.PyCompileError):
            continue
        written += 1
    return written
