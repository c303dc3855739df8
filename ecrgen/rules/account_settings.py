"""The registry's account settings and its pull-time update exclusions.

- https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutAccountSetting.html: a setting by name,
  REGISTRY_POLICY_SCOPE (V1 or V2) and BLOB_MOUNTING (ENABLED or DISABLED), one value each per registry.
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions.html: under policy scope V2
  (AWS's default) a registry policy may grant any ECR action; under V1 ECR enforces only
  ecr:ReplicateImage, ecr:BatchImportUpstreamImage and ecr:CreateRepository there.
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/blob-mounting.html: layers shared between
  repositories of the registry are mounted instead of uploaded again.
- https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_RegisterPullTimeUpdateExclusion.html:
  IAM principals whose pulls do not update an image's last-pulled time: a role or user ARN
  (`^arn:aws(-[a-z]+)*:iam::[0-9]{12}:(role|user)/...`), at most 200 characters.
"""

from __future__ import annotations

from ecrgen.errors import duplicates, show
from ecrgen.rules import Found, arns, names

POLICY_SCOPE = "REGISTRY_POLICY_SCOPE"
BLOB_MOUNTING = "BLOB_MOUNTING"
DEFAULT_POLICY_SCOPE = "V2"
MAX_EXCLUSION_ARN = 200  # AWS's default: what a registry without the setting checks against


def account_settings(policy_scope: str | None, blob_mounting: bool | None) -> tuple[tuple[str, str], ...]:
    """(name, value) of each `aws_ecr_account_setting` that the given keys manage."""
    found: list[tuple[str, str]] = []
    if policy_scope is not None:
        found.append((POLICY_SCOPE, policy_scope))
    if blob_mounting is not None:
        found.append((BLOB_MOUNTING, "ENABLED" if blob_mounting else "DISABLED"))
    return tuple(found)


def exclusion_address(arn: str) -> str:
    """The Terraform address part of a pull-time update exclusion: its principal's type and name, then
    its account (`role_ci_123456789012`), never its position in the list."""
    parts = arn.split(":", 5)
    return names.address(f"{parts[5]}_{parts[4]}") if len(parts) == 6 else names.address(arn)


EXCLUDED = "an IAM role or user ARN (arn:aws:iam::123456789012:role/NAME or ...:user/NAME)"


def check_exclusions(principals: list[str], region: str) -> Found:
    """Each pull-time update exclusion: an IAM role or user ARN (the push_principals rules), listed once,
    with an address of its own."""
    found: Found = []
    for index, arn in enumerate(principals):
        # ECR excludes roles and users only: the principal rule's words without ...:root.
        problems = [
            (sub, m.replace(arns.PRINCIPAL_ARN_RULE, EXCLUDED)) for sub, m in arns.principal(arn, region)
        ]
        if not problems and (arn.endswith(":root") or len(arn) > MAX_EXCLUSION_ARN):
            problems = [
                (
                    "",
                    f"{show(arn)} is not an IAM role or user ARN of at most {MAX_EXCLUSION_ARN} characters "
                    "(ECR excludes roles and users: ...:role/NAME, ...:user/NAME)",
                )
            ]
        found += [(f"[{index}]{sub}", message) for sub, message in problems]
    if repeated := duplicates(principals):
        found.append(("", repeated))
        return found
    seen: dict[str, int] = {}
    for index, arn in enumerate(principals):
        first = seen.setdefault(exclusion_address(arn), index)
        if first != index:
            found.append(
                (
                    f"[{index}]",
                    f"{show(arn)} has the Terraform address of pull_time_update_exclusions[{first}] "
                    f"({exclusion_address(arn)!r}); list one of them",
                )
            )
    return found
