"""Fresh clone to first synthesized output: this project's `make synth` beside the old way.

    python3 bench/setup_speed.py [--skip-old] [--source PATH_OR_URL]

Each way starts from a new `git clone` of the committed HEAD in a temporary folder and ends when
`cdktf.out/stacks/*/cdk.tf.json` exists:

- new: `make synth` (uv from constraints.txt, no byte-compiling; the synth-only install)
- old: what the Makefile did before: `python3 -m venv` (with pip), `pip install --upgrade pip`,
  `pip install -e '.[test]'` (pip byte-compiles every module, 2,200 of them the AWS provider's),
  then `ecrgen synth --all`

Package downloads come from the machine's warm caches (pip's, uv's) for both ways: this measures
set-up work, not the network. Each way gets an empty jsii package cache of its own
(JSII_RUNTIME_PACKAGE_CACHE_ROOT), so its size after the first synth is measured too.
Targets (issue 13): new way <= 30 s clone to output, .venv <= 600 MB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OLD = [
    "python3 -m venv .venv",
    ".venv/bin/python -m pip install --quiet --upgrade pip",
    ".venv/bin/python -m pip install --quiet -e '.[test]'",
    ".venv/bin/ecrgen synth --all",
]
NEW = ["make synth"]


def size_mb(path: Path) -> float:
    """Disk use as `du` counts it (hard links once)."""
    out = subprocess.run(["du", "-sk", str(path)], capture_output=True, text=True, check=True).stdout
    return int(out.split()[0]) / 1024


def measure(source: str, commands: list[str]) -> dict[str, float]:
    """Clone, run the commands in order; seconds (clone included), .venv and jsii cache sizes."""
    with tempfile.TemporaryDirectory(prefix="ecrgen-setup-") as scratch:
        work, cache = Path(scratch) / "e", Path(scratch) / "jsii-cache"
        env = {**os.environ, "JSII_RUNTIME_PACKAGE_CACHE_ROOT": str(cache)}
        started = time.perf_counter()
        subprocess.run(["git", "clone", "-q", source, str(work)], check=True)
        for command in commands:
            done = subprocess.run(command, shell=True, cwd=work, env=env, capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(f"{command} failed:\n{done.stdout}\n{done.stderr}")
        seconds = time.perf_counter() - started
        if not list(work.glob("cdktf.out/stacks/*/cdk.tf.json")):
            raise SystemExit(f"{commands}: no synthesized output")
        return {
            "seconds": seconds,
            "venv": size_mb(work / ".venv"),
            "bytecode": _bytecode_mb(work / ".venv"),
            "jsii": size_mb(cache) if cache.exists() else 0.0,
        }


def _bytecode_mb(venv: Path) -> float:
    return sum(p.stat().st_size for p in venv.rglob("*.pyc")) / 2**20


def line(label: str, figures: dict[str, float]) -> str:
    return (
        f"{label:<4} {figures['seconds']:6.1f} s clone to output | .venv {figures['venv']:4.0f} MB "
        f"({figures['bytecode']:3.0f} MB bytecode) | jsii cache {figures['jsii']:4.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=str(ROOT), help="what to clone (default: this checkout's HEAD)")
    parser.add_argument("--skip-old", action="store_true", help="measure only the new way")
    args = parser.parse_args()
    new = measure(args.source, NEW)
    print(
        line("new", new)
        + f"   (targets: <= 30 s, .venv <= 600 MB){'' if new['seconds'] <= 30 else '  SLOWER THAN TARGET'}",
        flush=True,
    )
    if args.skip_old:
        return
    old = measure(args.source, OLD)
    print(line("old", old))
    print(
        f"new/old: {new['seconds'] / old['seconds']:.2f}x the time "
        f"({old['seconds'] / new['seconds']:.1f}x faster), "
        f"{new['venv'] / old['venv']:.2f}x the .venv size"
    )


if __name__ == "__main__":
    main()
