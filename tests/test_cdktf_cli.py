"""The CDKTF CLI on ecrgen's output: `manifest.json` as CDKTF writes it, and the real `cdktf synth` and
`cdktf list` (npm's cdktf-cli) through this project's cdktf.json."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT

from ecrgen import output
from ecrgen.ecr import engine
from ecrgen.synthesis import manifest


def cdktf_cli() -> str | None:
    """CDKTF_CLI, else `cdktf` on PATH, else `npm install --prefix .cdktf-cli cdktf-cli@0.21.0`'s."""
    local = ROOT / ".cdktf-cli" / "node_modules" / ".bin" / "cdktf"
    found = os.environ.get("CDKTF_CLI") or shutil.which("cdktf") or (str(local) if local.exists() else None)
    return str(Path(found).resolve()) if found else None


def test_manifest_is_what_cdktf_writes(synthesized):
    written = json.loads((synthesized["_out"] / "manifest.json").read_text())
    cdktf = engine.cdktf()
    with tempfile.TemporaryDirectory() as scratch:
        app = cdktf.App(outdir=scratch)
        for name in written["stacks"]:
            cdktf.TerraformStack(app, name)
        app.synth()
        expected = json.loads((Path(scratch) / "manifest.json").read_text())
    assert written == expected
    assert sorted(written["stacks"]) == [
        "edge",
        "example_account",
        "example_nonprod",
        "example_registry",
        "ownership",
        "reordered",
    ]


def test_manifest_lists_only_accounts_of_the_folder_and_is_rewritten_only_on_change(tmp_path):
    out = tmp_path / "out"
    output.write_file(out / output.MANIFEST, manifest.text(["b", "a"]))
    first = (out / "manifest.json").stat().st_mtime_ns
    assert list(json.loads((out / "manifest.json").read_text())["stacks"]) == ["a", "b"]
    assert output.write_file(out / "manifest.json", manifest.text(["a", "b"])) is False
    assert (out / "manifest.json").stat().st_mtime_ns == first


@pytest.mark.skipif(
    cdktf_cli() is None or shutil.which("node") is None,
    reason="cdktf-cli (make cdktf-test installs it) or a system Node 20/22 to run it is missing",
)
def test_cdktf_synth_and_list_run_ecrgen(tmp_path):
    shutil.copytree(EXAMPLES, tmp_path / "accounts")
    shutil.copytree(ROOT / "iam_policies", tmp_path / "iam_policies")
    shutil.copy(ROOT / "cdktf.json", tmp_path)
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))  # cdktf.json runs .venv/bin/python
    env = {**os.environ, "CHECKPOINT_DISABLE": "1", "CI": "1", "FORCE_COLOR": "0"}
    done = subprocess.run(
        [cdktf_cli(), "synth"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "example_account, example_nonprod" in done.stdout
    assert (tmp_path / "cdktf.out" / "stacks" / "example_account" / "cdk.tf.json").is_file()
    listed = subprocess.run(
        [cdktf_cli(), "list"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert listed.returncode == 0, listed.stdout + listed.stderr
    rows = [
        line.split() for line in listed.stdout.splitlines() if line.startswith("example_") and ":" not in line
    ]
    assert rows == [
        ["example_account", "cdktf.out/stacks/example_account"],
        ["example_nonprod", "cdktf.out/stacks/example_nonprod"],
        ["example_registry", "cdktf.out/stacks/example_registry"],
    ]
