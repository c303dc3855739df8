"""The repository keys that a repository and a repository creation template share: the policy template
and whom it grants to, and the encryption; each wired to its AWS rule."""

from __future__ import annotations

import re
from collections.abc import Callable

from ecrgen.config import defaults
from ecrgen.config.findings import Findings
from ecrgen.errors import duplicates, show
from ecrgen.rules import Found, arns, names
from ecrgen.rules import encryption as encryption_rules

POLICY_NAME = re.compile(r"[A-Za-z0-9_-]+")


def check_template_name(policy: str) -> Found:
    """A policy template is a file name under iam_policies/ (or 'none')."""
    if POLICY_NAME.fullmatch(policy):
        return []
    return [("", f"{show(policy)} is not a template name (letters, digits, _ and -; or 'none')")]


def check_grants(
    pulls: tuple[str, ...],
    pushes: tuple[str, ...],
    org: str | None,
    region: str,
    at: Callable[[str], str],
    found: Findings,
) -> None:
    """Who a policy template grants to: account ids, principal ARNs, the organization; `at(key)` is the
    table the key was written in (a repository, [defaults], a creation template)."""
    for i, account_id in enumerate(pulls):
        found.add(f"{at('pull_account_ids')}.pull_account_ids[{i}]", names.account_id(account_id))
    for i, arn in enumerate(pushes):
        found.add(f"{at('push_principals')}.push_principals[{i}]", arns.principal(arn, region))
    for key, values in (("pull_account_ids", pulls), ("push_principals", pushes)):
        if repeated := duplicates(values):
            found.add(f"{at(key)}.{key}", [("", repeated)])
    if org is not None:
        found.add(
            f"{at('org_id')}.org_id",
            arns.matches(
                org, arns.ORG_ID, "an AWS Organizations id (o- and 10-32 lowercase letters or digits)"
            ),
        )


def resolve_encryption(
    encryption: str | None, kms_key: str | None, region: str, key_at: str, both_at: str, found: Findings
) -> tuple[str, str | None]:
    """The encryption type and the KMS key to look up; `key_at` is where kms_key was written, `both_at`
    where the two keys in effect were."""
    found.add(f"{both_at}.kms_key", encryption_rules.check_combination(encryption, kms_key))
    if kms_key is None:
        return encryption or defaults.ENCRYPTION, None
    found.add(f"{key_at}.kms_key", arns.kms_key(kms_key, region))
    return "KMS", encryption_rules.key_to_look_up(kms_key)
