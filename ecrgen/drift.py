"""The drift check: synthesize in memory, compare with the output on disk, summarize per resource."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ecrgen import api, synth


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.lines)

    def text(self) -> str:
        return "\n".join(self.lines) if self.lines else "no drift: the output on disk is up to date"


def check_drift(accounts_dir: Path, names: list[str] | None, out: Path) -> Report:
    """What `synth` would change on disk, per account and resource; writes nothing."""
    report = Report()
    for account, text in sorted(api.render_texts(accounts_dir, names).items()):
        path = synth.stack_path(out, account)
        if not path.is_file():
            report.lines.append(f"{account}: {path.as_posix()} is missing")
            continue
        try:
            old = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            report.lines.append(f"{account}: {path.as_posix()} is not valid JSON")
            continue
        report.lines += [f"{account}: {line}" for line in compare(old, json.loads(text))]
    return report


def compare(old: dict, new: dict) -> list[str]:
    """Added, removed and changed blocks (resources, data sources, outputs, ...) with changed attributes."""
    lines = []
    old_blocks, new_blocks = _blocks(old), _blocks(new)
    for address in sorted(old_blocks.keys() | new_blocks.keys()):
        if address not in old_blocks:
            lines.append(f"+ {address} (added)")
        elif address not in new_blocks:
            lines.append(f"- {address} (removed)")
        elif old_blocks[address] != new_blocks[address]:
            keys = sorted(k for k in old_blocks[address].keys() | new_blocks[address].keys()
                          if old_blocks[address].get(k) != new_blocks[address].get(k))
            lines.append(f"~ {address} (changed: {', '.join(keys)})")
    return lines


def _blocks(document: dict) -> dict[str, dict]:
    found = {}
    for section in ("resource", "data"):
        prefix = "data." if section == "data" else ""
        for kind, items in document.get(section, {}).items():
            for name, body in items.items():
                found[f"{prefix}{kind}.{name}"] = {k: v for k, v in body.items() if k != "//"}
    for name, body in document.get("output", {}).items():
        found[f"output.{name}"] = body
    for name, body in document.get("terraform", {}).items():
        found[f"terraform.{name}"] = {"value": body}
    for index, body in enumerate(document.get("provider", {}).get("aws", [])):
        found[f"provider.aws[{index}]"] = body
    return found
