"""CDKTF's `manifest.json`, which the `cdktf` CLI reads to find each stack (no CDKTF import)."""

from __future__ import annotations

import json

from ecrgen.output import STACK_FILE


def text(stacks: list[str]) -> str:
    """The `manifest.json` CDKTF's `app.synth()` writes beside `stacks/`, which the `cdktf` CLI
    reads (`cdktf list`, `diff`, `deploy`) to find each stack's folder and file."""
    from importlib.metadata import version

    entries = {
        name: {
            "annotations": [],
            "constructPath": name,
            "dependencies": [],
            "name": name,
            "stackMetadataPath": f"stacks/{name}/metadata.json",
            "synthesizedStackPath": f"stacks/{name}/{STACK_FILE}",
            "workingDirectory": f"stacks/{name}",
        }
        for name in sorted(stacks)
    }
    return json.dumps({"stacks": entries, "version": version("cdktf")}, sort_keys=True, indent=2) + "\n"
