"""Pull through cache rules: the prefix, the upstream registry and how ECR authenticates to it.

- https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreatePullThroughCacheRule.html
  (ecrRepositoryPrefix 2-30 chars, ^((?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*/?|ROOT)$;
  customRoleArn a role of this account); the upstreams and their secrets: `pull_through_upstreams`
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-private-wildcards.html
  (ROOT and the upstream repository prefix: ECR-to-ECR rules; an upstream prefix only with a non-ROOT prefix)
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-private.html (ECR-to-ECR from
  another account: a role of this account that ECR assumes to pull from the upstream registry)
"""

from __future__ import annotations

from ecrgen.errors import show
from ecrgen.rules import Found
from ecrgen.rules.arns import partition, role_of_account
from ecrgen.rules.names import PREFIX, REGION_RULE, REGIONS, ROOT
from ecrgen.rules.pull_through_upstreams import SECRET, SECRET_NAME_LENGTH, SECRET_PREFIX, UPSTREAMS, URLS


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
                f"{show(upstream)} is not an upstream registry ECR can cache "
                f"(allowed: {', '.join(UPSTREAMS)})",
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
                    f"{show(registry_url)} is not {upstream}'s registry; "
                    f"leave it out (ecrgen writes {fixed!r})",
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
                f"{show(secret)} is not a pull through cache secret name "
                f"('{SECRET_PREFIX}' and then letters, "
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
