"""The registry scanning configuration: one per account and region."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecrgen import addresses
from ecrgen.ecr.construct import Construct

if TYPE_CHECKING:  # the model is only read: no import at run time
    from ecrgen.config.model import Scanning


class EcrRegistryScanning(Construct):
    """`aws_ecr_registry_scanning_configuration`: BASIC (scan on push) or ENHANCED (Amazon Inspector), one
    rule block per [[scanning.rule]] (or the one rule of `continuous` and `repository_filters`)."""

    def __init__(self, scope, scanning: Scanning):
        super().__init__(scope, "scanning")
        rules = [
            {
                "scan_frequency": frequency,
                "repository_filter": [{"filter": f, "filter_type": "WILDCARD"} for f in filters],
            }
            for frequency, filters in scanning.scanning_rules
        ]
        self.declare(addresses.SCANNING, {"scan_type": scanning.type, "rule": rules})
