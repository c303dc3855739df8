"""The ECR role for CI (parity with ecr-role.tf)."""

from __future__ import annotations

from ecrgen import documents
from ecrgen.ecr import pin, ref
from ecrgen.model import Account
from ecrgen.synthesis import engine


class EcrRole(engine.construct_base()):
    """`aws_iam_role` with its trust, and an inline policy scoped to this account's repositories; nothing
    else: the exclusive resources remove inline policies and managed policy attachments that another
    hand (an adopted role's past, the console) gave the role.
    https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_role_policies_exclusive"""

    def __init__(self, scope, account: Account):
        super().__init__(scope, "role")
        role, repositories = account.role, account.repositories
        github_arn = (
            ref("data.aws_iam_openid_connect_provider", "github", "arn") if role.github_repositories else None
        )
        trust = documents.trust_policy(role, github_arn)
        resource = engine.aws("iam_role").IamRole(
            self,
            "role",
            name=role.name,
            assume_role_policy=documents.text(trust),
            description=f"ECR {role.access} role managed by ecrgen",
        )
        self.role = pin(resource, "ecr")
        if role.repository_prefix is not None:  # every ARN listed would pass IAM's inline policy limit
            arns = [
                f"arn:{account.partition}:ecr:{account.region}:{account.id}:repository/{role.repository_prefix}*"
            ]
        else:
            arns = [
                ref("aws_ecr_repository", address, "arn")
                for address in sorted(r.address for r in repositories)
            ]
        policy = engine.aws("iam_role_policy").IamRolePolicy(
            self,
            "policy",
            name=f"ecr-{role.access}",
            role=ref("aws_iam_role", "ecr", "name"),
            policy=documents.text(documents.role_policy(role.access, arns)),
        )
        pin(policy, "ecr")
        role_name = ref("aws_iam_role", "ecr", "name")
        pin(
            engine.aws("iam_role_policies_exclusive").IamRolePoliciesExclusive(
                self,
                "inline-only",
                role_name=role_name,
                policy_names=[ref("aws_iam_role_policy", "ecr", "name")],
            ),
            "ecr",
        )
        pin(
            engine.aws("iam_role_policy_attachments_exclusive").IamRolePolicyAttachmentsExclusive(
                self, "no-attachments", role_name=role_name, policy_arns=[]
            ),
            "ecr",
        )
