"""Repository policies from Jinja2 templates: render (StrictUndefined), parse as JSON, check the shape.

Built-in templates live in `ecrgen/iam_policies/`; a folder `iam_policies/` beside the accounts folder
adds templates or overrides built-ins by name (`iam_policies/<name>.json.j2`). No CDKTF import.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jinja2
import jinja2.meta

from ecrgen.accounts import BUILTIN_TEMPLATES, TEMPLATE_SUFFIX, template_files, user_templates
from ecrgen.errors import EcrgenError, Problem, show
from ecrgen.model import Account, CreationTemplate, Repository
from ecrgen.rules.iam import check_registry_policy, check_repository_policy, open_statements

PULL_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
PUSH_ACTIONS = sorted(
    PULL_ACTIONS
    + ["ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"]
)
REPLICATION_ACTIONS = ["ecr:CreateRepository", "ecr:ReplicateImage"]
PULL_THROUGH_ACTIONS = ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"]


class Templates:
    """The templates an accounts folder can use: its `iam_policies/` first, then the built-ins."""

    def __init__(self, accounts_dir: Path):
        self.user_dir = user_templates(accounts_dir)
        self.files = template_files(accounts_dir)
        self.env = jinja2.Environment(
            # utf-8-sig: a byte order mark (as some Windows editors write) is accepted, as in account files.
            loader=jinja2.FileSystemLoader(
                [str(self.user_dir), str(BUILTIN_TEMPLATES)], encoding="utf-8-sig"
            ),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            keep_trailing_newline=True,
        )
        self.env.filters["tojson"] = tojson
        self._cache: dict[tuple, str | None] = {}
        self._used: dict[str, frozenset[str] | None] = {}

    def origin(self, name: str) -> str:
        """Where a template comes from, as users see it (no absolute paths)."""
        user = self.user_dir / (name + TEMPLATE_SUFFIX)
        return str(user) if user.is_file() else f"built-in {name}{TEMPLATE_SUFFIX}"

    def render(self, account: Account, index: int, repo: Repository) -> str | None:
        """The repository policy JSON (compact, sorted keys), None when it grants nothing, or an error.
        Renders are cached on the values the whole template tree uses (the template and everything it
        includes, extends or imports), so two repositories share a render only when every value that
        could reach the output is equal; a tree that cannot be known (a computed include) is never cached."""
        where = f"repository[{index}].policy"
        if repo.policy not in self.files and repo.policy_from_defaults:
            where = "defaults.policy"  # reported once, where the name was written
        return self._cached(account, where, repo.policy, context(account, repo), check_repository_policy)

    def render_template(self, account: Account, index: int, template: CreationTemplate) -> str | None:
        """A repository creation template's repository policy, rendered and checked as a repository's."""
        return self._cached(
            account,
            f"registry.creation_template[{index}].policy",
            template.policy,
            template_context(account, template),
            check_repository_policy,
        )

    def render_registry(self, account: Account) -> str | None:
        """The registry policy, checked as ECR checks registry policies."""
        return self._cached(
            account,
            "registry.policy",
            account.registry.policy,
            registry_context(account),
            check_registry_policy,
        )

    def _cached(self, account: Account, where: str, name: str, values: dict, check) -> str | None:
        if name not in self.files:
            raise EcrgenError(
                [
                    Problem(
                        account.file,
                        where,
                        f"{show(name)} is not a known policy template "
                        f"(known: {', '.join(self.files)}; or add iam_policies/{name}{TEMPLATE_SUFFIX})",
                    )
                ]
            )
        used = self._uses(name)
        if used is None:
            return self._render(account, where, name, values, check)
        key = (
            name,
            check.__name__,
            account.production,
            json.dumps({k: values[k] for k in sorted(used & values.keys())}, sort_keys=True),
        )
        if key not in self._cache:
            self._cache[key] = self._render(account, where, name, values, check)
        return self._cache[key]

    def _uses(self, name: str) -> frozenset[str] | None:
        """The variables the template and every template it pulls in use; None when that is unknowable."""
        if name not in self._used:
            try:
                self._used[name] = _tree_uses(self.env, name + TEMPLATE_SUFFIX)
            except (jinja2.TemplateError, UnicodeDecodeError):
                self._used[name] = None  # the render reports the problem
        return self._used[name]

    def _render(
        self, account: Account, where: str, name: str, values: dict, check=check_repository_policy
    ) -> str | None:
        label = f"template {name!r} ({self.origin(name)})"
        try:
            text = self.env.get_template(name + TEMPLATE_SUFFIX).render(values)
        except jinja2.TemplateSyntaxError as error:
            raise EcrgenError(
                [Problem(account.file, where, f"{label}: line {error.lineno}: {error.message}")]
            ) from None
        except jinja2.TemplateNotFound as error:
            raise EcrgenError(
                [
                    Problem(
                        account.file,
                        where,
                        f"{label}: {error.name!r} is not a template in iam_policies/ or built in",
                    )
                ]
            ) from None
        except jinja2.TemplateError as error:
            raise EcrgenError([Problem(account.file, where, f"{label}: {error}")]) from None
        except Exception as error:  # noqa: BLE001  the template is user code: any failure in it is a user error
            raise EcrgenError(
                [Problem(account.file, where, f"{label}: {type(error).__name__}: {error}")]
            ) from None
        try:
            policy = json.loads(text)
        except json.JSONDecodeError as error:
            raise EcrgenError(
                [
                    Problem(
                        account.file,
                        where,
                        f"{label} does not render valid JSON: {error.msg} at line {error.lineno}, column {error.colno}",
                    )
                ]
            ) from None
        if isinstance(policy, dict) and policy.get("Statement") == []:
            return None
        compact = json.dumps(policy, sort_keys=True, separators=(",", ":"))
        problems = check(policy, len(compact), account.production)
        if problems:
            raise EcrgenError(
                [
                    Problem(account.file, where, f"{label}: {sub + ': ' if sub else ''}{msg}")
                    for sub, msg in problems
                ]
            )
        return compact


def _tree_uses(env: jinja2.Environment, top: str) -> frozenset[str] | None:
    used: set[str] = set()
    seen, todo = set(), [top]
    while todo:
        file = todo.pop()
        if file in seen:
            continue
        seen.add(file)
        tree = env.parse(env.loader.get_source(env, file)[0])
        used |= jinja2.meta.find_undeclared_variables(tree)
        referenced = list(jinja2.meta.find_referenced_templates(tree))
        if None in referenced:  # a computed name: which templates it reaches is unknowable
            return None
        todo += referenced
    return frozenset(used)


def tojson(value: object) -> str:
    """The `tojson` filter: JSON with sorted keys; an undefined name is the template's error, not a crash."""
    if isinstance(value, jinja2.Undefined):
        value._fail_with_undefined_error()
    return json.dumps(value, sort_keys=True)


