"""Data sources (parity with data.tf): caller identity, partition and region, and what other modules
made: KMS aliases, the alert queue, the GitHub OIDC provider and the pull through cache rules' Secrets
Manager secrets, each declared only when the stack reads it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecrgen import addresses
from ecrgen.ecr.construct import Construct
from ecrgen.rules.arns import KMS_KEY_ARN
from ecrgen.rules.names import address
from ecrgen.rules.policy_documents import GITHUB_HOST

if TYPE_CHECKING:  # the model is only read: no import at run time
    from ecrgen.config.model import Account, SharedSettings

GITHUB_OIDC_URL = f"https://{GITHUB_HOST}"


class EcrData(Construct):
    """Looks up, at plan time, the resources this account's stack uses but does not own."""

    def __init__(self, scope, account: Account):
        super().__init__(scope, "data")
        self.declare(addresses.CALLER, {})
        self.declare(addresses.PARTITION, {})
        # As data.tf declared it (the contract lists it); the stack reads the region from the provider.
        self.declare(addresses.REGION, {})
        self._kms: dict[str, str] = {}
        used: set[str] = set()
        templates = account.registry.creation_templates if account.registry else ()
        settings: tuple[SharedSettings, ...] = (*account.repositories, *templates)
        keys = {r.kms_key for r in settings if r.kms_key and not KMS_KEY_ARN.fullmatch(r.kms_key)}
        for alias in sorted(keys):
            logical = address(alias.split("alias/", 1)[1])
            while logical in used:  # alias/a.b and alias/a_b share an address; sorted order keeps this stable
                logical += "_"
            used.add(logical)
            self.declare(addresses.kms_alias(logical), {"name": alias})
            self._kms[alias] = addresses.kms_alias(logical).ref("target_key_arn")
        if account.alerts:
            queue = addresses.alert_queue(account.alerts)
            if queue.kind.data:
                self.declare(queue, {"name": account.alerts.sqs_queue_name})
        if account.role and account.role.github_repositories:
            self.declare(addresses.GITHUB_OIDC_PROVIDER, {"url": GITHUB_OIDC_URL})
        self._secrets: dict[str, str] = {}
        rules = account.registry.pull_through_cache if account.registry else ()
        for secret in sorted({rule.secret for rule in rules if rule.secret}):
            logical = address(secret)
            while logical in used:  # names differing only in characters an address cannot hold
                logical += "_"
            used.add(logical)
            self.declare(addresses.secret(logical), {"name": secret})
            self._secrets[secret] = addresses.secret(logical).ref("arn")

    def secret_arn(self, name: str) -> str:
        """The ARN of a Secrets Manager secret, looked up by name (ECR wants the ARN)."""
        return self._secrets[name]

    def is_alias(self, kms_key: str) -> bool:
        """Whether `kms_key` is an alias, resolved at plan time (its key ARN may change under it)."""
        return kms_key in self._kms

    def kms_key_arn(self, kms_key: str) -> str:
        """A key ARN as given, or the key ARN an alias points to (a raw alias causes a perpetual diff)."""
        return self._kms.get(kms_key, kms_key)
