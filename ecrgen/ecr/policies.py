"""Repository policies rendered from the Jinja2 templates (parity with iam_policies/)."""

from __future__ import annotations

from ecrgen.ecr import pin, ref
from ecrgen.model import Account
from ecrgen.synthesis import engine


class EcrRepositoryPolicies(engine.construct_base()):
    """One `aws_ecr_repository_policy` per repository whose template grants something."""

    def __init__(self, scope, account: Account):
        super().__init__(scope, "repository-policies")
        policy_class = engine.aws("ecr_repository_policy").EcrRepositoryPolicy
        for repo in account.repositories:
            if repo.policy_text is not None:
                repository = ref("aws_ecr_repository", repo.address, "name")
                policy = policy_class(self, repo.address, repository=repository, policy=repo.policy_text)
                pin(policy, repo.address)
