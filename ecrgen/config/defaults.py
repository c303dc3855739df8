"""Every default of an account file in one table: what ecrgen does with a key that is left out.

The schema (`ecrgen.config.schema`) declares the defaults that stand alone as its fields' defaults; the
others depend on other keys (production, the account's name or region, the registry's grants) and are
applied by resolution (`ecrgen.config.load.resolve` and its modules). Both read them here. A key of
`[defaults]` or `[[repository]]` left out everywhere takes the repository default below.
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

# [defaults] and [[repository]] (the creation templates' repository keys too)
SCAN_ON_PUSH: Final = True
ENCRYPTION: Final = "AES256"  # KMS when a kms_key is given
FORCE_DELETE: Final = False
LAMBDA_PULL: Final = False
ADOPT: Final = False


@dataclass(frozen=True)
class ByProduction:
    """The repository defaults that production decides. (image_tag_mutability is IMMUTABLE in
    production and MUTABLE elsewhere, IMMUTABLE_WITH_EXCLUSION with mutable_tags: decided together
    with the explicit settings by `ecrgen.rules.mutability.resolve`.)"""

    policy: str  # the repository policy template
    prevent_destroy: bool


PRODUCTION = ByProduction(policy="production", prevent_destroy=True)
NON_PRODUCTION = ByProduction(policy="non_production", prevent_destroy=False)


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
