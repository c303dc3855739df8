"""What every construct of ecr/ is built on: a CDKTF construct (through the engine: importing this
starts CDKTF) that declares its resources and data sources into its stack's `engine.Blocks`.

Every address a construct declares or references comes from `ecrgen.addresses`: the address is the
declaration's key, so it never depends on a construct path or a position."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ecrgen.addresses import Address
from ecrgen.ecr import engine

# CDKTF's construct base class (`constructs.Construct`), typed loosely: it exists only once CDKTF runs.
_Base: Any = engine.construct_base()


class Construct(_Base):
    """One AWS concern of one account's stack. `stack` is the account's stack: it holds the `blocks`
    every construct of it declares into, written to CDKTF when the stack is complete."""

    def __init__(self, stack: Any, construct_id: str):
        super().__init__(stack, construct_id)
        self.blocks: engine.Blocks = stack.blocks

    def declare(self, address: Address, arguments: Mapping[str, Any]) -> None:
        """Declare the resource at `address` (its type and name) with `arguments`."""
        self.blocks.add(address, arguments)
