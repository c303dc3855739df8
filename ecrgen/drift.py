"""The drift check: what `synth` would write (synthesized in memory by the caller) compared with the
output on disk, summarized per block.

Exact: an account drifts whenever `synth` would change the bytes of its `cdk.tf.json`; the summary
names every block that differs, whatever its kind (resource, data, output, provider, terraform, and
hand-added ones such as import, moved, removed or locals). Stack folders of accounts whose file is
gone are reported too, and so is every configuration file in a stack folder that ecrgen did not write:
Terraform (and OpenTofu, which adds `.tofu` files) loads every such file of the folder and merges
them, override files last, so one of them can drop `prevent_destroy` unseen.
https://developer.hashicorp.com/terraform/language/files and
https://developer.hashicorp.com/terraform/language/files/override
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ecrgen import output
from ecrgen.config import files
from ecrgen.synthesis import manifest


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Writing would change something on disk."""
        return bool(self.lines)

    def text(self) -> str:
        """The report as printed: one line per change, or that there is no drift."""
        return "\n".join(self.lines) if self.lines else "no drift: the output on disk is up to date"


def check_drift(texts: dict[str, str], accounts_dir: Path, names: list[str] | None, out: Path) -> Report:
    """What writing these texts (account -> what `synth` would write) would change on disk, per account
    and block; writes nothing. With every account (no names), stack folders without an account file are
    reported as stale."""
    report = Report()
    for account, text in sorted(texts.items()):
        path = output.stack_path(out, account)
        lines = _account_drift(path, text) + foreign_configuration(path.parent)
        report.lines += [f"{account}: {line}" for line in lines]
    if not names:
        report.lines += [
            f"{folder.name}: {stale_message(folder, accounts_dir)}"
            for folder in stale_stacks(accounts_dir, out)
        ]
        report.lines += _manifest_drift(out / output.MANIFEST, list(files.account_files(accounts_dir)))
    return report


CONFIGURATION_SUFFIXES = (".tf", ".tf.json", ".tofu", ".tofu.json")


FOREIGN = (
    "is Terraform configuration that ecrgen did not write: Terraform merges every *.tf and *.tf.json file "
    "of the folder into the stack (an override file can drop prevent_destroy); move what it does into the "
    "account file, or delete it"
)


def foreign_files(folder: Path) -> list[Path]:
    """Configuration files in a stack folder besides ecrgen's own (state, the lock file, `.terraform/`
    and saved plans are not configuration). Terraform skips hidden and editor backup files."""
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    return [
        entry
        for entry in entries
        if entry.name != output.STACK_FILE
        and entry.name.endswith(CONFIGURATION_SUFFIXES)
        and not entry.name.startswith((".", "#"))
        and not entry.name.endswith("~")
        and entry.is_file()
    ]


def foreign_configuration(folder: Path) -> list[str]:
    """The drift lines of the configuration files ecrgen did not write."""
    return [f"{entry.as_posix()} {FOREIGN}" for entry in foreign_files(folder)]


def _manifest_drift(path: Path, stacks: list[str]) -> list[str]:
    """CDKTF's `manifest.json` as `synth --all` would leave it (listing every account's stack)."""
    try:
        on_disk = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return [f"manifest: {path.as_posix()} is missing"]
    except (OSError, UnicodeDecodeError):
        on_disk = None
    return [] if on_disk == manifest.text(stacks) else [f"manifest: {path.as_posix()} differs"]


def stale_stacks(accounts_dir: Path, out: Path) -> list[Path]:
    """Stack folders under `<out>/stacks/` whose account file is gone (their state may still hold
    resources)."""
    stacks = out / "stacks"
    known = files.account_files(accounts_dir)
    try:
        folders = sorted(p for p in stacks.iterdir() if p.is_dir() and not files.ignored(p.name))
    except OSError:  # no output yet, or not a folder: nothing is stale
        return []
    return [folder for folder in folders if folder.name not in known]


def _account_drift(path: Path, text: str) -> list[str]:
    """The lines for one account: nothing when the file on disk is byte-for-byte what synth would write."""
    if not path.is_file():
        return [f"{path.as_posix()} is missing"]
    try:
        old_text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return [f"{path.as_posix()} is not UTF-8 text"]
    except OSError as error:
        return [f"{path.as_posix()} cannot be read ({error.strerror or error})"]
    if old_text == text:
        return []
    try:
        old = json.loads(old_text)
    except ValueError:
        return [f"{path.as_posix()} is not valid JSON"]
    if not isinstance(old, dict):
        return [
            f"{path.as_posix()} is not a Terraform JSON document (a JSON object); "
            f"found a {type(old).__name__}"
        ]
    return compare(old, json.loads(text)) or [f"{path.as_posix()} differs only in formatting"]


def stale_message(folder: Path, accounts_dir: Path) -> str:
    """What a stale stack folder is and what to do about it (never deleted by ecrgen: it may hold state)."""
    return (
        f"{folder.as_posix()} is stale: there is no {(accounts_dir / folder.name).as_posix()}.toml "
        "(restore the account file, or delete the folder once its resources are destroyed or forgotten)"
    )


def compare(old: dict, new: dict) -> list[str]:
    """Added, removed and changed blocks (of every kind) with the changed attributes."""
    lines = []
    old_blocks, new_blocks = _blocks(old), _blocks(new)
    for address in sorted(old_blocks.keys() | new_blocks.keys()):
        if address not in old_blocks:
            lines.append(f"+ {address} (added)")
        elif address not in new_blocks:
            lines.append(f"- {address} (removed)")
        elif old_blocks[address] != new_blocks[address]:
            lines.append(f"~ {address} (changed{_changed_keys(old_blocks[address], new_blocks[address])})")
    return lines


def _changed_keys(old: object, new: object) -> str:
    if not (isinstance(old, dict) and isinstance(new, dict)):
        return ""
    return ": " + ", ".join(sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k)))


def _blocks(document: dict) -> dict[str, object]:
    """Every block by its address: resource TYPE.NAME, data.TYPE.NAME, provider.NAME[i], SECTION.NAME
    for other objects (output, terraform, locals, ...), SECTION[i] for lists (import, moved, ...)."""
    found: dict[str, object] = {}
    for section, body in document.items():
        if (
            section in ("resource", "data")
            and isinstance(body, dict)
            and all(isinstance(v, dict) for v in body.values())
        ):
            prefix = "data." if section == "data" else ""
            for kind, items in body.items():
                found.update({f"{prefix}{kind}.{name}": block for name, block in items.items()})
        elif isinstance(body, dict):
            for name, block in body.items():
                if section == "provider" and isinstance(block, list):
                    found.update({f"provider.{name}[{i}]": item for i, item in enumerate(block)})
                else:
                    found[f"{section}.{name}"] = block
        elif isinstance(body, list):
            found.update({f"{section}[{i}]": item for i, item in enumerate(body)})
        else:
            found[section] = body
    return found
