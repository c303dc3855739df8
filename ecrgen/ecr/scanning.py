"""The registry scanning configuration: one per account and region."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecrgen import addresses
from ecrgen.ecr import engine
from ecrgen.ecr.construct import Construct, pin

if TYPE_CHECKING:  # the model is only read: no import at run time
    from ecrgen.config.model import Scanning


class EcrRegistryScanning(Construct):
    """`aws_ecr_registry_scanning_configuration`: BASIC (scan on push) or ENHANCED (Amazon Inspector)."""

    def __init__(self, scope, scanning: Scanning):
        super().__init__(scope, "scanning")
        frequency = "CONTINUOUS_SCAN" if scanning.continuous else "SCAN_ON_PUSH"
        module = engine.aws("ecr_registry_scanning_configuration")
        filters = [
            module.EcrRegistryScanningConfigurationRuleRepositoryFilter(filter=f, filter_type="WILDCARD")
            for f in scanning.repository_filters
        ]
        rule = module.EcrRegistryScanningConfigurationRule(
            scan_frequency=frequency, repository_filter=filters
        )
        pin(
            module.EcrRegistryScanningConfiguration(
                self, "configuration", scan_type=scanning.type, rule=[rule]
            ),
            addresses.SCANNING,
        )
