"""What every construct of ecr/ is built on: CDKTF's `Construct` base class (through the engine:
importing this starts CDKTF), and `pin`, which fixes a resource's Terraform address.

Every address a construct pins or references comes from `ecrgen.addresses`."""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from ecrgen.addresses import Address
from ecrgen.ecr import engine

# The constructs' base class (`constructs.Construct`), typed loosely: the class exists only once CDKTF runs.
Construct: Any = engine.construct_base()


class Pinnable(Protocol):
    """A CDKTF element (resource, data source) whose logical id can be fixed."""

    def override_logical_id(self, new_logical_id: str) -> None:
        """Name the element `new_logical_id` in the Terraform JSON (CDKTF's own method)."""


Element = TypeVar("Element", bound=Pinnable)


def pin(element: Element, address: Address) -> Element:
    """Fix an element's Terraform address to one derived from config keys, never from construct paths.
    The element's class gives the kind; the table's address gives the name."""
    element.override_logical_id(address.name)
    return element
