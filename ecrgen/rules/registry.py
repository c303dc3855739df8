"""Registry-level rules: replication, pull through cache rules and repository creation templates.

- Replication: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ReplicationConfiguration.html
  (at most 10 rules), https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ReplicationRule.html
  (destinations; at most 100 repository filters per rule), and the quota of 25 unique destinations across
  all rules: https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html (considerations) and
  https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html
- Destinations: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ReplicationDestination.html
  (a region and a 12-digit registry id); ECR refuses the source registry itself as a destination
  ("Replication destination cannot be the same as the source registry"), and replication stays within
  one partition: https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html
- Repository filters: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_RepositoryFilter.html
  (PREFIX_MATCH; 2-256 chars; ^(?:[a-z0-9]+(?:[._-][a-z0-9]*)*/)*[a-z0-9]*(?:[._-][a-z0-9]*)*$)
- Pull through cache: https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html
  (the upstream registries; which need a Secrets Manager secret, which an IAM role),
  https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreatePullThroughCacheRule.html
  (ecrRepositoryPrefix 2-30 chars, ^((?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*/?|ROOT)$;
  credentialArn ...:secret:ecr-pullthroughcache/[a-zA-Z0-9/_+=.@-]+; customRoleArn a role of this account),
  https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-rule.html (the secret
  name begins with ecr-pullthroughcache/ and lives in the rule's account and region) and
  https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-private-wildcards.html
  (ROOT and the upstream repository prefix: ECR-to-ECR rules; an upstream prefix only with a non-ROOT prefix)
- Repository creation templates:
  https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepositoryCreationTemplate.html
  (prefix 1-256 chars, the pattern above or ROOT; appliedFor REPLICATION | PULL_THROUGH_CACHE |
  CREATE_ON_PUSH; description at most 256 chars; customRoleArn a role of this account) and
  https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates.html (a template
  that sets KMS encryption or resource tags needs a custom role ECR assumes to use the key and tag)
"""

from __future__ import annotations

import re

from ecrgen.errors import show
from ecrgen.rules import Found
from ecrgen.rules.arns import partition, role_of_account
from ecrgen.rules.names import REGION_RULE, REGIONS

