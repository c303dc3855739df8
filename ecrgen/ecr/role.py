"""The ECR role for CI (parity with ecr-role.tf)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecrgen import addresses
from ecrgen.addresses import ROLE
from ecrgen.ecr.construct import Construct
from ecrgen.rules import policy_documents

if TYPE_CHECKING:  # the model is only read: no import at run time
    from ecrgen.config.model import Account, Role


class EcrRole(Construct):
    """`aws_iam_role` with its trust, and an inline policy scoped to this account's repositories; nothing
    else: the exclusive resources remove inline policies and managed policy attachments that another
    hand (an adopted role's past, the console) gave the role.
    https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_role_policies_exclusive"""

    def __init__(self, scope, account: Account, role: Role):
        super().__init__(scope, "role")
        github_arn = addresses.GITHUB_OIDC_PROVIDER.ref("arn") if role.github_repositories else None
        trust = policy_documents.trust_policy(role, github_arn)
        self.declare(
            ROLE,
            {
                "name": role.name,
                "assume_role_policy": policy_documents.text(trust),
                "description": f"ECR {role.access} role managed by ecrgen",
            },
        )
        policy = policy_documents.role_policy(role.access, self._arns(account, role))
        self.declare(
            addresses.ROLE_POLICY,
            {"name": f"ecr-{role.access}", "role": ROLE.ref("name"), "policy": policy_documents.text(policy)},
        )
        self.declare(
            addresses.ROLE_POLICIES_EXCLUSIVE,
            {"role_name": ROLE.ref("name"), "policy_names": [addresses.ROLE_POLICY.ref("name")]},
        )
        self.declare(addresses.ROLE_ATTACHMENTS_EXCLUSIVE, {"role_name": ROLE.ref("name"), "policy_arns": []})

    @staticmethod
    def _arns(account: Account, role: Role) -> list[str]:
        """The repositories the policy grants on: a prefix-scoped ARN when listing every repository
        would pass IAM's inline policy limit, else each repository's ARN in address order."""
        if role.repository_prefix is not None:
            return [
                f"arn:{account.partition}:ecr:{account.region}:{account.id}:repository/{role.repository_prefix}*"
            ]
        return [
            addresses.repository(name).ref("arn") for name in sorted(r.address for r in account.repositories)
        ]
