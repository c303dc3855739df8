"""Speed of ecrgen against baselines measured in the same run (ratios, not absolute promises).

    .venv/bin/python bench/synth_speed.py [--repeat N]

1. one account, cold `ecrgen synth` vs the naive path (ECRGEN_LAZY=0: the provider package imported
   the ordinary way on the Python side, and its whole lib/index.js loaded by Node); peak RSS per process
2. 100 accounts x 20 repositories, cold, one invocation
3. `ecrgen validate` of those 100 accounts
4. `ecrgen synth --all` when nothing changed
5. one account changed among 100 (how many are re-synthesized)

Peak RSS is that of the ecrgen process and the Node process it waited for (Linux's wait4 maxrss).
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


def run(args: list[str], cwd: Path, **env: str) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB, and stdout of one `python -m ecrgen ...` run."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "ecrgen", *args],
        cwd=cwd,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    stdout = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"ecrgen {' '.join(args)} failed")
    return seconds, usage.ru_maxrss / 1024, stdout


def median_run(repeat: int, args: list[str], cwd: Path, **env: str) -> tuple[float, float]:
    runs = [run(args, cwd, **env) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def many_accounts(folder: Path, count: int = 100, repositories: int = 20) -> None:
    (folder / "accounts").mkdir(parents=True)
    for index in range(count):
        lines = [
            f'[account]\nid = "{100000000000 + index}"\nregion = "us-east-1"\n'
            f'environment = "{"production" if index % 2 else "dev"}"\nproject = "p{index}"\n',
            '[defaults]\npull_account_ids = ["210987654321"]\n'
            'push_principals = ["arn:aws:iam::123456789012:role/ci"]\n'
            '[defaults.lifecycle]\nprotected_tags = ["v*"]\n',
        ]
        lines += [f'[[repository]]\nname = "svc-{r}"\n' for r in range(repositories)]
        lines.append(
            '[role]\nname = "ci"\ngithub_repositories = ["acme/app:ref:refs/heads/main"]\n'
            '[alerts]\nsqs_queue_name = "q"\n'
        )
        (folder / "accounts" / f"acct{index:03d}.toml").write_text("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    with tempfile.TemporaryDirectory(prefix="ecrgen-bench-") as scratch:
        work = Path(scratch)
        shutil.copytree(ROOT / "accounts", work / "one" / "accounts")
        shutil.copytree(ROOT / "iam_policies", work / "one" / "iam_policies")
        one = ["synth", "example_account", "--force", "--out", "out"]
        naive_s, naive_mb = median_run(repeat, one, work / "one", ECRGEN_LAZY="0")
        lazy_s, lazy_mb = median_run(repeat, one, work / "one")
        print(
            f"1. one account, cold:      naive {naive_s:6.2f} s {naive_mb:5.0f} MB"
            f" | ecrgen {lazy_s:5.2f} s {lazy_mb:4.0f} MB"
            f" | {naive_s / lazy_s:4.1f}x faster (target >= 12x, <= 250 MB)"
        )

        many_accounts(work / "many")
        cold_s, cold_mb, _ = run(["synth", "--all"], work / "many")
        print(
            f"2. 100 accounts x 20 repos, cold: {cold_s:5.2f} s {cold_mb:4.0f} MB peak per process"
            f" | {cold_s / naive_s:4.2f}x one naive account (target <= 10 s)"
        )
        validate_s, _ = median_run(repeat, ["validate"], work / "many")
        print(
            f"3. validate 100 accounts:  {validate_s:5.2f} s"
            f" | {validate_s / lazy_s:4.2f}x one cold account synth (target <= 1 s)"
        )
        unchanged_s, _ = median_run(repeat, ["synth", "--all"], work / "many")
        print(
            f"4. synth --all, unchanged: {unchanged_s:5.2f} s"
            f" | {unchanged_s / lazy_s:4.2f}x one cold account synth (target <= 0.5 s)"
        )
        with open(work / "many" / "accounts" / "acct042.toml", "a") as stream:
            stream.write("\n# changed\n")
        one_s, _, out = run(["synth", "--all"], work / "many")
        print(
            f"5. one changed among 100:  {one_s:5.2f} s, "
            f"{len(out.splitlines()) - out.count('(skipped)')} account(s) re-synthesized (target: 1)"
        )


if __name__ == "__main__":
    main()
