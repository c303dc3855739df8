"""IAM's size limits on the ECR role, measured on the policies as AWS will hold them.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html: a role's inline policies
together at most 10,240 characters; a role trust policy 2,048 by default (a quota raisable to 4,096).
IAM counts without whitespace, as ecrgen writes them.
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html: a `*` in a
resource ARN matches any characters, so a name prefix granted as `repository/<prefix>*` must end at a
separator, or it also covers the repositories whose names merely start with it.
"""

from __future__ import annotations

from ecrgen.rules import Found

ROLE_POLICY_LIMIT = 10_240
TRUST_POLICY_DEFAULT, TRUST_POLICY_MAX = 2_048, 4_096
PREFIX_SEPARATORS = ("/", "-", "_", ".")


def inline_policy_scope(size: int, repositories: int, prefix: str) -> tuple[str | None, Found]:
    """For an inline policy of `size` characters listing `repositories` ARNs: the name prefix to grant on
    instead (None: list the ARNs), or why neither fits. `prefix` is what name_format gives before {name}."""
    if size <= ROLE_POLICY_LIMIT:
        return None, []
    too_big = (
        f"its inline policy would be {size} characters with {repositories} repository ARNs; IAM allows "
        f"{ROLE_POLICY_LIMIT} for a role's inline policies"
    )
    if not prefix:
        return None, [
            (
                "",
                f"{too_big}: give name_format a prefix before {{name}} "
                "(e.g. '{project}/{name}') so ecrgen can grant on that prefix instead",
            )
        ]
    if not prefix.endswith(PREFIX_SEPARATORS):
        # 'p*' would also grant on 'payments/...' of another project: the prefix must end at a separator.
        return None, [
            (
                "",
                f"{too_big}, and the name prefix {prefix!r} that name_format gives does not end in a "
                f"separator (/ - _ .), so granting on 'repository/{prefix}*' would also cover other "
                f"repositories whose names start with {prefix!r}: put a separator after the prefix in "
                "name_format (e.g. '{project}/{name}')",
            )
        ]
    return prefix, []


def check_trust_policy(size: int) -> tuple[Found, Found]:
    """A trust policy of `size` characters: (errors, warnings)."""
    if size > TRUST_POLICY_MAX:
        return [
            (
                "",
                f"its trust policy would be {size} characters; IAM allows at most {TRUST_POLICY_MAX} "
                "(github_repositories, trusted_principals and trusted_services make it): split the role",
            )
        ], []
    if size > TRUST_POLICY_DEFAULT:
        return [], [
            (
                "",
                f"its trust policy would be {size} characters; IAM's default quota is {TRUST_POLICY_DEFAULT} "
                f"(raisable to {TRUST_POLICY_MAX} through Service Quotas): apply fails unless the quota was "
                "raised",
            )
        ]
    return [], []
