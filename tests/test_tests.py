"""The suite itself: every test states what it checks (a test without an assertion cannot fail), and no
assertion holds whatever the code does (`assert True`, `assert x or True`, `assert (x, "why")`)."""

import ast
from pathlib import Path

TESTS = Path(__file__).parent


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
        for path in sorted(TESTS.rglob("test_*.py"))
        for node in ast.parse(path.read_text()).body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_") and not _asserts(node)
    ]
    assert silent == []


def always_true(node: ast.expr) -> bool:
    """What an assertion's test holds whatever it is run on: a true constant, a non-empty literal (a
    tuple: `assert (x, "why")`), an f-string with text, a lambda, `... or <always true>`, `not <always
    false>`, and a comparison of an expression with itself (`x == x`, `x is x`, `x <= x`)."""
    if isinstance(node, ast.Constant):
        return bool(node.value)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return bool(node.elts)
    if isinstance(node, ast.Dict):
        return bool(node.keys)
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(part, ast.Constant) and part.value for part in node.values)
    if isinstance(node, ast.Lambda):
        return True
    if isinstance(node, ast.BoolOp):
        truths = [always_true(value) for value in node.values]
        return any(truths) if isinstance(node.op, ast.Or) else all(truths)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return always_false(node.operand)
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        same = ast.dump(node.left) == ast.dump(node.comparators[0])
        return same and isinstance(node.ops[0], (ast.Eq, ast.Is, ast.LtE, ast.GtE))
    return False


def always_false(node: ast.expr) -> bool:
    """A false constant, an empty literal, `not <always true>`, `... and <always false>`."""
    if isinstance(node, ast.Constant):
        return not node.value
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return not node.elts
    if isinstance(node, ast.Dict):
        return not node.keys
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return always_true(node.operand)
    if isinstance(node, ast.BoolOp):
        falsehoods = [always_false(value) for value in node.values]
        return any(falsehoods) if isinstance(node.op, ast.And) else all(falsehoods)
    return False


def test_the_always_true_check_sees_what_it_names():
    holds = [
        "True",
        "1",
        "'text'",
        "(x, 'why')",
        "[x]",
        "f'{x} text'",
        "lambda: x",
        "x or True",
        "x == 1 or y or 'always'",
        "not None",
        "not (x and False)",
        "x.y == x.y",
        "f(x) is f(x)",
    ]
    may_fail = ["x", "x == 1 or y", "x and True", "not x", "x == y", "x != x", "all(x)", "f'{x}'", "()"]
    assert [text for text in holds if not always_true(ast.parse(text, mode="eval").body)] == []
    assert [text for text in may_fail if always_true(ast.parse(text, mode="eval").body)] == []


def test_no_assertion_is_always_true():
    vacuous = [
        f"{path.relative_to(TESTS)}:{node.lineno}: assert {ast.unparse(node.test)}"
        for path in sorted(TESTS.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Assert) and always_true(node.test)
    ]
    assert vacuous == []
