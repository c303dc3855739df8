"""Every user-facing message in ecrgen/ is pinned: its text appears in some test's expected text.

Messages are found with `ast` wherever ecrgen composes one: the message of a `Problem(file, path,
message)`, of a rule's `(sub_path, message)` pair, of `warnings.warn`, `typer.BadParameter`, `typer.echo`,
`print` and `sys.stderr.write`, and the lines a function returns (the drift report). Module-level
string constants (`REGION_RULE`) and tables of them (`_TYPES[kind]`), and local names assigned once in
the same function (`label = f"template {name!r}"`), are read into the text; a helper that puts its
parameter into a message (`names.matches(value, pattern, what)`) yields one message per call with a
literal argument. A placeholder (`{show(value)}`) matches anything: a message is pinned when each of
its literal fragments long enough to identify it (MIN_FRAGMENT) appears in a string literal under
tests/. The code moves between files, the texts do not: the check goes by text, not by place.

`python tests/test_messages_pinned.py` lists every message found, pinned (ok) or not (--).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOLE = None  # a placeholder: a value known only when the message is made
MIN_FRAGMENT = 12  # shorter fragments (" is not ", "cannot be read (") are shared by many messages
# A helper's message is filled in at its calls, found by the helper's name: calls of these names are
# too common to tell which function they call.
GENERIC_NAMES = frozenset({"add", "append", "write", "get", "join", "format", "replace", "start"})


@dataclass(frozen=True)
class Message:
    where: str  # ecrgen/FILE.py:LINE
    parts: tuple  # literal text, HOLE, or (parameter name,) while it is a helper's template

    @property
    def fragments(self) -> list[str]:
        runs, current = [], ""
        for part in self.parts:
            if isinstance(part, str):
                current += part
            else:
                runs.append(current)
                current = ""
        return [run for run in [*runs, current] if run.strip()]

    @property
    def telling(self) -> list[str]:
        """The fragments that identify the message (all of them pinned, or the message is not)."""
        return [fragment for fragment in self.fragments if len(fragment.strip()) >= MIN_FRAGMENT]

    def __str__(self) -> str:
        text = "".join(p if isinstance(p, str) else "{...}" for p in self.parts)
        return f"{self.where}: {text!r}"


def _reads_like_a_message(parts: tuple) -> bool:
    text = "".join(p for p in parts if isinstance(p, str)).strip()
    return " " in text and sum(c.isalpha() for c in text) >= 6


def _module_texts(trees: dict[str, ast.Module]) -> dict[str, list[str]]:
    """Module-level `NAME = "text"` and `NAME = {key: "text", ...}` across ecrgen: NAME -> its texts."""
    found: dict[str, list[list[str]]] = {}
    for tree in trees.values():
        for node in tree.body:
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
                target, value = node.target, node.value
            elif isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            else:
                continue
            if not isinstance(target, ast.Name):
                continue
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                found.setdefault(target.id, []).append([value.value])
            elif isinstance(value, ast.Dict) and all(
                isinstance(v, ast.Constant) and isinstance(v.value, str) for v in value.values
            ):
                found.setdefault(target.id, []).append([v.value for v in value.values])
    # a name defined twice is ambiguous; __version__ and the like are not message text
    return {n: texts[0] for n, texts in found.items() if len(texts) == 1 and not n.startswith("__")}


def _called(node: ast.Call) -> tuple[str, str]:
    """(owner, name) of the function called: ('typer', 'echo'), ('', 'Problem'), ('stderr', 'write')."""
    func = node.func
    if isinstance(func, ast.Name):
        return "", func.id
    if isinstance(func, ast.Attribute):
        owner = func.value
        return (owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")), func.attr
    return "", ""


def _message_expressions(function: ast.AST):
    """(line, expression) for every message composed in this function's own body (not nested ones)."""
    for node in _own_nodes(function):
        if isinstance(node, ast.Call):
            if (message := _call_message(node)) is not None:
                yield node.lineno, message
        elif isinstance(node, ast.Tuple) and len(node.elts) == 2:
            yield node.lineno, node.elts[1]  # a rule's (sub_path, message), kept if it reads like one
        elif isinstance(node, ast.Return) and node.value is not None:
            values = node.value.elts if isinstance(node.value, ast.List) else [node.value]
            for value in values:
                yield node.lineno, value
        elif isinstance(node, ast.AugAssign | ast.Expr) and isinstance(
            getattr(node, "value", None), ast.List | ast.ListComp
        ):
            value = node.value
            for element in value.elts if isinstance(value, ast.List) else [value.elt]:
                yield node.lineno, element  # report.lines += [f"..."]


