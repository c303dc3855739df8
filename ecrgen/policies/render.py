"""Every policy of the accounts rendered into the model: each repository's, each creation template's
and the registry's `policy_text`; and the warnings about what they grant. No CDKTF import."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from ecrgen.config.model import Account, CreationTemplate, Registry, Repository
from ecrgen.errors import EcrgenError, Problem
from ecrgen.policies.context import context, registry_context, template_context
from ecrgen.policies.templates import Templates, check_templates
from ecrgen.rules.iam import (
    check_registry_policy,
    check_registry_policy_v1,
    check_repository_policy,
    foreign_resources,
    open_statements,
)


def render_all(accounts: list[Account], accounts_dir: Path) -> list[Account]:
    """These accounts with every policy rendered into the model (`policy_text` of each repository,
    creation template and registry), and every template file checked; every problem at once (a broken
    template file is reported once, not per repository)."""
    templates, problems = Templates(accounts_dir), check_templates(accounts_dir)
    broken = {Path(p.file) for p in problems}

    def rendered(name: str | None, render: Callable[..., str | None], *args: Any) -> str | None:
        """`render(name, *args)`, its problems collected; None without a template or with a broken file."""
        if name is None or templates.files.get(name) in broken:
            return None
        try:
            return render(name, *args)
        except EcrgenError as error:
            problems.extend(error.problems)
            return None

    filled = []
    for account in accounts:
        repositories = tuple(
            replace(repo, policy_text=rendered(repo.policy, _repository, templates, account, index, repo))
            for index, repo in enumerate(account.repositories)
        )
        registry = account.registry
        if registry is not None:
            policy_text = rendered(registry.policy, _registry, templates, account, registry)
            creation_templates = tuple(
                replace(
                    template,
                    policy_text=rendered(template.policy, _template, templates, account, index, template),
                )
                for index, template in enumerate(registry.creation_templates)
            )
            registry = replace(registry, policy_text=policy_text, creation_templates=creation_templates)
        filled.append(replace(account, repositories=repositories, registry=registry))
    if problems:
        raise EcrgenError(dict.fromkeys(problems))  # an unknown template named in [defaults] is reported once
    return filled


def _repository(
    name: str, templates: Templates, account: Account, index: int, repo: Repository
) -> str | None:
    """A repository's policy."""
    where = f"repository[{index}].policy"
    if name not in templates.files and repo.policy_from_defaults:
        where = "defaults.policy"  # reported once, where the name was written
    return templates.render(account, where, name, context(account, repo), check_repository_policy)


def _template(
    name: str, templates: Templates, account: Account, index: int, template: CreationTemplate
) -> str | None:
    """A repository creation template's repository policy, rendered and checked as a repository's."""
    where = f"registry.creation_template[{index}].policy"
    return templates.render(
        account, where, name, template_context(account, template), check_repository_policy
    )


def _registry(name: str, templates: Templates, account: Account, registry: Registry) -> str | None:
    """The registry policy, checked as ECR checks registry policies."""
    values = registry_context(account, registry)
    check = check_registry_policy_v1 if registry.policy_scope == "V1" else check_registry_policy
    return templates.render(account, "registry.policy", name, values, check)


def warnings(accounts: list[Account]) -> list[Problem]:
    """Open `Principal: "*"` statements in the rendered policies of non-production accounts (production
    ones are errors), and registry policy resources outside the registry."""
    found = []
    for account in accounts:
        registry = account.registry
        if registry is not None and registry.policy_text is not None:
            found += [
                Problem(account.file, "registry.policy", f"template {registry.policy!r}: {sub}: {message}")
                for sub, message in foreign_resources(
                    json.loads(registry.policy_text), account.id, account.region
                )
            ]
        if account.production:
            continue
        uses = [
            (f"repository[{index}].policy", repo.policy, repo.policy_text)
            for index, repo in enumerate(account.repositories)
        ]
        if account.registry:
            uses.append(("registry.policy", account.registry.policy, account.registry.policy_text))
            uses += [
                (f"registry.creation_template[{index}].policy", template.policy, template.policy_text)
                for index, template in enumerate(account.registry.creation_templates)
            ]
        for where, name, text in uses:
            if text is not None:
                found += [
                    Problem(account.file, where, f"template {name!r}: {sub}: {message}")
                    for sub, message in open_statements(json.loads(text))
                ]
    return found
