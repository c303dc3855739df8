"""The resource arguments a repository and a repository creation template share, from their
`SharedSettings`: tag mutability with its exclusion filters, and the encryption configuration. (The
lifecycle and repository policies are arguments of a creation template, and resources of their own beside
a repository: `ecrgen.ecr.repository`, `ecrgen.ecr.policies`.)"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # read only: no import at run time
    from ecrgen.config.model import SharedSettings
    from ecrgen.ecr.data import EcrData


def arguments(settings: SharedSettings, data: EcrData) -> dict[str, Any]:
    """The shared arguments of an `aws_ecr_repository` or `aws_ecr_repository_creation_template`, as
    Terraform JSON; a KMS alias is looked up through `data`."""
    encryption = {"encryption_type": settings.encryption}
    if settings.kms_key:
        encryption["kms_key"] = data.kms_key_arn(settings.kms_key)
    found: dict[str, Any] = {
        "image_tag_mutability": settings.image_tag_mutability,
        "encryption_configuration": [encryption],
    }
    if settings.exclusion_filters:
        found["image_tag_mutability_exclusion_filter"] = [
            {"filter": tag, "filter_type": "WILDCARD"} for tag in settings.exclusion_filters
        ]
    return found