def _call_message(node: ast.Call) -> ast.expr | None:
    """The message a call composes: a Problem's message, or what is warned, echoed, printed, written."""
    owner, name = _called(node)
    if name == "Problem":
        keywords = {k.arg: k.value for k in node.keywords}
        return node.args[2] if len(node.args) >= 3 else keywords.get("message")
    printing = {
        ("warnings", "warn"),
        ("typer", "BadParameter"),
        ("typer", "echo"),
        ("", "print"),
        ("stderr", "write"),
    }
    return node.args[0] if (owner, name) in printing and node.args else None


def _own_nodes(function: ast.AST):
    """The nodes of a function (or module) outside the functions and classes nested in it."""
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


class _Extractor:
    def __init__(self, trees: dict[str, ast.Module]):
        self.trees = trees
        self.module_texts = _module_texts(trees)
        self.found: list[Message] = []
        self.templates: dict[str, list[tuple[tuple[str, ...], Message]]] = {}

    def parts(self, node: ast.expr, params: tuple[str, ...], local: dict[str, ast.expr]) -> list[tuple]:
        """Every form (an `if` expression gives two) a message expression can take, as parts."""
        if isinstance(node, ast.Constant):
            return [(node.value,)] if isinstance(node.value, str) else [(HOLE,)]
        if isinstance(node, ast.JoinedStr):
            forms: list[tuple] = [()]
            for value in node.values:
                if isinstance(value, ast.FormattedValue) and (value.conversion != -1 or value.format_spec):
                    options = [(HOLE,)]  # {name!r}, {count:,}: not the text itself
                else:
                    inner = value.value if isinstance(value, ast.FormattedValue) else value
                    options = self.parts(inner, params, local)
                forms = [form + option for form in forms for option in options]
            return forms
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return [
                a + b
                for a in self.parts(node.left, params, local)
                for b in self.parts(node.right, params, local)
            ]
        if isinstance(node, ast.IfExp):
            return self.parts(node.body, params, local) + self.parts(node.orelse, params, local)
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name | ast.Attribute):
            texts = self._module_text(node.value)
            return [(text,) for text in texts] if texts else [(HOLE,)]
        if isinstance(node, ast.Name) and node.id in local:
            return self.parts(local[node.id], params, {k: v for k, v in local.items() if k != node.id})
        if isinstance(node, ast.Name) and node.id in params:
            return [((node.id,),)]
        texts = self._module_text(node)
        return [(texts[0],)] if texts and len(texts) == 1 else [(HOLE,)]

    def _module_text(self, node: ast.expr) -> list[str]:
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
        return self.module_texts.get(name, [])

    def run(self) -> list[Message]:
        for file, tree in self.trees.items():
            functions = [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef))]
            for function in functions:
                self._collect(file, function)
        for file, tree in self.trees.items():
            for node in ast.walk(tree):
                if isinstance(node, ast.Call):
                    self._fill(file, node)
        unique: dict[tuple, Message] = {}
        for message in self.found:
            plain = tuple(HOLE if isinstance(p, tuple) else p for p in message.parts)
            unique.setdefault(plain, Message(message.where, plain))
        return list(unique.values())

    def _collect(self, file: str, function: ast.AST) -> None:
        params = tuple(a.arg for a in function.args.args) if isinstance(function, ast.FunctionDef) else ()
        assigned: dict[str, list[ast.expr]] = {}
        for node in _own_nodes(function):
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
            ):
                assigned.setdefault(node.targets[0].id, []).append(node.value)
        # a local assigned once with text (an `if` expression or a call is a value known only at run time)
        local = {
            name: values[0]
            for name, values in assigned.items()
            if len(values) == 1 and isinstance(values[0], ast.Constant | ast.JoinedStr)
        }
        for line, expression in _message_expressions(function):
            for parts in self.parts(expression, params, local):
                message = Message(f"{file}:{line}", parts)
                if _reads_like_a_message(parts):
                    self.found.append(message)
                # `f"{show(value)} is not {what}"` reads like nothing until a caller says what
                takes = any(isinstance(part, tuple) for part in parts) and "".join(message.fragments).strip()
                if takes and isinstance(function, ast.FunctionDef) and function.name not in GENERIC_NAMES:
                    self.templates.setdefault(function.name, []).append((params, message))

    def _fill(self, file: str, call: ast.Call) -> None:
        """A call of a helper whose parameters go into a message: one message per form of its arguments."""
        _, name = _called(call)
        keywords = {k.arg: k.value for k in call.keywords}
        for params, template in self.templates.get(name, []):
            # `obj.method(...)` passes no `self`
            offset = 1 if params[:1] == ("self",) else 0
            forms: dict[str, list[tuple]] = {}
            for position, param in enumerate(params[offset:]):
                argument = call.args[position] if position < len(call.args) else keywords.get(param)
                options = self.parts(argument, (), {}) if argument is not None else [(HOLE,)]
                forms[param] = [o if any(isinstance(p, str) for p in o) else (HOLE,) for o in options]
            filled: list[tuple] = [()]
            for part in template.parts:
                options = forms.get(part[0], [(HOLE,)]) if isinstance(part, tuple) else [(part,)]
                filled = [f + o for f in filled for o in options]
            for parts in filled:
                if _reads_like_a_message(parts) and parts != tuple(
                    HOLE if isinstance(p, tuple) else p for p in template.parts
                ):
                    self.found.append(Message(f"{file}:{call.lineno}", parts))


