"""Data sources for what other modules made (parity with data.tf): caller identity, partition,
KMS aliases, the alert queue and the GitHub OIDC provider. Only what the stack reads is declared."""

from __future__ import annotations

from ecrgen import engine
from ecrgen.ecr import pin, ref
from ecrgen.model import Account
from ecrgen.rules.names import KMS_KEY_ARN, address

GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com"


class EcrData(engine.construct_base()):
    """Looks up, at plan time, the resources this account's stack uses but does not own."""

    def __init__(self, scope, account: Account):
        super().__init__(scope, "data")
        pin(engine.aws("data_aws_caller_identity").DataAwsCallerIdentity(self, "caller"), "current")
        pin(engine.aws("data_aws_partition").DataAwsPartition(self, "partition"), "current")
        self._kms = {}
        used: set[str] = set()
        for alias in sorted({r.kms_key for r in account.repositories if r.kms_key and not KMS_KEY_ARN.fullmatch(r.kms_key)}):
            logical = address(alias.split("alias/", 1)[1])
            while logical in used:  # alias/a.b and alias/a_b share an address; sorted order keeps this stable
                logical += "_"
            used.add(logical)
            data = engine.aws("data_aws_kms_alias").DataAwsKmsAlias(self, f"kms-{logical}", name=alias)
            pin(data, logical)
            self._kms[alias] = ref("data.aws_kms_alias", logical, "target_key_arn")
        self.queue = None
        if account.alerts and not account.alerts.create_queue:
            self.queue = pin(engine.aws("data_aws_sqs_queue").DataAwsSqsQueue(self, "queue", name=account.alerts.sqs_queue_name), "alerts")
        if account.role and account.role.github_repositories:
            provider = engine.aws("data_aws_iam_openid_connect_provider").DataAwsIamOpenidConnectProvider
            pin(provider(self, "github", url=GITHUB_OIDC_URL), "github")

    def kms_key_arn(self, kms_key: str) -> str:
        """A key ARN as given, or the key ARN an alias points to (a raw alias causes a perpetual diff)."""
        return self._kms.get(kms_key, kms_key)
