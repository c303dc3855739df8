"""Parity with terraform_modules/ecr: one construct per concern. Importing these starts CDKTF."""

from __future__ import annotations


def ref(kind: str, address: str, attribute: str) -> str:
    """A Terraform reference, written out. CDKTF resolves an attribute token to exactly this string;
    writing it directly saves a jsii round trip per reference (they dominate synthesis time)."""
    return "${" + f"{kind}.{address}.{attribute}" + "}"


def pin(element, logical_id: str):
    """Fix an element's Terraform address to one derived from config keys, never from construct paths."""
    element.override_logical_id(logical_id)
    return element
