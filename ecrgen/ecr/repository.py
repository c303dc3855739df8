"""Repositories and their lifecycle policies (parity with the module's repository .tf file).

A repository encrypted through a KMS alias ignores later changes of the key ARN the alias resolves to:
ECR fixes a repository's encryption when it creates it and cannot change it
(https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html), so the provider plans
a replacement whenever `kms_key` differs. Rotating an alias to a new key changes that ARN without any
edit of the account file; the repository keeps its images and its key, new repositories get the new key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ecrgen import addresses
from ecrgen.ecr.construct import Construct
from ecrgen.ecr.data import EcrData
from ecrgen.ecr.settings import arguments
from ecrgen.rules.tags import GUARD_TAG

if TYPE_CHECKING:  # the model is only read: no import at run time
    from ecrgen.config.model import Account


# The attribute an alias resolves into (Terraform's ignore_changes path).
ALIASED_KEY = "encryption_configuration[0].kms_key"


class EcrRepositories(Construct):
    """One `aws_ecr_repository` and one `aws_ecr_lifecycle_policy` per repository, addressed by name."""

    def __init__(self, scope, account: Account, data: EcrData):
        super().__init__(scope, "repositories")
        for repo in account.repositories:
            lifecycle: dict[str, Any] = {"prevent_destroy": True} if repo.prevent_destroy else {}
            if repo.kms_key and data.is_alias(repo.kms_key):
                lifecycle["ignore_changes"] = [ALIASED_KEY]
            tags = dict(repo.tags)
            if account.production or repo.prevent_destroy or repo.adopt:
                tags[GUARD_TAG] = "true"
            repository = addresses.repository(repo.address)
            self.declare(
                repository,
                {
                    "name": repo.ecr_name,
                    "image_scanning_configuration": {"scan_on_push": repo.scan_on_push},
                    "force_delete": repo.force_delete,
                    **arguments(repo, data),
                    "lifecycle": lifecycle or None,
                    "tags": tags or None,
                },
            )
            if repo.lifecycle_policy is not None:
                self.declare(
                    addresses.lifecycle_policy(repo.address),
                    {"policy": repo.lifecycle_policy, "repository": repository.ref("name")},
                )
