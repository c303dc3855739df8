"""The ECR role for CI (parity with ecr-role.tf)."""

from __future__ import annotations

from ecrgen import documents, engine
from ecrgen.ecr import pin, ref
from ecrgen.ecr.data import EcrData
from ecrgen.ecr.repository import EcrRepositories
from ecrgen.model import Role


class EcrRole(engine.construct_base()):
    """`aws_iam_role` with its trust, and an inline policy scoped to this account's repositories."""

    def __init__(self, scope, role: Role, repositories: EcrRepositories, data: EcrData):
        super().__init__(scope, "role")
        github_arn = ref("data.aws_iam_openid_connect_provider", "github", "arn") if data.github is not None else None
        trust = documents.trust_policy(role, github_arn)
        resource = engine.aws("iam_role").IamRole(self, "role", name=role.name, assume_role_policy=documents.text(trust),
                                                   description=f"ECR {role.access} role managed by ecrgen")
        self.role = pin(resource, "ecr")
        arns = [ref("aws_ecr_repository", address, "arn") for address in sorted(repositories.addresses)]
        policy = engine.aws("iam_role_policy").IamRolePolicy(
            self, "policy", name=f"ecr-{role.access}", role=ref("aws_iam_role", "ecr", "name"),
            policy=documents.text(documents.role_policy(role.access, arns)))
        pin(policy, "ecr")
