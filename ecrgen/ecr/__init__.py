"""Parity with terraform_modules/ecr: one construct per concern. Importing these starts CDKTF."""

from __future__ import annotations


def pin(element, logical_id: str):
    """Fix an element's Terraform address to one derived from config keys, never from construct paths."""
    element.override_logical_id(logical_id)
    return element
