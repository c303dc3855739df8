"""Registry-level settings, one construct per concern: replication, the registry policy, pull through
cache rules, repository creation templates, account settings and pull-time update exclusions. Addresses
derive from config keys (prefixes, setting names, principals), never positions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecrgen import addresses
from ecrgen.ecr.construct import Construct
from ecrgen.ecr.data import EcrData
from ecrgen.ecr.settings import arguments
from ecrgen.rules.account_settings import exclusion_address

if TYPE_CHECKING:  # the model is only read: no import at run time
    from ecrgen.config.model import CreationTemplate, Registry


class EcrReplication(Construct):
    """`aws_ecr_replication_configuration.this`: the registry's replication rules."""

    def __init__(self, scope, registry: Registry):
        super().__init__(scope, "replication")
        rules = [
            {
                "destination": [
                    {"region": region, "registry_id": account} for region, account in rule.destinations
                ],
                "repository_filter": [
                    {"filter": prefix, "filter_type": "PREFIX_MATCH"} for prefix in rule.prefixes
                ]
                or None,
            }
            for rule in registry.replication
        ]
        self.declare(addresses.REPLICATION, {"replication_configuration": {"rule": rules}})


class EcrRegistryPolicy(Construct):
    """`aws_ecr_registry_policy.this`, rendered from its Jinja2 template (`Registry.policy_text`)."""

    def __init__(self, scope, registry: Registry):
        super().__init__(scope, "registry-policy")
        self.declare(addresses.REGISTRY_POLICY, {"policy": registry.policy_text})


class EcrPullThroughCache(Construct):
    """One `aws_ecr_pull_through_cache_rule` per prefix; credentials from a Secrets Manager secret (looked
    up)."""

    def __init__(self, scope, registry: Registry, data: EcrData):
        super().__init__(scope, "pull-through-cache")
        for rule in registry.pull_through_cache:
            self.declare(
                addresses.pull_through_cache_rule(rule.address),
                {
                    "ecr_repository_prefix": rule.prefix,
                    "upstream_registry_url": rule.registry_url,
                    "credential_arn": data.secret_arn(rule.secret) if rule.secret else None,
                    "custom_role_arn": rule.custom_role_arn,
                    "upstream_repository_prefix": rule.upstream_prefix,
                },
            )


class EcrCreationTemplates(Construct):
    """One `aws_ecr_repository_creation_template` per prefix, with the repository settings it gives."""

    def __init__(self, scope, templates: tuple[CreationTemplate, ...], data: EcrData):
        super().__init__(scope, "creation-templates")
        for template in templates:
            self.declare(
                addresses.creation_template(template.address),
                {
                    "prefix": template.prefix,
                    "applied_for": sorted(template.applied_for),
                    **arguments(template, data),
                    "description": template.description,
                    "custom_role_arn": template.custom_role_arn,
                    "lifecycle_policy": template.lifecycle_policy,
                    "repository_policy": template.policy_text,
                    "resource_tags": dict(template.resource_tags) or None,
                },
            )


class EcrAccountSettings(Construct):
    """One `aws_ecr_account_setting` per managed setting (REGISTRY_POLICY_SCOPE, BLOB_MOUNTING)."""

    def __init__(self, scope, registry: Registry):
        super().__init__(scope, "account-settings")
        for name, value in registry.account_settings:
            self.declare(addresses.account_setting(name), {"name": name, "value": value})


class EcrPullTimeUpdateExclusions(Construct):
    """One `aws_ecr_pull_time_update_exclusion` per principal: a resource newer than the pinned
    bindings, declared like every other (`engine.Blocks`)."""

    def __init__(self, scope, registry: Registry):
        super().__init__(scope, "pull-time-update-exclusions")
        for arn in registry.pull_time_update_exclusions:
            address = addresses.pull_time_update_exclusion(exclusion_address(arn))
            self.declare(address, {"principal_arn": arn})