def ecrgen_messages() -> list[Message]:
    """Every message ecrgen/ composes (see the module docstring)."""
    trees = {
        path.relative_to(ROOT).as_posix(): ast.parse(path.read_text(encoding="utf-8"), str(path))
        for path in sorted((ROOT / "ecrgen").rglob("*.py"))
    }
    return _Extractor(trees).run()


def expected_texts() -> str:
    """Every string literal under tests/ (f-strings' literal parts too), this file's excepted."""
    texts = []
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        if path.resolve() != Path(__file__).resolve():
            tree = ast.parse(path.read_text(encoding="utf-8"))
            texts += [
                n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            ]
    return "\n\0\n".join(texts)


def unpinned(messages: list[Message], corpus: str) -> list[str]:
    return sorted(
        str(message) for message in messages if any(fragment not in corpus for fragment in message.telling)
    )


# Composed only by code no account file reaches (defensive fallbacks): not pinned, with the reason.
UNREACHABLE = {
    " must be a number": "pydantic's float_type: no field of the account file is a number with a fraction",
    "the default policy these settings give is not accepted by ECR: rules": "protected_tags, max_image_count "
    "and untagged_image_days are checked (and clamped) before the default rules are, so of those rules only "
    "the policy text's length can fail, which has no rule path",
}


def test_every_message_is_pinned():
    messages = ecrgen_messages()
    assert len(messages) > 200  # the extraction still finds ecrgen's messages where they are composed
    missing = unpinned(messages, expected_texts())
    assert [m for m in missing if not any(text in m for text in UNREACHABLE)] == []


def test_the_unreachable_messages_are_still_there_and_unpinned():
    missing = unpinned(ecrgen_messages(), expected_texts())
    assert [text for text in UNREACHABLE if not any(text in m for m in missing)] == []


SAMPLE = """
RULE = "1-3 chars: letters only"
TYPES = {"int": "an integer", "str": "a string"}


def check(value, what):
    return [] if value else [("", f"{value!r} is not {what}")]


def use(value, kind, found):
    label = f"widget {value!r}"
    check(value, "a widget name we know")
    warnings.warn("ecrgen: widgets are deprecated now")
    typer.echo(f"{label}: done and dusted", err=True)
    found.append(Problem("f", "p", f"{value} breaks the widget rule ({RULE})"))
    found.append(Problem("f", "p", f"{value} must be {TYPES[kind]}"))
    return ["x", "y"]  # not text a user reads
"""


def test_the_extraction_finds_each_kind_of_message():
    messages = _Extractor({"sample.py": ast.parse(SAMPLE)}).run()
    assert sorted(str(m) for m in messages) == [
        "sample.py:12: '{...} is not a widget name we know'",
        "sample.py:13: 'ecrgen: widgets are deprecated now'",
        "sample.py:14: 'widget {...}: done and dusted'",
        "sample.py:15: '{...} breaks the widget rule (1-3 chars: letters only)'",
        "sample.py:16: '{...} must be a string'",
        "sample.py:16: '{...} must be an integer'",
    ]
    corpus = "\n".join(
        [
            "f: p: 'w' is not a widget name we know",
            "ecrgen: widgets are deprecated now",
            "3 must be an integer",
        ]
    )
    assert unpinned(messages, corpus) == [
        "sample.py:14: 'widget {...}: done and dusted'",
        "sample.py:15: '{...} breaks the widget rule (1-3 chars: letters only)'",
        "sample.py:16: '{...} must be a string'",
    ]


if __name__ == "__main__":  # python tests/test_messages_pinned.py: every message found, pinned or not
    corpus = expected_texts()
    for message in sorted(ecrgen_messages(), key=lambda m: m.where):
        print("--" if unpinned([message], corpus) else "ok", message, message.telling)
