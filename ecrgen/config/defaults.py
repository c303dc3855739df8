"""Every default of an account file in one table: what ecrgen does with a key that is left out.

The schema (`ecrgen.config.schema`) declares the defaults that stand alone as its fields' defaults; the
others depend on other keys (production, the account's id, name or region, the registry's grants) and
are applied by resolution (`ecrgen.config.load.resolve` and its modules). Both read them here; the AWS
rules (`ecrgen.rules`) are given the values in effect. A key of `[defaults]` or `[[repository]]` left out
everywhere takes the repository default below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

# [account]
NAME_FORMAT: Final = "{name}"
TERRAFORM_VERSION: Final = ">= 1.5.0"

# [backend]: a local state file in the stack's folder; with type 's3', the region is the account's.
BACKEND_TYPE: Final = "local"
BACKEND_PATH: Final = "terraform.tfstate"
S3_KEY: Final = "ecr/{account}.tfstate"  # {account}: the account file's name
S3_USE_LOCKFILE: Final = True
S3_ENCRYPT: Final = True

# [defaults] and [[repository]], and the keys creation templates share with them (`ecrgen.config.settings`)
SCAN_ON_PUSH: Final = True
ENCRYPTION: Final = "AES256"  # KMS when a kms_key is given
FORCE_DELETE: Final = False
LAMBDA_PULL: Final = False
ADOPT: Final = False


@dataclass(frozen=True)
class ByProduction:
    """The repository defaults that production decides (a creation template's too, but prevent_destroy)."""

    policy: str  # the repository policy template
    prevent_destroy: bool
    # mutable_tags turn an IMMUTABLE default into IMMUTABLE_WITH_EXCLUSION (`rules.mutability.resolve`);
    # immutable_tags never change it: MUTABLE_WITH_EXCLUSION must be written
    image_tag_mutability: str


PRODUCTION = ByProduction(policy="production", prevent_destroy=True, image_tag_mutability="IMMUTABLE")
NON_PRODUCTION = ByProduction(policy="non_production", prevent_destroy=False, image_tag_mutability="MUTABLE")


def by_production(production: bool) -> ByProduction:
    """The repository defaults of a production or a non-production account."""
    return PRODUCTION if production else NON_PRODUCTION


# lifecycle (ecrgen's default lifecycle policy)
LIFECYCLE_ENABLED: Final = True
MAX_IMAGE_COUNT: Final = 30
UNTAGGED_IMAGE_DAYS: Final = 7

# [role]
ROLE_ACCESS: Final = "push"
ROLE_ADOPT: Final = False

# [alerts]; rule_name defaults to '<ACCOUNT>-ecr-scan-findings' (`ecrgen.rules.events.rule_name`).
CREATE_QUEUE: Final = False
SEVERITIES: Final = ["HIGH", "CRITICAL"]
ALERTS_ADOPT: Final = False
TARGET_ID: Final = "sqs"  # the id of the rule's SQS target

# [scanning]
SCANNING_TYPE: Final = "BASIC"
CONTINUOUS: Final = False
REPOSITORY_FILTERS: Final = ["*"]

# [registry]: this template when the registry grants (replication sources or pull through
# principals), else no registry policy.
REGISTRY_POLICY: Final = "registry_default"


def replication_account(account_id: str | None, own_account: str) -> str:
    """A [[registry.replication]] destination's account: this account's registry when account_id is
    left out (or empty: reported, and the destination is still checked as this registry's)."""
    return account_id or own_account


# The provider's default_tags: this one marks every resource ecrgen manages (`Account.default_tags`).
MANAGED_BY: Final = "ecrgen"
