"""A fleet at the scale platform teams run it, every figure a ratio against a floor measured in the same run.

    .venv/bin/python bench/fleet_speed.py [--accounts 1000] [--repeat 3] [--before CHECKOUT]

The floor is what no synthesis can beat: `ecrgen validate` of the same files (read, check, render the
policies), plus writing the same bytes (every synthesized `cdk.tf.json` read back and written again).
Rows: cold `synth --all` (one invocation), `synth --all` with one account file changed, with nothing
changed, each against the floor or `validate`. Memory (issue 24, item 3): the peak RSS of the ecrgen
process itself beside that of `ecrgen validate` of the same files, and of the largest process it waited
for (a worker or its Node; Linux's maxrss). `--before` runs the same rows with another checkout of
ecrgen (`git worktree add /tmp/before COMMIT`; run on PYTHONPATH, into its own output folder) in the same
run. Accounts as `bench/synth_speed.py` makes them (20 repositories each, half production).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from synth_speed import many_accounts  # noqa: E402


def rewrite_seconds(out: Path) -> float:
    """Reading every synthesized stack back and writing the same bytes again (the writing floor)."""
    started = time.perf_counter()
    for stack in sorted((out / "stacks").glob("*/cdk.tf.json")):
        data = stack.read_bytes()
        copy = stack.with_name("floor.json")
        copy.write_bytes(data)
        copy.unlink()
    return time.perf_counter() - started


# `python -c` this, then ecrgen's arguments: runs ecrgen, then reports the peak RSS (kB) of this process
# and of the largest child process it waited for, on stderr.
PEAKS = (
    "import atexit, resource, runpy, sys\n"
    "atexit.register(lambda: sys.stderr.write('ECRGEN-PEAKS %d %d\\n' % (\n"
    "    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,\n"
    "    resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)))\n"
    "sys.argv = ['ecrgen', *sys.argv[1:]]\n"
    "runpy.run_module('ecrgen', run_name='__main__', alter_sys=True)\n"
)


def peaks(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, float, str]:
    """Wall seconds, the peak RSS (MB) of the ecrgen process and of the largest process it waited for,
    and the stdout of one ecrgen run."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PEAKS, *args], cwd=cwd, env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"ecrgen {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    own, children = done.stderr.rsplit("ECRGEN-PEAKS ", 1)[1].split()
    return seconds, int(own) / 1024, int(children) / 1024, done.stdout


def rows(work: Path, repeat: int, env: dict[str, str], out: str, label: str) -> None:
    """Every row for one ecrgen (this checkout, or `--before`'s), printed."""
    cold_s, own_mb, child_mb, _ = peaks(["synth", "--all", "--out", out], work, env)
    runs = [peaks(["validate"], work, env) for _ in range(repeat)]
    validate_s = statistics.median(r[0] for r in runs)
    validate_mb = max(r[1] for r in runs)
    floor_s = validate_s + statistics.median(rewrite_seconds(work / out) for _ in range(repeat))
    unchanged_s = statistics.median(
        peaks(["synth", "--all", "--out", out], work, env)[0] for _ in range(repeat)
    )
    files = sorted((work / "accounts").glob("*.toml"))
    changed = files[len(files) // 2]
    original = changed.read_bytes()
    changed.write_bytes(original + b"\n# changed\n")
    one_s, _, _, stdout = peaks(["synth", "--all", "--out", out], work, env)
    changed.write_bytes(original)
    resynthesized = len(stdout.splitlines()) - stdout.count("(skipped)")
    print(f"-- {label}")
    print(f"floor: validate {validate_s:6.2f} s + rewriting the output = {floor_s:6.2f} s")
    print(f"cold synth --all        {cold_s:7.2f} s  {cold_s / floor_s:5.2f}x floor")
    print(
        f"one changed             {one_s:7.2f} s  {one_s / validate_s:5.2f}x validate"
        f"  ({resynthesized} re-synthesized)"
    )
    print(f"unchanged synth --all   {unchanged_s:7.2f} s  {unchanged_s / validate_s:5.2f}x validate")
    print(
        f"peak RSS of the cold synth: ecrgen {own_mb:5.0f} MB ({own_mb / validate_mb:4.2f}x validate's "
        f"{validate_mb:.0f} MB); largest worker or Node {child_mb:5.0f} MB"
    )


def main() -> None:
    """Make the accounts, then time each row beside its floor (and `--before`'s rows too)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--before", type=Path, help="another checkout of ecrgen, run the same way")
    options = parser.parse_args()
    count, repeat = options.accounts, options.repeat
    with tempfile.TemporaryDirectory(prefix="ecrgen-fleet-") as scratch:
        work = Path(scratch)
        many_accounts(work, count)
        print(f"{count} accounts x 20 repositories (2-core figures in docs/performance.md)")
        if options.before:
            before = {**os.environ, "PYTHONPATH": str(options.before.resolve())}
            rows(work, repeat, before, "cdktf.before", f"before: {options.before}")
        rows(work, repeat, dict(os.environ), "cdktf.out", "this checkout")


if __name__ == "__main__":
    main()
