"""What a policy template sees (documented in docs/policies.md): the account, the repository (or the
creation template's prefix) and its grants, or the registry's grants; ARNs in the account's partition."""

from __future__ import annotations

from ecrgen.config.model import Account, CreationTemplate, Registry, Repository, SharedSettings
from ecrgen.rules.actions import PULL_ACTIONS, PULL_THROUGH_ACTIONS, PUSH_ACTIONS, REPLICATION_ACTIONS


def _account(account: Account) -> dict:
    """The account as every template sees it."""
    keys = ("name", "id", "region", "environment", "project", "production")
    return {key: getattr(account, key) for key in keys}


def context(account: Account, repo: Repository) -> dict:
    """What a template sees (documented in docs/policies.md)."""
    return _context(account, repo, repo.name, repo.ecr_name)


def template_context(account: Account, template: CreationTemplate) -> dict:
    """What a template sees when it renders a creation template's repository policy: the repository is
    the template's prefix (the repositories ECR creates from it are not known in advance)."""
    return _context(account, template, template.prefix, template.prefix)


def _context(account: Account, settings: SharedSettings, name: str, ecr_name: str) -> dict:
    """The account, the repository's names, and whom its settings grant to."""
    partition = account.partition
    lambda_accounts = sorted(set(settings.pull_account_ids) | {account.id})
    return {
        "account": _account(account),
        "repository": {"name": name, "ecr_name": ecr_name},
        "partition": partition,
        "pull_account_ids": list(settings.pull_account_ids),
        "pull_principals": [f"arn:{partition}:iam::{a}:root" for a in settings.pull_account_ids],
        "push_principals": list(settings.push_principals),
        "org_id": settings.org_id,
        "lambda_pull": settings.lambda_pull,
        "lambda_function_arns": [f"arn:{partition}:lambda:*:{a}:function:*" for a in lambda_accounts],
        "pull_actions": PULL_ACTIONS,
        "push_actions": PUSH_ACTIONS,
    }


def registry_context(account: Account, registry: Registry) -> dict:
    """What a registry policy template sees (documented in docs/policies.md): the account's `registry`."""
    partition = account.partition
    arn = f"arn:{partition}:ecr:{account.region}:{account.id}:repository/"
    return {
        "account": _account(account),
        "partition": partition,
        "repository_arn_prefix": arn,
        "replication_source_account_ids": list(registry.replication_source_account_ids),
        "replication_source_principals": [
            f"arn:{partition}:iam::{a}:root" for a in registry.replication_source_account_ids
        ],
        "pull_through_principals": list(registry.pull_through_principals),
        "pull_through_repository_arns": sorted(
            {
                arn + ("*" if rule.prefix == "ROOT" else rule.prefix.rstrip("/") + "/*")
                for rule in registry.pull_through_cache
            }
        ),
        "replication_actions": REPLICATION_ACTIONS,
        "pull_through_actions": PULL_THROUGH_ACTIONS,
    }
