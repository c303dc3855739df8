"""Repository policies rendered from the Jinja2 templates (parity with iam_policies/)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecrgen import addresses
from ecrgen.ecr.construct import Construct

if TYPE_CHECKING:  # the model is only read: no import at run time
    from ecrgen.config.model import Account


class EcrRepositoryPolicies(Construct):
    """One `aws_ecr_repository_policy` per repository whose template grants something (`policy_text`)."""

    def __init__(self, scope, account: Account):
        super().__init__(scope, "repository-policies")
        for repo in account.repositories:
            if repo.policy_text is not None:
                self.declare(
                    addresses.repository_policy(repo.address),
                    {
                        "repository": addresses.repository(repo.address).ref("name"),
                        "policy": repo.policy_text,
                    },
                )
