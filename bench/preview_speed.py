"""Speed of `ecrgen lifecycle-preview` against `ecrgen validate` of the same account, in the same run
(a ratio, not an absolute promise; issue 22's target: at most 2x).

    .venv/bin/python bench/preview_speed.py [--repeat N] [--images N]

The account is ecrgen's production example (five repositories, a custom policy among them); the images
file holds N (default 10,000) images of `api` (default policy with protected tags): tagged, untagged,
archived, pulled and never pulled, pushed over two years. Both commands run as `python -m ecrgen`
processes, alternating, and the median of each is compared.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AT = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)


def images(count: int) -> dict:
    """describe-images JSON of `count` images, as the CLI prints it (ISO 8601 times)."""
    details = []
    for n in range(count):
        pushed = AT - dt.timedelta(hours=(n * 7) % (2 * 365 * 24))
        detail: dict = {"imageDigest": f"sha256:{n:064x}", "imagePushedAt": pushed.isoformat()}
        tags = [f"prod-{n}"] if n % 50 == 0 else [f"v1.{n}", f"sha-{n:08x}"] if n % 3 else []
        if tags:
            detail["imageTags"] = tags
        if n % 4 == 0:
            detail["lastRecordedPullTime"] = (pushed + dt.timedelta(days=3)).isoformat()
        if n % 20 == 0:
            detail.update(imageStatus="ARCHIVED", lastArchivedAt=(pushed + dt.timedelta(days=30)).isoformat())
        details.append(detail)
    return {"imageDetails": details}


def timed(args: list[str], cwd: Path) -> float:
    """Wall seconds of one `python -m ecrgen ...` run (which must succeed)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "ecrgen", *args], cwd=cwd, env=os.environ, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"ecrgen {' '.join(args)} failed:\n{done.stderr}")
    return seconds


def main() -> None:
    """Print the medians and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--images", type=int, default=10_000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        shutil.copytree(ROOT / "accounts", folder / "accounts")
        shutil.copytree(ROOT / "iam_policies", folder / "iam_policies")
        (folder / "images.json").write_text(json.dumps(images(options.images), indent=2))
        validate = ["validate", "example_account"]
        preview = ["lifecycle-preview", "example_account", "api", "--images", "images.json"]
        preview += ["--at", AT.isoformat(), "--json"]
        timed(validate, folder)  # warm the file system cache and bytecode for both
        timed(preview, folder)
        runs: dict[str, list[float]] = {"validate": [], "preview": []}
        for _ in range(options.repeat):
            runs["validate"].append(timed(validate, folder))
            runs["preview"].append(timed(preview, folder))
    base, measured = (statistics.median(runs[key]) for key in ("validate", "preview"))
    for label, seconds in (
        ("validate example_account", base),
        (f"lifecycle-preview example_account api, {options.images:,} images", measured),
    ):
        print(f"{label + ':':<55} {seconds:.2f} s (median of {options.repeat})")
    print(f"preview / validate: {measured / base:.2f}x (target <= 2x)")


if __name__ == "__main__":
    main()
