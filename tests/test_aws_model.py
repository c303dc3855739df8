"""ecrgen against what AWS and the provider publish, never against ecrgen's own constants:

- argument names: every argument and nested block ecrgen emits (the example goldens) is one the newer
  published provider bindings know (`cdktn-provider-aws`, provider 6.x beyond the pinned 6.25; installed
  here at test time only, read as source with `ast`, never imported: it needs another `constructs`);
- allowed values: the values of AWS's enums in botocore's ECR model (image tag mutability, encryption,
  scan frequency, creation template uses, upstream registries) are what an account file accepts.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import botocore.session
import pytest
from conftest import minimal

from ecrgen.config.load import load_accounts

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden"
BINDINGS = "cdktn-provider-aws==25.8.1"  # provider 6.69
TARGET = ROOT / ".venv" / "cdktn-provider-aws"  # beside the test environment, installed once
PACKAGE = "cdktn_provider_aws"
# Arguments every resource takes from Terraform itself, not from the provider's schema.
META = {"lifecycle", "depends_on", "provider", "count", "for_each"}


def _install() -> Path | None:
    """The bindings' package folder: installed already, else installed into TARGET (no dependencies:
    only the source is read). None when neither works (offline)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is not None and spec.submodule_search_locations:
        return Path(list(spec.submodule_search_locations)[0])
    if not (TARGET / PACKAGE).is_dir():
        scratch = TARGET.with_name(f"{TARGET.name}.{os.getpid()}")
        uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
        result = subprocess.run(
            [uv, "pip", "install", "--quiet", "--no-deps", "--target", str(scratch), BINDINGS],
            capture_output=True,
            text=True,
            timeout=900,
        )
        if result.returncode != 0:
            shutil.rmtree(scratch, ignore_errors=True)
            return None
        try:
            scratch.rename(TARGET)  # atomic; another worker may have been first
        except OSError:
            shutil.rmtree(scratch, ignore_errors=True)
    return TARGET / PACKAGE


@pytest.fixture(scope="session")
def bindings() -> Path:
    found = _install()
    if found is None:
        pytest.skip(f"{BINDINGS} could not be installed (offline?)")
    return found


def camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


@cache
def _classes(source: Path) -> dict[str, set[str]]:
    """Class name -> the keyword arguments of its __init__, read from the bindings' source."""
    tree = ast.parse(source.read_text())
    found = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                    found[node.name] = {arg.arg for arg in item.args.kwonlyargs}
    return found


def unknown_arguments(bindings: Path, resource_type: str, body: dict) -> list[str]:
    """The arguments and nested block arguments of `body` that the bindings' class does not take."""
    module = resource_type.removeprefix("aws_")
    classes = _classes(bindings / module / "__init__.py")
    unknown = []

    def walk(class_name: str, block: dict, path: str) -> None:
        known = classes.get(class_name)
        if known is None:
            unknown.append(f"{path} (no class {class_name})")
            return
        for key, value in block.items():
            if key in META or key.startswith("//"):
                continue
            if key not in known:
                unknown.append(f"{path}.{key}")
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                for item in value:
                    walk(class_name + camel(key), item, f"{path}.{key}")

    walk(camel(module), body, resource_type)
    return unknown


@pytest.mark.parametrize("golden", sorted(p.name for p in GOLDEN.glob("*.tf.json")))
def test_every_emitted_argument_is_one_the_newer_provider_knows(bindings, golden):
    document = json.loads((GOLDEN / golden).read_text())
    unknown = [
        problem
        for resource_type, blocks in document.get("resource", {}).items()
        if resource_type.startswith("aws_")
        for body in blocks.values()
        for problem in unknown_arguments(bindings, resource_type, body)
    ]
    assert unknown == []


def test_the_2026_resources_and_arguments_are_in_the_newer_provider(bindings):
    """What the pinned 6.25 bindings lack, by name, in the newer provider's."""
    assert {"principal_arn"} <= _classes(bindings / "ecr_pull_time_update_exclusion" / "__init__.py")[
        "EcrPullTimeUpdateExclusion"
    ]
    assert {"name", "value"} <= _classes(bindings / "ecr_account_setting" / "__init__.py")[
        "EcrAccountSetting"
    ]
    for module in ("ecr_repository", "ecr_repository_creation_template"):
        assert (
            "image_tag_mutability_exclusion_filter"
            in _classes(bindings / module / "__init__.py")[camel(module)]
        )


def ecr_enum(shape: str) -> list[str]:
    return botocore.session.get_session().get_service_model("ecr").shape_for(shape).enum


@pytest.mark.parametrize("value", ecr_enum("ImageTagMutability"))
def test_every_image_tag_mutability_aws_has_is_accepted(accounts, value):
    filters = {"IMMUTABLE_WITH_EXCLUSION": "mutable_tags", "MUTABLE_WITH_EXCLUSION": "immutable_tags"}
    extra = f'{filters[value]} = ["v*"]\n' if value in filters else ""
    text = minimal("production", f'[[repository]]\nname = "app"\nimage_tag_mutability = "{value}"\n{extra}')
    assert load_accounts(accounts(a=text))[0].repositories[0].image_tag_mutability == value


@pytest.mark.parametrize("value", ecr_enum("EncryptionType"))
def test_every_encryption_type_aws_has_is_accepted(accounts, value):
    key = "" if value == "AES256" else 'kms_key = "alias/ecr"\n'
    text = minimal("production", f'[[repository]]\nname = "app"\nencryption = "{value}"\n{key}')
    assert load_accounts(accounts(a=text))[0].repositories[0].encryption == value


def test_every_creation_template_use_and_upstream_aws_has_is_accepted(accounts):
    uses = ecr_enum("RCTAppliedFor")
    text = minimal(
        "dev",
        f'[registry]\n[[registry.creation_template]]\nprefix = "ROOT"\napplied_for = {json.dumps(uses)}\n',
    )
    assert set(load_accounts(accounts(a=text))[0].registry.creation_templates[0].applied_for) == set(uses)


def test_account_setting_names_and_values_are_aws_names():
    """The settings the registry example emits, named as PutAccountSetting documents them."""
    members = (
        botocore.session.get_session()
        .get_service_model("ecr")
        .operation_model("PutAccountSetting")
        .input_shape.members
    )
    emitted = json.loads((GOLDEN / "example_registry.tf.json").read_text())["resource"][
        "aws_ecr_account_setting"
    ]
    assert emitted
    for body in emitted.values():
        assert f"<code>{body['name']}</code>" in members["name"].documentation
    blob = [body["value"] for body in emitted.values() if body["name"] == "BLOB_MOUNTING"]
    assert blob and all(f"<code>{value}</code>" in members["value"].documentation for value in blob)
