"""AccountStack: provider, backend and terraform block for one account, composing the ecr/ constructs."""

from __future__ import annotations

from ecrgen import moves, ownership
from ecrgen.ecr import ref
from ecrgen.ecr.alerts import EcrScanAlerts
from ecrgen.ecr.data import EcrData
from ecrgen.ecr.policies import EcrRepositoryPolicies
from ecrgen.ecr.registry import EcrCreationTemplates, EcrPullThroughCache, EcrRegistryPolicy, EcrReplication
from ecrgen.ecr.repository import EcrRepositories
from ecrgen.ecr.role import EcrRole
from ecrgen.ecr.scanning import EcrRegistryScanning
from ecrgen.model import Account
from ecrgen.synthesis import engine

# hashicorp/aws, any 6.x from the bindings' version on; the bindings alone would emit source "aws"
# pinned to exactly 6.25.0 (and OpenTofu mis-resolves the bare source).
AWS_PROVIDER = {"source": "hashicorp/aws", "version": "~> 6.25"}
# A creation template applied for CREATE_ON_PUSH needs a provider whose ECR SDK knows the value (Dec 2025:
# hashicorp/terraform-provider-aws#45660, #45720); older 6.x providers reject it at plan.
CREATE_ON_PUSH_PROVIDER = {"source": "hashicorp/aws", "version": "~> 6.28"}

cdktf = engine.cdktf()


class AccountStack(cdktf.TerraformStack):
    """Everything one account's `cdk.tf.json` holds."""

    def __init__(self, app, account: Account):
        super().__init__(app, account.name)
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
            EcrRole(self, account)
        if account.scanning:
            EcrRegistryScanning(self, account.scanning)
        if account.alerts:
            EcrScanAlerts(self, account, data)
        if account.registry:
            self._registry(account, data)
        self._outputs(account)
        for block, items in (
            ("moved", moves.moved_blocks(account.repositories)),
            ("import", ownership.import_blocks(account)),
            ("removed", ownership.removed_blocks(account)),
        ):
            if items:
                self.add_override(block, items)

    def _registry(self, account: Account, data: EcrData) -> None:
        registry = account.registry
        if registry.replication:
            EcrReplication(self, registry)
        if registry.policy_text is not None:
            EcrRegistryPolicy(self, registry.policy_text)
        if registry.pull_through_cache:
            EcrPullThroughCache(self, registry, data)
        if registry.creation_templates:
            EcrCreationTemplates(self, account, data)

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
            if backend.use_lockfile:
                # S3-native locking; the 0.21 S3Backend has no use_lockfile argument.
                self.add_override("terraform.backend.s3.use_lockfile", True)
        else:
            cdktf.LocalBackend(self, path=backend.path)
        self.add_override("terraform.required_version", account.terraform_version)
        templates = account.registry.creation_templates if account.registry else ()
        on_push = any("CREATE_ON_PUSH" in template.applied_for for template in templates)
        self.add_override(
            "terraform.required_providers.aws", CREATE_ON_PUSH_PROVIDER if on_push else AWS_PROVIDER
        )

    def _outputs(self, account: Account) -> None:
        def each(attribute: str) -> dict[str, str]:
            return {r.name: ref("aws_ecr_repository", r.address, attribute) for r in account.repositories}

        values = {
            "repository_url": each("repository_url"),
            "repository_arn": each("arn"),
            "repository_name": each("name"),
            "registry_id": ref("data.aws_caller_identity", "current", "account_id"),
            # The partition's DNS suffix as AWS reports it (amazonaws.com, amazonaws.com.cn, ...).
            "repository_registry_url": f"{account.id}.dkr.ecr.{account.region}."
            + ref("data.aws_partition", "current", "dns_suffix"),
        }
        for name, value in values.items():
            cdktf.TerraformOutput(
                self, name, value=value, description=f"{name} (as the seed ECR module's output)"
            )