def check_templates(accounts_dir: Path) -> list[Problem]:
    """Every template file readable, UTF-8 (a byte order mark is accepted) and valid Jinja2, whether an account uses it or not
    (templates may include one another, and a broken file must fail `validate` as it fails `synth`)."""
    env, problems = jinja2.Environment(), []
    for path in template_files(accounts_dir).values():
        try:
            env.parse(path.read_bytes().decode("utf-8-sig"))
        except IsADirectoryError:
            problems.append(
                Problem(
                    str(path),
                    "",
                    f"is a folder, not a template file; rename or remove it "
                    f"(every *{TEMPLATE_SUFFIX} in iam_policies/ is a policy template)",
                )
            )
        except OSError as error:
            problems.append(Problem(str(path), "", f"cannot be read ({error.strerror or error})"))
        except UnicodeDecodeError as error:
            problems.append(
                Problem(
                    str(path),
                    "",
                    f"is not UTF-8 text (byte {error.object[error.start]:#04x} at offset {error.start})",
                )
            )
        except jinja2.TemplateSyntaxError as error:
            problems.append(Problem(str(path), "", f"line {error.lineno}: {error.message}"))
    return problems


def context(account: Account, repo: Repository) -> dict:
    """What a template sees (documented in the README)."""
    partition = account.partition
    lambda_accounts = sorted(set(repo.pull_account_ids) | {account.id})
    return {
        "account": {
            "name": account.name,
            "id": account.id,
            "region": account.region,
            "environment": account.environment,
            "project": account.project,
            "production": account.production,
        },
        "repository": {"name": repo.name, "ecr_name": repo.ecr_name},
        "partition": partition,
        "pull_account_ids": list(repo.pull_account_ids),
        "pull_principals": [f"arn:{partition}:iam::{a}:root" for a in repo.pull_account_ids],
        "push_principals": list(repo.push_principals),
        "org_id": repo.org_id,
        "lambda_pull": repo.lambda_pull,
        "lambda_function_arns": [f"arn:{partition}:lambda:*:{a}:function:*" for a in lambda_accounts],
        "pull_actions": PULL_ACTIONS,
        "push_actions": PUSH_ACTIONS,
    }


