"""The shape of the code, as DESIGN.md asks: the import picture at most 8 floors with no cycles, folders
whose imports point one way, no module a reader cannot hold (400 lines: a backstop; function size is
ruff's C901 and PLR0913, pyproject.toml), the CLI importing only the façade, CDKTF only in the engine, and the
config wing and rules free of CDKTF. Floors count the modules on the longest import chain (every import,
function-level ones too; only `if TYPE_CHECKING:` imports are left out; `ecrgen.__main__` is the entry
shim and not counted)."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "ecrgen"
MAX_FLOORS = 8
# A backstop, not a size target: functions are kept small by ruff (C901, PLR0913); a module holds one
# concern whole rather than being cut at a line count.
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = path.with_suffix("").relative_to(ROOT.parent).parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if name != "ecrgen.__main__":
            found[name] = path
    return found


MODULES = _modules()


def _imports(path: Path) -> list[ast.Import | ast.ImportFrom]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(inner) for statement in node.body for inner in ast.walk(statement)}
    return [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) and id(n) not in skipped]


def _targets(module: str, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The names a statement imports, absolute (`from ecrgen import commands` names `ecrgen.commands`)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
        parts = package.split(".")
        base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
    subs = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in MODULES]
    return subs if len(subs) == len(node.names) else [base, *subs]


def _owner(name: str) -> str | None:
    """The ecrgen module that a dotted name lives in, or None for other packages."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


@cache
def dependencies(module: str) -> frozenset[str]:
    """The ecrgen modules `module` imports."""
    found = {_owner(t) for node in _imports(MODULES[module]) for t in _targets(module, node)}
    return frozenset(m for m in found if m and m != module)


def external(module: str) -> set[str]:
    """The top-level packages outside ecrgen that `module` imports."""
    return {
        t.split(".")[0]
        for node in _imports(MODULES[module])
        for t in _targets(module, node)
        if not t.startswith("ecrgen")
    } - {""}


def floors() -> dict[str, int]:
    """Module -> its floor (1: imports no ecrgen module); raises on a cycle."""
    result: dict[str, int] = {}

    def floor(module: str, path: tuple[str, ...]) -> int:
        assert module not in path, f"import cycle: {' -> '.join((*path[path.index(module) :], module))}"
        if module not in result:
            result[module] = 1 + max((floor(d, (*path, module)) for d in dependencies(module)), default=0)
        return result[module]

    for module in MODULES:
        floor(module, ())
    return result


def test_the_import_picture_is_at_most_8_floors_without_cycles():
    heights = floors()
    top = max(heights, key=heights.__getitem__)
    chain = [top]
    while dependencies(chain[-1]):
        chain.append(max(dependencies(chain[-1]), key=heights.__getitem__))
    assert heights[top] <= MAX_FLOORS, " -> ".join(chain)


MAX_FOLDER_FLOORS = 9


def folder(module: str) -> str:
    """The node a module is in the folders' picture: its folder (`ecrgen.config`), or itself for a
    top-level module (`ecrgen.guard`)."""
    parts = module.split(".")
    package = len(parts) > 2 or MODULES[module].name == "__init__.py" and len(parts) == 2
    return ".".join(parts[:2]) if package else module


def folder_dependencies() -> dict[str, set[str]]:
    """Folder or top-level module -> the folders and top-level modules it imports."""
    graph: dict[str, set[str]] = {}
    for module in MODULES:
        graph.setdefault(folder(module), set()).update(folder(d) for d in dependencies(module))
    return {node: targets - {node} for node, targets in graph.items()}


def test_arrows_between_folders_point_down():
    """Each folder one node, each top-level module its own: no cycle, so every arrow points down (the
    engine sits with the constructs, the writer below the run, IAM document builders with the rules)."""
    graph = folder_dependencies()
    heights: dict[str, int] = {}

    def height(node: str, path: tuple[str, ...]) -> int:
        assert node not in path, f"arrow up: {' -> '.join((*path[path.index(node) :], node))}"
        if node not in heights:
            heights[node] = 1 + max((height(d, (*path, node)) for d in graph[node]), default=0)
        return heights[node]

    for node in graph:
        height(node, ())
    assert max(heights.values()) <= MAX_FOLDER_FLOORS, heights


def test_no_module_is_over_400_lines():
    long = {
        name: n for name, path in MODULES.items() if (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_cli_imports_only_the_facade():
    cli = {name for name in MODULES if name == "ecrgen.cli" or name.startswith("ecrgen.cli.")}
    assert cli, "ecrgen.cli is missing"
    outside = {d for name in cli for d in dependencies(name) if d not in cli}
    assert outside == {"ecrgen.commands"}


def test_cdktf_is_imported_only_by_the_engine():
    """The engine imports CDKTF through importlib (lazily, see its docstring); no other module imports it."""
    cdktf = {"cdktf", "cdktf_cdktf_provider_aws", "constructs", "jsii"}
    assert {name for name in MODULES if external(name) & cdktf} == set()
    loaders = {name for name, path in MODULES.items() if "import_module(" in path.read_text(encoding="utf-8")}
    assert loaders == {"ecrgen.ecr.engine"}


def test_config_and_rules_never_reach_cdktf():
    """`ecrgen validate` and most tests run without starting Node: nothing the config wing or the rules
    import (transitively) imports the engine."""
    engine = {name for name in MODULES if name.endswith(".engine")}

    def reach(module: str, seen: set[str]) -> set[str]:
        for dep in dependencies(module) - seen:
            seen.add(dep)
            reach(dep, seen)
        return seen

    for name in MODULES:
        if name.startswith(("ecrgen.config", "ecrgen.rules")):
            assert not reach(name, set()) & engine, name


def _public_functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """The module's public functions, and the public methods (properties too) of its public classes."""
    functions = (ast.FunctionDef, ast.AsyncFunctionDef)
    found = [node for node in tree.body if isinstance(node, functions)]
    for cls in tree.body:
        if isinstance(cls, ast.ClassDef) and not cls.name.startswith("_"):
            found += [node for node in cls.body if isinstance(node, functions)]
    return [node for node in found if not node.name.startswith("_")]


def test_every_module_and_public_function_has_a_docstring():
    missing = []
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if path.stat().st_size and ast.get_docstring(tree) is None:
            missing.append(name)
        missing += [
            f"{name}:{node.lineno} {node.name}"
            for node in _public_functions(tree)
            if ast.get_docstring(node) is None
        ]
    assert missing == []
