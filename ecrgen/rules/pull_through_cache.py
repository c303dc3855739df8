"""Pull through cache rules: the prefix, the upstream registry and how ECR authenticates to it.

- https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreatePullThroughCacheRule.html
  (ecrRepositoryPrefix 2-30 chars, ^((?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*/?|ROOT)$;
  customRoleArn a role of this account)
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-private-wildcards.html
  (ROOT and the upstream repository prefix: ECR-to-ECR rules; an upstream prefix only with a non-ROOT prefix)
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-private.html (ECR-to-ECR from
  another account: a role of this account that ECR assumes to pull from the upstream registry)
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html (the upstream
  registries an ECR rule can cache; which need a Secrets Manager secret, which an IAM role)
- https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreatePullThroughCacheRule.html
  (credentialArn ...:secret:ecr-pullthroughcache/[a-zA-Z0-9/_+=.@-]+)
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-rule.html (the secret
  name begins with ecr-pullthroughcache/ and lives in the rule's account and region)
"""

from __future__ import annotations

import re
from typing import Protocol

from ecrgen.errors import show
from ecrgen.rules import Found
from ecrgen.rules.arns import partition, role_of_account
from ecrgen.rules.names import PREFIX, REGION_RULE, REGIONS, ROOT


class PullThroughKeys(Protocol):
    """The keys of one `[[registry.pull_through_cache]]` table that its rules read."""

    prefix: str
    upstream: str
    registry_url: str | None
    secret: str | None
    custom_role_arn: str | None
    upstream_prefix: str | None


def check_pull_through(rule: PullThroughKeys, account_id: str, region: str) -> Found:
    """One pull through cache rule of the registry of `account_id` in `region`."""
    upstream = rule.upstream
    if upstream not in UPSTREAMS:
        return [
            (
                "upstream",
                f"{show(upstream)} is not an upstream registry ECR can cache "
                f"(allowed: {', '.join(UPSTREAMS)})",
            )
        ]
    return (
        _prefix(rule.prefix, upstream)
        + _registry_url(rule.registry_url, upstream)
        + _secret(rule.secret, upstream)
        + _ecr_upstream(rule, account_id, region)
    )


def _prefix(prefix: str, upstream: str) -> Found:
    """The cache's repository prefix: ROOT only for ECR-to-ECR."""
    if prefix == ROOT:
        if upstream != "ecr":
            return [
                ("prefix", "'ROOT' is allowed only for an ECR-to-ECR rule (upstream 'ecr'); name a prefix")
            ]
        return []
    if not (2 <= len(prefix) <= 30 and PREFIX.fullmatch(prefix)):
        return [
            (
                "prefix",
                f"{show(prefix)} is not a pull through cache prefix (2-30 chars: lowercase letters, digits, "
                "and . _ - / separators, optionally ending in '/'; or 'ROOT' for ECR-to-ECR)",
            )
        ]
    return []


def _registry_url(registry_url: str | None, upstream: str) -> Found:
    """The upstream's URL: fixed for the public registries, required (and of the upstream's form) else."""
    fixed = UPSTREAMS[upstream][0]
    if fixed is not None:
        if registry_url is not None and registry_url != fixed:
            return [
                (
                    "registry_url",
                    f"{show(registry_url)} is not {upstream}'s registry; "
                    f"leave it out (ecrgen writes {fixed!r})",
                )
            ]
        return []
    if registry_url is None:
        return [("registry_url", f"is required with upstream {upstream!r} ({URLS[upstream][1]})")]
    if not URLS[upstream][0].fullmatch(registry_url):
        return [("registry_url", f"{show(registry_url)} is not {URLS[upstream][1]}")]
    return []


