"""Start-up of the command line against `python -c "import typer"` in the same run (ratios, not seconds).

    .venv/bin/python bench/startup_speed.py [--repeat N]

1. `ecrgen --version`
2. one shell-completion keypress (`ecrgen synth <TAB>`: bash completion of the account names)
3. `ecrgen validate` of the example accounts, for scale (it imports the config models)

Each is the median wall time of N runs of a fresh `python` process; the baseline is the Typer import
alone, the least any Typer command line pays. Neither 1 nor 2 imports the config models (pydantic),
Jinja2 or CDKTF (tests/cli/test_machine_output.py); this measures what is left.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def median(args: list[str], env: dict[str, str], repeat: int) -> float:
    """Median wall seconds of `python ARGS` run `repeat` times in the repository root."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, check=False)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    """Print each measure beside the baseline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    repeat = parser.parse_args().repeat
    env = {k: v for k, v in os.environ.items() if not k.startswith("_ECRGEN_COMPLETE")}
    completion = {
        **env,
        "_ECRGEN_COMPLETE": "complete_bash",
        "COMP_WORDS": "ecrgen synth ",
        "COMP_CWORD": "2",
    }
    baseline = median(["-c", "import typer"], env, repeat)
    print(f"baseline: python -c 'import typer'  {baseline:6.3f} s (median of {repeat})")
    for label, args, run_env in (
        ("ecrgen --version", ["-m", "ecrgen", "--version"], env),
        ("completion keypress", ["-m", "ecrgen"], completion),
        ("ecrgen validate (scale)", ["-m", "ecrgen", "validate"], env),
    ):
        seconds = median(args, run_env, repeat)
        print(f"{label:26s} {seconds:6.3f} s | {seconds / baseline:4.2f}x the baseline")


if __name__ == "__main__":
    main()
