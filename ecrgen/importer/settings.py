"""The repository settings AWS holds (a repository's or a creation template's) as account file keys:
tag mutability and exclusion filters, encryption, the lifecycle policy as `rules`, and the repository
policy, through the built-in templates' keys where their statements say so, else as a template of its
own. Pure: AWS's answers in, keys out; what the account file cannot express is collected as a problem.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from ecrgen.errors import show
from ecrgen.importer.grants import repository_grants
from ecrgen.rules.arns import ECR_MANAGED_ALIAS, partition
from ecrgen.rules.mutability import FILTER_KEYS, SETTINGS

ENCRYPTIONS = ("AES256", "KMS", "KMS_DSSE")
MAX_TEMPLATE_NAME = 180  # the file name iam_policies/<name>.json.j2 stays far below 255 bytes


@dataclass
class Context:
    """What a translation collects on its way: problems (what the account file cannot express), the
    policy AWS holds at each place of the file (compared with what ecrgen renders there), and the
    templates to write, one per distinct policy. `custom`: places whose policy must be a template."""

    account: str
    region: str
    custom: frozenset[str] = frozenset()
    problems: list[tuple[str, str]] = field(default_factory=list)  # (what, message)
    expected: dict[str, Any] = field(default_factory=dict)
    templates: dict[str, str] = field(default_factory=dict)
    _names: dict[str, str] = field(default_factory=dict)

    @property
    def partition(self) -> str:
        """The AWS partition of the account's region."""
        return partition(self.region)

    def template(self, hint: str, policy: Any, origin: str) -> str:
        """The name of the template that holds `policy` verbatim (one per distinct policy)."""
        canonical = json.dumps(policy, sort_keys=True)
        if canonical not in self._names:
            name = f"{self.account}-{hint}"
            if len(name) > MAX_TEMPLATE_NAME:
                name = f"{name[:MAX_TEMPLATE_NAME]}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"
            self._names[canonical] = name
            self.templates[name] = template_text(policy, origin)
        return self._names[canonical]


def mutability(what: str, setting: str, filters: list[dict], context: Context) -> dict[str, Any]:
    """image_tag_mutability, and its exclusion filters as mutable_tags (IMMUTABLE_WITH_EXCLUSION) or
    immutable_tags (MUTABLE_WITH_EXCLUSION)."""
    if setting not in SETTINGS:
        context.problems.append(
            (
                what,
                f"image tag mutability {show(setting)} cannot be expressed in an account file yet "
                f"(image_tag_mutability: {', '.join(SETTINGS)})",
            )
        )
    for kind in dict.fromkeys(f.get("filterType") for f in filters if f.get("filterType") != "WILDCARD"):
        context.problems.append(
            (
                what,
                f"exclusion filter type {show(kind)} cannot be expressed in an account file yet "
                "(mutable_tags and immutable_tags are WILDCARD filters)",
            )
        )
    keys: dict[str, Any] = {"image_tag_mutability": setting}
    if filters:
        keys[FILTER_KEYS.get(setting, "mutable_tags")] = [f.get("filter", "") for f in filters]
    return keys


def encryption(what: str, configuration: dict, context: Context) -> dict[str, Any]:
    """encryption, and the KMS key's ARN (alias/aws/ecr: ECR's AWS managed key, when AWS names none)."""
    kind = configuration.get("encryptionType", "AES256")
    if kind not in ENCRYPTIONS:
        context.problems.append(
            (
                what,
                f"encryption type {show(kind)} cannot be expressed in an account file yet "
                f"(encryption: {', '.join(ENCRYPTIONS)})",
            )
        )
    if kind not in ("KMS", "KMS_DSSE"):
        return {"encryption": kind}
    return {"encryption": kind, "kms_key": configuration.get("kmsKey") or ECR_MANAGED_ALIAS}


def lifecycle(what: str, text: str | None, context: Context) -> bool | dict[str, Any]:
    """`lifecycle = false` without a policy (ecrgen would add its default one), else its `rules`."""
    if text is None:
        return False
    document = parsed(text)
    rules = document.get("rules") if isinstance(document, dict) else None
    if not isinstance(rules, list) or not _plain(rules):
        context.problems.append(
            (
                what,
                "its lifecycle policy cannot be expressed in an account file "
                "(JSON with a list of rules, without nulls or fractions, expected)",
            )
        )
        return False
    return {"rules": rules}


def repository_policy(what: str, where: str, hint: str, text: str | None, context: Context) -> dict:
    """`policy = "none"` without a policy; the built-in template's keys where the statements are the
    ones it writes (the render then decides, `Context.custom`); else a template of the policy itself."""
    if text is None:
        context.expected[where] = None
        return {"policy": "none"}
    policy = parsed(text)
    context.expected[where] = policy
    if policy is None:
        context.problems.append((what, "its repository policy is not JSON"))
        return {"policy": "none"}
    grants = None if where in context.custom else repository_grants(policy, context.partition)
    return grants if grants is not None else {"policy": context.template(hint, policy, what)}


def parsed(text: str) -> Any:
    """The JSON document, or None when the text is not JSON."""
    try:
        return json.loads(text)
    except ValueError:
        return None


def _plain(value: Any) -> bool:
    """Only what TOML holds: strings, integers, booleans, and lists and tables of them."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return isinstance(value, str | int | bool)


def template_text(policy: Any, origin: str) -> str:
    """A Jinja2 template that renders exactly `policy`: the JSON with every `{` that would open Jinja2
    syntax (`{{`, `{%`, `{#`, which only occur inside strings) written as the JSON escape \\u007b."""
    text = re.sub(r"\{(?=[{%#])", r"\\u007b", json.dumps(policy, indent=2, ensure_ascii=False))
    return (
        f"{{#- Written by `ecrgen import`: the policy AWS held for {origin}, which no built-in "
        f"template gives. -#}}\n{text}\n"
    )
