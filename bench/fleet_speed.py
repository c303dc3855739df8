"""A fleet at the scale platform teams run it, every figure a ratio against a floor measured in the same run.

    .venv/bin/python bench/fleet_speed.py [--accounts 1000] [--repeat 3]

The floor is what no synthesis can beat: `ecrgen validate` of the same files (read, check, render the
policies), plus writing the same bytes (every synthesized `cdk.tf.json` read back and written again).
Rows: cold `synth --all` (one invocation), `synth --all` with one account file changed, with nothing
changed, each against the floor or `validate`; peak RSS of the largest process of the cold run (ecrgen,
its workers, Node: Linux's wait4 maxrss of the tree). Accounts as `bench/synth_speed.py` makes them
(20 repositories each, half production).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from synth_speed import many_accounts, median_run, run  # noqa: E402


def rewrite_seconds(out: Path) -> float:
    """Reading every synthesized stack back and writing the same bytes again (the writing floor)."""
    started = time.perf_counter()
    for stack in sorted((out / "stacks").glob("*/cdk.tf.json")):
        data = stack.read_bytes()
        copy = stack.with_name("floor.json")
        copy.write_bytes(data)
        copy.unlink()
    return time.perf_counter() - started


def main() -> None:
    """Make the accounts, then time each row beside its floor."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    count, repeat = options.accounts, options.repeat
    with tempfile.TemporaryDirectory(prefix="ecrgen-fleet-") as scratch:
        work = Path(scratch)
        many_accounts(work, count)
        cold_s, cold_mb, _ = run(["synth", "--all"], work)
        validate_s, _ = median_run(repeat, ["validate"], work)
        floor_s = validate_s + statistics.median(rewrite_seconds(work / "cdktf.out") for _ in range(repeat))
        unchanged_s, _ = median_run(repeat, ["synth", "--all"], work)
        with open(work / "accounts" / "acct042.toml", "a") as stream:
            stream.write("\n# changed\n")
        one_s, _, out = run(["synth", "--all"], work)
        resynthesized = len(out.splitlines()) - out.count("(skipped)")
        print(f"{count} accounts x 20 repositories (2-core figures in docs/performance.md)")
        print(f"floor: validate {validate_s:6.2f} s + rewriting the output = {floor_s:6.2f} s")
        print(
            f"cold synth --all        {cold_s:7.2f} s  {cold_s / floor_s:5.2f}x floor  peak {cold_mb:5.0f} MB"
        )
        print(
            f"one changed             {one_s:7.2f} s  {one_s / validate_s:5.2f}x validate"
            f"  ({resynthesized} re-synthesized)"
        )
        print(f"unchanged synth --all   {unchanged_s:7.2f} s  {unchanged_s / validate_s:5.2f}x validate")
        shutil.rmtree(work / "cdktf.out", ignore_errors=True)


if __name__ == "__main__":
    main()
