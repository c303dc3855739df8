"""Repository policies rendered from the Jinja2 templates (parity with iam_policies/)."""

from __future__ import annotations

from ecrgen import engine
from ecrgen.config.model import Account
from ecrgen.ecr import pin, ref


class EcrRepositoryPolicies(engine.construct_base()):
    """One `aws_ecr_repository_policy` per repository whose template grants something."""

    def __init__(self, scope, account: Account, rendered: dict[str, str | None]):
        super().__init__(scope, "repository-policies")
        policy_class = engine.aws("ecr_repository_policy").EcrRepositoryPolicy
        for repo in account.repositories:
            text = rendered.get(repo.name)
            if text is not None:
                repository = ref("aws_ecr_repository", repo.address, "name")
                pin(policy_class(self, repo.address, repository=repository, policy=text), repo.address)
