"""Who owns what in Terraform state: `import` blocks for what already exists (`adopt`), `removed`
blocks for what Terraform should forget but AWS keep (`retired`). Pure: account model in, blocks out.

- import blocks (Terraform >= 1.5): https://developer.hashicorp.com/terraform/language/import
  (ECR repositories import by name, IAM roles by name; a block for a resource already in state is a no-op)
- EventBridge rules import by `[event_bus_name/]rule_name`, targets by
  `event_bus_name/rule_name/target_id` (the bus `default` when left out):
  https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudwatch_event_rule#import
  and https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudwatch_event_target#import
- removed blocks (Terraform >= 1.7): https://developer.hashicorp.com/terraform/language/resources/syntax#removing-resources
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecrgen import addresses
from ecrgen.rules.names import address

if TYPE_CHECKING:  # the model is only read: no import at run time
    from ecrgen.config.model import Account

# The resources a repository's name addresses (see ecrgen/ecr/repository.py and policies.py).
REPOSITORY_KINDS = addresses.REPOSITORY_KINDS
# The bus the alert rule is on (ecrgen's rule names none: EventBridge's default bus).
EVENT_BUS = "default"


def import_blocks(account: Account) -> list[dict[str, str]]:
    """Take over the repositories, the role, the alert rule (with its SQS target), and the pull through
    cache rules and creation templates marked `adopt` instead of creating them (ECR refuses to create a
    rule or template whose prefix has one; both import by prefix). Their policies need no import: ECR
    and IAM replace a repository's lifecycle or repository policy, a role's inline policy, and the
    registry's replication, scanning and policy, when they are put again."""
    blocks = [
        {"to": str(addresses.repository(repo.address)), "id": repo.ecr_name}
        for repo in account.repositories
        if repo.adopt
    ]
    if account.role and account.role.adopt:
        blocks.append({"to": str(addresses.ROLE), "id": account.role.name})
    alerts = account.alerts
    if alerts and alerts.adopt:
        blocks.append({"to": str(addresses.ALERT_RULE), "id": alerts.rule_name})
        target = f"{EVENT_BUS}/{alerts.rule_name}/{alerts.target_id}"
        blocks.append({"to": str(addresses.ALERT_QUEUE_TARGET), "id": target})
    registry = account.registry
    if registry is not None:
        blocks += [
            {"to": str(addresses.pull_through_cache_rule(rule.address)), "id": rule.prefix}
            for rule in registry.pull_through_cache
            if rule.adopt
        ]
        blocks += [
            {"to": str(addresses.creation_template(template.address)), "id": template.prefix}
            for template in registry.creation_templates
            if template.adopt
        ]
    return sorted(blocks, key=lambda block: block["to"])


def removed_blocks(account: Account) -> list[dict]:
    """Forget the retired repositories and their policies without destroying them."""
    return [
        {"from": str(kind(address(name))), "lifecycle": {"destroy": False}}
        for name in sorted(account.retired)
        for kind in REPOSITORY_KINDS
    ]