MAX_RULES, MAX_DESTINATIONS, MAX_FILTERS = 10, 25, 100
FILTER = re.compile(r"(?:[a-z0-9]+(?:[._-][a-z0-9]*)*/)*[a-z0-9]*(?:[._-][a-z0-9]*)*")
FILTER_RULE = "a repository name prefix: 2-256 chars of lowercase letters, digits, and . _ - / separators"
PREFIX = re.compile(r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*/?")
ROOT = "ROOT"

# upstreamRegistry -> (its URL, or None when the user names it; what authenticates: "secret", "role" or None)
UPSTREAMS = {
    "ecr-public": ("public.ecr.aws", None),
    "k8s": ("registry.k8s.io", None),
    "quay": ("quay.io", None),
    "docker-hub": ("registry-1.docker.io", "secret"),
    "github-container-registry": ("ghcr.io", "secret"),
    "gitlab-container-registry": ("registry.gitlab.com", "secret"),
    "azure-container-registry": (None, "secret"),
    "chainguard": ("cgr.dev", "secret"),
    "ecr": (None, "role"),
}
URLS = {
    "azure-container-registry": (
        re.compile(r"[a-z0-9]{5,50}\.azurecr\.io"),
        "an Azure registry URL such as 'myregistry.azurecr.io'",
    ),
    "ecr": (
        re.compile(r"(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?"),
        "an ECR registry URL such as '123456789012.dkr.ecr.us-east-1.amazonaws.com'",
    ),
}
SECRET_PREFIX = "ecr-pullthroughcache/"
SECRET = re.compile(r"ecr-pullthroughcache/[a-zA-Z0-9/_+=.@-]+")
SECRET_NAME_LENGTH = (
    512  # https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html
)
APPLIED_FOR = ("PULL_THROUGH_CACHE", "REPLICATION", "CREATE_ON_PUSH")
MAX_DESCRIPTION = 256


def check_replication(
    rules: list[tuple[list[tuple[str, str | None]], list[str]]], account_id: str, region: str
) -> Found:
    """The replication rules: (destinations as (region, account id or None), prefixes) each."""
    found: Found = []
    if len(rules) > MAX_RULES:
        found.append(("", f"has {len(rules)} rules; ECR allows at most {MAX_RULES} per registry"))
    unique: set[tuple[str, str]] = set()
    for i, (destinations, prefixes) in enumerate(rules):
        here = f"[{i}]"
        if not destinations:
            found.append(
                (f"{here}.destinations", "is empty; a replication rule needs at least one destination")
            )
        seen: set[tuple[str, str]] = set()
        for j, (dest_region, dest_account) in enumerate(destinations):
            where = f"{here}.destinations[{j}]"
            target = (dest_region, dest_account or account_id)
            if dest_region not in REGIONS:
                found.append((f"{where}.region", f"{show(dest_region)} is {REGION_RULE}"))
            elif partition(dest_region) != partition(region):
                found.append(
                    (
                        f"{where}.region",
                        f"{show(dest_region)} is in another partition than this registry's region {region!r}; "
                        "ECR replicates within a partition only",
                    )
                )
            if dest_account is not None and not re.fullmatch(r"\d{12}", dest_account):
                found.append(
                    (f"{where}.account_id", f"{show(dest_account)} is not an AWS account id (12 digits)")
                )
            if target == (region, account_id):
                found.append(
                    (
                        where,
                        f"is this registry itself (account {account_id}, region {region}); "
                        "ECR replicates to another region or another account only",
                    )
                )
            if target in seen:
                found.append((where, f"repeats the destination {target[1]} {target[0]} of this rule"))
            seen.add(target)
        unique |= seen
        if len(prefixes) > MAX_FILTERS:
            found.append(
                (
                    f"{here}.prefixes",
                    f"has {len(prefixes)} filters; ECR allows at most {MAX_FILTERS} per rule",
                )
            )
        for j, prefix in enumerate(prefixes):
            if not (2 <= len(prefix) <= 256 and FILTER.fullmatch(prefix)):
                found.append((f"{here}.prefixes[{j}]", f"{show(prefix)} is not {FILTER_RULE}"))
        if len(set(prefixes)) != len(prefixes):
            found.append((f"{here}.prefixes", "has duplicates"))
    if len(unique) > MAX_DESTINATIONS:
        found.append(
            (
                "",
                f"has {len(unique)} unique destinations across its rules; ECR allows at most {MAX_DESTINATIONS}",
            )
        )
    return found


def pull_through_url(upstream: str, registry_url: str | None) -> str | None:
    """The upstream registry URL: fixed by AWS for most upstreams, given by the user for Azure and ECR."""
    fixed = UPSTREAMS.get(upstream, (None, None))[0]
    return fixed or registry_url


def check_pull_through(
    prefix: str,
    upstream: str,
    registry_url: str | None,
    secret: str | None,
    role: str | None,
    upstream_prefix: str | None,
    account_id: str,
    region: str,
) -> Found:
    """One pull through cache rule."""
    if upstream not in UPSTREAMS:
        return [
            (
                "upstream",
                f"{show(upstream)} is not an upstream registry ECR can cache (allowed: {', '.join(UPSTREAMS)})",
            )
        ]
    found: Found = []
    fixed, auth = UPSTREAMS[upstream]
    if prefix == ROOT:
        if upstream != "ecr":
            found.append(
                ("prefix", "'ROOT' is allowed only for an ECR-to-ECR rule (upstream 'ecr'); name a prefix")
            )
    elif not (2 <= len(prefix) <= 30 and PREFIX.fullmatch(prefix)):
        found.append(
            (
                "prefix",
                f"{show(prefix)} is not a pull through cache prefix (2-30 chars: lowercase letters, digits, "
                "and . _ - / separators, optionally ending in '/'; or 'ROOT' for ECR-to-ECR)",
            )
        )
    if fixed is not None:
        if registry_url is not None and registry_url != fixed:
            found.append(
                (
                    "registry_url",
                    f"{show(registry_url)} is not {upstream}'s registry; leave it out (ecrgen writes {fixed!r})",
                )
            )
    elif registry_url is None:
        found.append(("registry_url", f"is required with upstream {upstream!r} ({URLS[upstream][1]})"))
    elif not URLS[upstream][0].fullmatch(registry_url):
        found.append(("registry_url", f"{show(registry_url)} is not {URLS[upstream][1]}"))
    if auth == "secret" and secret is None:
        found.append(
            (
                "secret",
                f"is required with upstream {upstream!r}: the name of a Secrets Manager secret "
                f"'{SECRET_PREFIX}...' holding the upstream's credentials",
            )
        )
    elif auth != "secret" and secret is not None:
        found.append(
            (
                "secret",
                f"is not used with upstream {upstream!r} ("
                + (
                    "it authenticates with custom_role_arn)" if auth == "role" else "it needs no credentials)"
                ),
            )
        )
    elif secret is not None and not (SECRET.fullmatch(secret) and len(secret) <= SECRET_NAME_LENGTH):
        found.append(
            (
                "secret",
                f"{show(secret)} is not a pull through cache secret name ('{SECRET_PREFIX}' and then letters, "
                f"digits and / _ + = . @ -; at most {SECRET_NAME_LENGTH} chars)",
            )
        )
    found += _ecr_upstream(upstream, prefix, registry_url, role, upstream_prefix, account_id, region)
    return found


def _ecr_upstream(
    upstream: str,
    prefix: str,
    registry_url: str | None,
    role: str | None,
    upstream_prefix: str | None,
    account_id: str,
    region: str,
) -> Found:
    """ECR-to-ECR: a role of this account authenticates to another account's registry; an upstream prefix."""
    if upstream != "ecr":
        return [
            (key, "is only used with upstream 'ecr' (ECR-to-ECR)")
            for key, value in (("custom_role_arn", role), ("upstream_prefix", upstream_prefix))
            if value is not None
        ]
    found: Found = []
    match = URLS["ecr"][0].fullmatch(registry_url or "")
    if match and match.group(1) == account_id and match.group(2) == region:
        found.append(
            (
                "registry_url",
                f"{show(registry_url)} is this registry itself; an ECR upstream is another region or account",
            )
        )
    elif match and match.group(2) not in REGIONS:
        found.append(
            (
                "registry_url",
                f"{show(registry_url)} names the region {show(match.group(2))}, which is {REGION_RULE}",
            )
        )
    elif match and partition(match.group(2)) != partition(region):
        found.append(
            (
                "registry_url",
                f"{show(registry_url)} is in another partition than this registry's region {region!r}; "
                "ECR pulls through from registries of its own partition only",
            )
        )
    elif match and (match.group(3) is not None) != (partition(region) == "aws-cn"):
        found.append(
            (
                "registry_url",
                f"{show(registry_url)} has the wrong domain for region {match.group(2)!r}: ECR registries in "
                "China end in amazonaws.com.cn, all others in amazonaws.com",
            )
        )
    if role is None:
        if match and match.group(1) != account_id:
            found.append(
                (
                    "custom_role_arn",
                    f"is required for an upstream registry of another account ({match.group(1)}): "
                    "a role of this account that ECR assumes to pull from it",
                )
            )
    else:
        found += [("custom_role_arn", message) for _, message in role_of_account(role, account_id, region)]
    if upstream_prefix is not None:
        if prefix == ROOT:
            found.append(
                (
                    "upstream_prefix",
                    "is not allowed with prefix 'ROOT' (ECR maps the whole upstream registry)",
                )
            )
        elif upstream_prefix != ROOT and not (
            2 <= len(upstream_prefix) <= 30 and PREFIX.fullmatch(upstream_prefix)
        ):
            found.append(
                (
                    "upstream_prefix",
                    f"{show(upstream_prefix)} is not an upstream repository prefix "
                    "(2-30 chars: lowercase letters, digits, and . _ - / separators; or 'ROOT')",
                )
            )
    return found


def check_creation_template(
    prefix: str,
    applied_for: list[str],
    description: str | None,
    role: str | None,
    kms: bool,
    tags: bool,
    account_id: str,
    region: str,
) -> Found:
    """One repository creation template (its repository settings are checked as a repository's are)."""
    found: Found = []
    if prefix != ROOT and not (1 <= len(prefix) <= 256 and PREFIX.fullmatch(prefix)):
        found.append(
            (
                "prefix",
                f"{show(prefix)} is not a repository name prefix (1-256 chars: lowercase letters, digits, "
                "and . _ - / separators, optionally ending in '/'; or 'ROOT' for every repository without a template)",
            )
        )
    if not applied_for:
        found.append(
            ("applied_for", f"is empty; name what the template applies to ({', '.join(APPLIED_FOR)})")
        )
    found += [
        (f"applied_for[{i}]", f"{show(v)} is not allowed (allowed: {', '.join(APPLIED_FOR)})")
        for i, v in enumerate(applied_for)
        if v not in APPLIED_FOR
    ]
    if len(set(applied_for)) != len(applied_for):
        found.append(("applied_for", "has duplicates"))
    if description is not None and len(description) > MAX_DESCRIPTION:
        found.append(
            ("description", f"is {len(description)} characters; ECR allows at most {MAX_DESCRIPTION}")
        )
    if role is not None:
        found += [("custom_role_arn", message) for _, message in role_of_account(role, account_id, region)]
    elif kms or tags:
        what = " and ".join(w for w, used in (("KMS encryption", kms), ("resource_tags", tags)) if used)
        found.append(
            (
                "custom_role_arn",
                f"is required with {what}: ECR creates the repositories through a role of this account "
                "that may use the key and tag them",
            )
        )
    return found
