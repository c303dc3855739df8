"""The CI role: its name, who may assume it (the GitHub OIDC subjects it trusts, its principals and
services, and how broad a trust entry is), and IAM's size limits on its policies.

- Role names: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html ([\\w+=,.@-]{1,64})
- GitHub OIDC subjects: https://docs.github.com/en/actions/reference/security/oidc#example-subject-claims
  and https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services
  Accepted entries (config form -> the `sub` trusted):
    ORG/REPO                              -> repo:ORG/REPO:*  (every ref, environment and pull request)
    ORG/REPO:ref:refs/heads/main          -> repo:ORG/REPO:ref:refs/heads/main
                                             (also refs/tags/..., * wildcards)
    ORG/REPO:environment:NAME             -> repo:ORG/REPO:environment:NAME  (jobs that use that environment)
    ORG/REPO:pull_request                 -> repo:ORG/REPO:pull_request
    ORG@OWNER_ID/REPO@REPO_ID[:...]       -> repo:ORG@OWNER_ID/REPO@REPO_ID[:...]  (GitHub's immutable subject
                                             claims: numeric ids that survive renames and are never reused)
    repository_owner_id:N:repository_id:N[:...] -> verbatim (a subject customised to immutable ids
                                             with include_claim_keys; write it exactly as your template
                                             produces it)
- Size limits, measured on the policies as AWS will hold them:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html: a role's inline policies
  together at most 10,240 characters; a role trust policy 2,048 by default (a quota raisable to 4,096).
  IAM counts without whitespace, as ecrgen writes them.
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html: a `*` in a
  resource ARN matches any characters, so a name prefix granted as `repository/<prefix>*` must end at a
  separator, or it also covers the repositories whose names merely start with it.
"""

from __future__ import annotations

import re

from ecrgen.errors import duplicates, each_matching, show
from ecrgen.rules import Found

ROLE_NAME = re.compile(r"[\w+=,.@-]{1,64}")
# Git refs cannot hold ':' or whitespace (git check-ref-format); '*' is a StringLike wildcard.
_CONTEXT = r"(:(ref:refs/[^\s:]+|environment:[^\s:]+|pull_request))"
GITHUB_REPOSITORY = re.compile(
    rf"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+{_CONTEXT}?|[A-Za-z0-9_.-]+@\d+/[A-Za-z0-9_.-]+@\d+{_CONTEXT}?"
)
GITHUB_CUSTOM_SUBJECT = re.compile(rf"repository_owner_id:\d+:repository_id:\d+{_CONTEXT}?")
GITHUB_RULE = (
    "a GitHub repository: 'org/repo', "
    "optionally with ':ref:refs/heads/main', ':environment:NAME' or ':pull_request'; "
    "'org@OWNER_ID/repo@REPO_ID...' (immutable ids); or 'repository_owner_id:N:repository_id:N...'"
)
# Service principals (such as ecs-tasks.amazonaws.com):
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-services
SERVICE = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?")


def check_role(name: str, github: list[str], principals: list[str], services: list[str]) -> Found:
    """Role name, trust entries, and that somebody can assume the role (principal ARNs: `arns.principal`)."""
    found: Found = []
    if not ROLE_NAME.fullmatch(name):
        found.append(
            (
                "name",
                f"{show(name)} is not a valid IAM role name (1-64 chars: letters, digits, + = , . @ _ -)",
            )
        )
    found += [
        (f"github_repositories[{i}]", f"{show(v)} is not {GITHUB_RULE}")
        for i, v in enumerate(github)
        if not (GITHUB_REPOSITORY.fullmatch(v) or GITHUB_CUSTOM_SUBJECT.fullmatch(v))
    ]
    found += [
        (key, repeated)
        for key, values in (("github_repositories", github), ("trusted_principals", principals))
        if (repeated := duplicates(values))
    ]
    found += each_matching(
        "trusted_services", services, SERVICE, "an AWS service principal such as 'ecs-tasks.amazonaws.com'"
    )
    if not (github or principals or services):
        found.append(
            ("", "needs github_repositories, trusted_principals or trusted_services: nobody could assume it")
        )
    return found


def github_subject(entry: str) -> str:
    """The OIDC `sub` a GitHub entry trusts: every ref of the repository, or the exact context given."""
    if GITHUB_CUSTOM_SUBJECT.fullmatch(entry):
        return entry
    repo, _, rest = entry.partition(":")
    return f"repo:{repo}:{rest or '*'}"


def _split(entry: str) -> tuple[str, str]:
    """(the repository part, the context after it: '' or 'ref:...', 'environment:...', 'pull_request')."""
    if GITHUB_CUSTOM_SUBJECT.fullmatch(entry):
        parts = entry.split(":", 4)
        return ":".join(parts[:4]), parts[4] if len(parts) > 4 else ""
    repo, _, rest = entry.partition(":")
    return repo, rest


def broad_trust(entry: str) -> str | None:
    """Whom an entry lets assume the role when that is anybody with write access to the repository (who
    can push a branch or tag, open a pull request, or name a new environment: GitHub creates an environment
    a workflow names), or None for a narrow entry. StringLike '*' matches any characters, '/' too: a
    wildcard anywhere in a branch, tag or environment name ('main*', 'prod*') is met by a new branch, tag
    or environment of a matching name ('main-x', 'prod-x'), which anybody with write access can make."""
    repo, context = _split(entry)
    kind, _, value = context.partition(":")
    if not context:
        return "every branch, tag, pull request and environment of the repository"
    if kind == "pull_request":
        return "every pull request of the repository (the code of any branch, before review)"
    if kind == "environment" and "*" in value:
        which = "every environment" if value.startswith("*") else f"every environment matching {show(value)}"
        return f"{which} of the repository (a workflow that names a new environment creates it)"
    ref = value.removeprefix("refs/")
    if kind != "ref" or "*" not in ref:
        return None
    if ref.startswith("*"):
        return "every branch and tag of the repository"
    if ref.startswith(("heads/*", "tags/*")):
        return f"every {'branch' if ref.startswith('heads/') else 'tag'} of the repository"
    if ref.startswith(("heads/", "tags/")):
        noun = "branch" if ref.startswith("heads/") else "tag"
        return (
            f"every {noun} matching {show(ref.split('/', 1)[1])} of the repository "
            f"(anybody who can push a {noun} of such a name)"
        )
    return f"every ref matching {show(value)} of the repository"


def repository_part(entry: str) -> str:
    """The repository an entry names, without its context."""
    return _split(entry)[0]


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
