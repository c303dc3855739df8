"""Repository policies rendered from the Jinja2 templates (parity with iam_policies/)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecrgen import addresses
from ecrgen.ecr import engine
from ecrgen.ecr.construct import Construct, pin

if TYPE_CHECKING:  # the model is only read: no import at run time
    from ecrgen.config.model import Account


class EcrRepositoryPolicies(Construct):
    """One `aws_ecr_repository_policy` per repository whose template grants something (`policy_text`)."""

    def __init__(self, scope, account: Account):
        super().__init__(scope, "repository-policies")
        policy_class = engine.aws("ecr_repository_policy").EcrRepositoryPolicy
        for repo in account.repositories:
            if repo.policy_text is not None:
                repository = addresses.repository(repo.address).ref("name")
                pin(
                    policy_class(self, repo.address, repository=repository, policy=repo.policy_text),
                    addresses.repository_policy(repo.address),
                )
