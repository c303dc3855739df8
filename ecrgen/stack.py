"""AccountStack: provider, backend and terraform block for one account, composing the ecr/ constructs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ecrgen import addresses, moves, ownership
from ecrgen.ecr import engine
from ecrgen.ecr.alerts import EcrScanAlerts
from ecrgen.ecr.data import EcrData
from ecrgen.ecr.policies import EcrRepositoryPolicies
from ecrgen.ecr.registry import (
    EcrAccountSettings,
    EcrCreationTemplates,
    EcrPullThroughCache,
    EcrPullTimeUpdateExclusions,
    EcrRegistryPolicy,
    EcrReplication,
)
from ecrgen.ecr.repository import EcrRepositories
from ecrgen.ecr.role import EcrRole
from ecrgen.ecr.scanning import EcrRegistryScanning
from ecrgen.rules import terraform

if TYPE_CHECKING:  # the model is only read: no import at run time
    from ecrgen.config.model import Account, Registry

cdktf: Any = engine.cdktf()
TerraformStack: Any = cdktf.TerraformStack  # typed loosely: the class exists only once CDKTF runs


def _needs(registry: Registry | None) -> list[tuple[str, tuple[int, int]]]:
    """The provider features in use that raise the emitted provider floor."""
    if registry is None:
        return []
    used = {
        terraform.CREATE_ON_PUSH: any("CREATE_ON_PUSH" in t.applied_for for t in registry.creation_templates),
        terraform.PULL_TIME_UPDATE_EXCLUSION: bool(registry.pull_time_update_exclusions),
        terraform.BLOB_MOUNTING: any(name == "BLOB_MOUNTING" for name, _ in registry.account_settings),
    }
    return [need for need, yes in used.items() if yes]


class AccountStack(TerraformStack):
    """Everything one account's `cdk.tf.json` holds, read from the account model alone."""

    def __init__(self, app, account: Account):
        super().__init__(app, account.name)
        self.blocks = engine.Blocks()  # what the constructs declare, written to CDKTF at the end
        module = engine.aws("provider")
        provider = {
            "region": account.region,
            "allowed_account_ids": [account.id],
            "default_tags": [module.AwsProviderDefaultTags(tags=account.default_tags())],
        }
        if account.assume_role_arn:
            provider["assume_role"] = [module.AwsProviderAssumeRole(role_arn=account.assume_role_arn)]
        module.AwsProvider(self, "aws", **provider)
        self._terraform_block(account)
        data = EcrData(self, account)
        EcrRepositories(self, account, data)
        EcrRepositoryPolicies(self, account)
        if account.role:
            EcrRole(self, account, account.role)
        if account.scanning:
            EcrRegistryScanning(self, account.scanning)
        if account.alerts:
            EcrScanAlerts(self, account, account.alerts)
        if account.registry:
            self._registry(account.registry, data)
        self._outputs(account)
        self.blocks.write(self)
        for block, items in (
            ("moved", moves.moved_blocks(account.repositories)),
            ("import", ownership.import_blocks(account)),
            ("removed", ownership.removed_blocks(account)),
        ):
            if items:
                self.add_override(block, items)

    def _registry(self, registry: Registry, data: EcrData) -> None:
        if registry.replication:
            EcrReplication(self, registry)
        if registry.policy_text is not None:
            EcrRegistryPolicy(self, registry)
        if registry.pull_through_cache:
            EcrPullThroughCache(self, registry, data)
        if registry.creation_templates:
            EcrCreationTemplates(self, registry.creation_templates, data)
        if registry.account_settings:
            EcrAccountSettings(self, registry)
        if registry.pull_time_update_exclusions:
            EcrPullTimeUpdateExclusions(self, registry)

    def _terraform_block(self, account: Account) -> None:
        backend = account.backend
        if backend.type == "s3":
            options = {
                "bucket": backend.bucket,
                "key": backend.key,
                "region": backend.region,
                "encrypt": backend.encrypt,
            }
            if backend.dynamodb_table:
                options["dynamodb_table"] = backend.dynamodb_table
            cdktf.S3Backend(self, **options)
        else:
            cdktf.LocalBackend(self, path=backend.path)
        block = {
            "required_version": account.terraform_version,
            "required_providers": {"aws": terraform.aws_provider(_needs(account.registry))},
        }
        if backend.type == "s3" and backend.use_lockfile:
            # S3-native locking; the 0.21 S3Backend has no use_lockfile argument.
            block["backend"] = {"s3": {"use_lockfile": True}}
        self.add_override("terraform", block)  # merged into the block CDKTF writes (the backend)

    def _outputs(self, account: Account) -> None:
        def each(attribute: str) -> dict[str, str]:
            return {r.name: addresses.repository(r.address).ref(attribute) for r in account.repositories}

        values = {
            "repository_url": each("repository_url"),
            "repository_arn": each("arn"),
            "repository_name": each("name"),
            "registry_id": addresses.CALLER.ref("account_id"),
            # The partition's DNS suffix as AWS reports it (amazonaws.com, amazonaws.com.cn, ...).
            "repository_registry_url": f"{account.id}.dkr.ecr.{account.region}."
            + addresses.PARTITION.ref("dns_suffix"),
        }
        for name, value in values.items():
            self.blocks.output(name, value, f"{name} (as the seed ECR module's output)")