def _secret(secret: str | None, upstream: str) -> Found:
    """The Secrets Manager secret: required where the upstream authenticates with one, else not used."""
    auth = UPSTREAMS[upstream][1]
    if auth == "secret" and secret is None:
        return [
            (
                "secret",
                f"is required with upstream {upstream!r}: the name of a Secrets Manager secret "
                f"'{SECRET_PREFIX}...' holding the upstream's credentials",
            )
        ]
    if auth != "secret" and secret is not None:
        return [
            (
                "secret",
                f"is not used with upstream {upstream!r} ("
                + (
                    "it authenticates with custom_role_arn)" if auth == "role" else "it needs no credentials)"
                ),
            )
        ]
    if secret is not None and not (SECRET.fullmatch(secret) and len(secret) <= SECRET_NAME_LENGTH):
        return [
            (
                "secret",
                f"{show(secret)} is not a pull through cache secret name "
                f"('{SECRET_PREFIX}' and then letters, "
                f"digits and / _ + = . @ -; at most {SECRET_NAME_LENGTH} chars)",
            )
        ]
    return []


def _ecr_upstream(rule: PullThroughKeys, account_id: str, region: str) -> Found:
    """ECR-to-ECR: a role of this account authenticates to another account's registry; an upstream prefix."""
    role, upstream_prefix = rule.custom_role_arn, rule.upstream_prefix
    if rule.upstream != "ecr":
        return [
            (key, "is only used with upstream 'ecr' (ECR-to-ECR)")
            for key, value in (("custom_role_arn", role), ("upstream_prefix", upstream_prefix))
            if value is not None
        ]
    match = URLS["ecr"][0].fullmatch(rule.registry_url or "")
    found = _ecr_registry(match, account_id, region) if match else []
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
        found += _upstream_prefix(rule.prefix, upstream_prefix)
    return found


def _ecr_registry(match: re.Match[str], account_id: str, region: str) -> Found:
    """An upstream ECR registry URL (matched: account, region, China domain) ECR can pull through from."""
    registry_url = match.group(0)
    if match.group(1) == account_id and match.group(2) == region:
        return [
            (
                "registry_url",
                f"{show(registry_url)} is this registry itself; an ECR upstream is another region or account",
            )
        ]
    if match.group(2) not in REGIONS:
        return [
            (
                "registry_url",
                f"{show(registry_url)} names the region {show(match.group(2))}, which is {REGION_RULE}",
            )
        ]
    if partition(match.group(2)) != partition(region):
        return [
            (
                "registry_url",
                f"{show(registry_url)} is in another partition than this registry's region {region!r}; "
                "ECR pulls through from registries of its own partition only",
            )
        ]
    if (match.group(3) is not None) != (partition(region) == "aws-cn"):
        return [
            (
                "registry_url",
                f"{show(registry_url)} has the wrong domain for region {match.group(2)!r}: ECR registries in "
                "China end in amazonaws.com.cn, all others in amazonaws.com",
            )
        ]
    return []


def _upstream_prefix(prefix: str, upstream_prefix: str) -> Found:
    """The upstream repository prefix: not with ROOT, else a prefix of 2-30 characters or ROOT."""
    if prefix == ROOT:
        return [
            ("upstream_prefix", "is not allowed with prefix 'ROOT' (ECR maps the whole upstream registry)")
        ]
    if upstream_prefix != ROOT and not (
        2 <= len(upstream_prefix) <= 30 and PREFIX.fullmatch(upstream_prefix)
    ):
        return [
            (
                "upstream_prefix",
                f"{show(upstream_prefix)} is not an upstream repository prefix "
                "(2-30 chars: lowercase letters, digits, and . _ - / separators; or 'ROOT')",
            )
        ]
    return []


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
# The URLs the user names: an Azure registry's login server (a registry name of 5-50 alphanumerics:
# https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/resource-name-rules) and an ECR
# registry (aws_account_id.dkr.ecr.region.amazonaws.com:
# https://docs.aws.amazon.com/AmazonECR/latest/userguide/Registries.html; amazonaws.com.cn in the China
# regions: https://docs.aws.amazon.com/general/latest/gr/ecr.html)
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
# https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html (Name: 1-512 chars)
SECRET_NAME_LENGTH = 512


def pull_through_url(upstream: str, registry_url: str | None) -> str | None:
    """The upstream registry URL: fixed by AWS for most upstreams, given by the user for Azure and ECR."""
    fixed = UPSTREAMS.get(upstream, (None, None))[0]
    return fixed or registry_url
