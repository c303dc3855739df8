"""The upstream registries a pull through cache rule can cache, and what each needs.

- https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html (the upstream
  registries; which need a Secrets Manager secret, which an IAM role)
- https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreatePullThroughCacheRule.html
  (credentialArn ...:secret:ecr-pullthroughcache/[a-zA-Z0-9/_+=.@-]+)
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-rule.html (the secret
  name begins with ecr-pullthroughcache/ and lives in the rule's account and region)
"""

from __future__ import annotations

import re

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
