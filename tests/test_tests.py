"""The suite itself: every test states what it checks (a test without an assertion cannot fail)."""

import ast
from pathlib import Path


def _asserts(function: ast.FunctionDef) -> bool:
    for node in ast.walk(function):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", "")
            if name == "raises" or name.startswith("assert_"):
                return True
    return False


def test_every_test_has_an_explicit_assertion():
    silent = [
        f"{path.name}::{node.name}"
        for path in sorted(Path(__file__).parent.rglob("test_*.py"))
        for node in ast.parse(path.read_text()).body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_") and not _asserts(node)
    ]
    assert silent == []
