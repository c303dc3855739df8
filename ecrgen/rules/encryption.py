"""Repository encryption: which combinations of `encryption` and `kms_key` ECR accepts.

https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_EncryptionConfiguration.html: a KMS key
only with encryptionType KMS; with KMS and no key, ECR uses its AWS managed key (alias/aws/ecr), which
may not exist before first use: https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html
(the key itself is checked by `ecrgen.rules.arns.kms_key`). KMS_DSSE (dual-layer server-side encryption
with KMS keys) takes a key as KMS does:
https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html#dual-layer-encryption
"""

from __future__ import annotations

from ecrgen.rules import Found
from ecrgen.rules.arns import ECR_MANAGED_ALIAS

KMS_TYPES = ("KMS", "KMS_DSSE")  # the encryption types that take a kms_key


def check_combination(encryption: str | None, kms_key: str | None) -> Found:
    """`encryption` and `kms_key` as written (None: not given) that contradict each other."""
    if kms_key is None and encryption in KMS_TYPES:
        return [("", f"is required with encryption {encryption!r} (a key ARN, or alias/NAME)")]
    if kms_key is not None and encryption == "AES256":
        return [("", "is not allowed with encryption 'AES256'; set encryption = 'KMS' or remove kms_key")]
    return []


def key_to_look_up(kms_key: str) -> str | None:
    """The key to name in Terraform: none for ECR's own AWS managed key (KMS without a key uses it, and
    it may not exist yet to look up)."""
    return None if kms_key == ECR_MANAGED_ALIAS else kms_key