def template_context(account: Account, template: CreationTemplate) -> dict:
    """What a template sees when it renders a creation template's repository policy: the repository is
    the template's prefix (the repositories ECR creates from it are not known in advance)."""
    return context(
        account,
        SimpleNamespace(
            name=template.prefix,
            ecr_name=template.prefix,
            pull_account_ids=template.pull_account_ids,
            push_principals=template.push_principals,
            org_id=template.org_id,
            lambda_pull=template.lambda_pull,
        ),
    )


def registry_context(account: Account) -> dict:
    """What a registry policy template sees (documented in the README)."""
    registry, partition = account.registry, account.partition
    arn = f"arn:{partition}:ecr:{account.region}:{account.id}:repository/"
    return {
        "account": {
            "name": account.name,
            "id": account.id,
            "region": account.region,
            "environment": account.environment,
            "project": account.project,
            "production": account.production,
        },
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


def warnings(accounts: list[Account]) -> list[Problem]:
    """Open `Principal: "*"` statements in the rendered policies of non-production accounts (production
    ones are errors)."""
    found = []
    for account in accounts:
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


def render_all(accounts: list[Account], accounts_dir: Path) -> list[Account]:
    """These accounts with every policy rendered into the model (`policy_text` of each repository,
    creation template and registry), and every template file checked; every problem at once (a broken
    template file is reported once, not per repository)."""
    templates, problems = Templates(accounts_dir), check_templates(accounts_dir)
    broken = {Path(p.file) for p in problems}

    def rendered(name: str | None, render: Callable[..., str | None], *args: Any) -> str | None:
        """`render(*args)`, its problems collected; None when there is no template or its file is broken."""
        if name is None or templates.files.get(name) in broken:
            return None
        try:
            return render(*args)
        except EcrgenError as error:
            problems.extend(error.problems)
            return None

    filled = []
    for account in accounts:
        repositories = tuple(
            replace(repo, policy_text=rendered(repo.policy, templates.render, account, index, repo))
            for index, repo in enumerate(account.repositories)
        )
        registry = account.registry
        if registry is not None:
            policy_text = rendered(registry.policy, templates.render_registry, account)
            creation_templates = tuple(
                replace(
                    template,
                    policy_text=rendered(
                        template.policy, templates.render_template, account, index, template
                    ),
                )
                for index, template in enumerate(registry.creation_templates)
            )
            registry = replace(registry, policy_text=policy_text, creation_templates=creation_templates)
        filled.append(replace(account, repositories=repositories, registry=registry))
    if problems:
        raise EcrgenError(dict.fromkeys(problems))  # an unknown template named in [defaults] is reported once
    return filled
