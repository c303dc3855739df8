"""What bytecode that exists saves, in paired runs (ratios against the same run's baseline).

    .venv/bin/python bench/bytecode_speed.py [--repeat N]

Under PYTHONDONTWRITEBYTECODE=1, as some environments set it. Baseline: every imported module's
bytecode removed before each run and the run started without ecrgen's exit hook (what every run cost
before `ecrgen.bytecode`: all it imports compiled from source). Measured: the same command after one run
through `python -m ecrgen` has written the bytecode of its import set. Commands: `ecrgen validate` and a
cold `ecrgen synth` of one account (one process, no workers).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The import set of a run, printed by a run itself: the bytecode path of every module it imported.
LIST_IMPORTS = (
    "import sys; from ecrgen import cli; sys.argv = ['ecrgen', *sys.argv[1:]]\n"
    "try: cli.app(prog_name='ecrgen')\n"
    "except SystemExit: pass\n"
    "for m in list(sys.modules.values()):\n"
    "    s = getattr(m, '__spec__', None)\n"
    "    if getattr(s, 'cached', None) and str(s.origin).endswith('.py'): print(s.cached, file=sys.stderr)"
)
WITHOUT_HOOK = (
    "import sys; from ecrgen import cli; sys.argv = ['ecrgen', *sys.argv[1:]]; cli.app(prog_name='ecrgen')"
)
ENV = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "ECRGEN_JOBS": "1"}


def timed(command: list[str], cwd: Path) -> float:
    """Wall seconds of one run."""
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=ENV, check=True, capture_output=True)
    return time.perf_counter() - started


def import_set(args: list[str], cwd: Path) -> list[Path]:
    """The bytecode paths of every module the command imports (ecrgen's, its dependencies', Python's)."""
    done = subprocess.run(
        [sys.executable, "-c", LIST_IMPORTS, *args], cwd=cwd, env=ENV, capture_output=True, text=True
    )
    # Only the virtual environment's and ecrgen's own: Python's standard library came compiled.
    mine = (Path(sys.prefix).resolve(), ROOT)
    paths = [Path(line).resolve() for line in done.stderr.splitlines() if line.endswith(".pyc")]
    return [p for p in paths if any(p.is_relative_to(top) for top in mine)]


def measure(name: str, args: list[str], cwd: Path, repeat: int) -> None:
    """Median baseline vs with-bytecode seconds of one command, as a ratio."""
    writable = import_set(args, cwd)
    before, after = [], []
    for _ in range(repeat):
        for path in writable:
            path.unlink(missing_ok=True)
        shutil.rmtree(cwd / "out", ignore_errors=True)
        before.append(timed([sys.executable, "-c", WITHOUT_HOOK, *args], cwd))
        shutil.rmtree(cwd / "out", ignore_errors=True)
        timed([sys.executable, "-m", "ecrgen", *args], cwd)  # the first run: compiles, writes bytecode
        shutil.rmtree(cwd / "out", ignore_errors=True)
        after.append(timed([sys.executable, "-m", "ecrgen", *args], cwd))
    b, a = statistics.median(before), statistics.median(after)
    print(f"{name:34} {len(writable):5} modules  without bytecode {b:6.2f} s  with {a:6.2f} s  ×{a / b:.2f}")


def main() -> None:
    """Copy the example accounts to a scratch folder and measure both commands."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        shutil.copytree(ROOT / "accounts", folder / "accounts")
        shutil.copytree(ROOT / "iam_policies", folder / "iam_policies")
        measure("ecrgen validate", ["validate"], folder, repeat)
        measure("ecrgen synth example_account", ["synth", "example_account", "--out", "out"], folder, repeat)


if __name__ == "__main__":
    main()
