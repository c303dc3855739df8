"""Terraform's own rules on what ecrgen writes into the `terraform` block.

- Version constraints: https://developer.hashicorp.com/terraform/language/expressions/version-constraints
  (comma-separated `[operator] version`; operators = != > >= < <= ~>)
- The S3 backend: https://developer.hashicorp.com/terraform/language/backend/s3 (`key` must not start
  or end with '/' nor contain '//'; `use_lockfile`, S3-native locking, exists from Terraform 1.10)
- `import` blocks exist from Terraform 1.5: https://developer.hashicorp.com/terraform/language/import
- `removed` blocks exist from Terraform 1.7: https://developer.hashicorp.com/terraform/language/resources/syntax#removing-resources
- DynamoDB table names: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
- S3 bucket names: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html (3-63 chars
  of lowercase letters, digits, . and -, starting and ending with a letter or digit; no '..', not an IP
  address, no reserved prefix xn--, sthree-, amzn-s3-demo- nor suffix -s3alias, --ol-s3, .mrap, --x-s3,
  --table-s3)
"""

from __future__ import annotations

import re

from ecrgen.errors import show
from ecrgen.rules import Found

CONSTRAINT = re.compile(r"\s*(=|!=|>=|<=|>|<|~>)?\s*v?(\d+(?:\.\d+){0,2})(-[0-9A-Za-z.-]+)?\s*")
CONSTRAINT_RULE = (
    "comma-separated '[operator] version' terms such as '>= 1.5.0, < 2.0.0'; operators = != > >= < <= ~>"
)
LOCKFILE_VERSION = (1, 10, 0)
# (what needs it, the first Terraform version that has it, how else to satisfy it)
LOCKFILE = (
    "the S3 backend's use_lockfile",
    LOCKFILE_VERSION,
    "or set use_lockfile = false with dynamodb_table",
)
IMPORT = ("adopt (import blocks)", (1, 5, 0), "or take adopt out")
REMOVED = ("retired (removed blocks)", (1, 7, 0), "or take the names out of retired")
# The AWS provider: hashicorp/aws, any 6.x from the bindings' version on (the bindings alone would emit
# source "aws" pinned to exactly 6.25.0, and OpenTofu mis-resolves the bare source); a feature in use
# raises the floor: (what needs it, the first 6.x minor that has it).
AWS_PROVIDER_SOURCE = "hashicorp/aws"
AWS_PROVIDER_FLOOR = (6, 25)
# A creation template applied for CREATE_ON_PUSH needs a provider whose ECR SDK knows the value (Dec 2025:
# hashicorp/terraform-provider-aws#45660, #45720); older 6.x providers reject it at plan.
CREATE_ON_PUSH = ("a creation template applied for CREATE_ON_PUSH", (6, 28))
# aws_ecr_pull_time_update_exclusion is new in 6.28 (hashicorp/terraform-provider-aws CHANGELOG 6.28.0), and
# aws_ecr_account_setting takes the name BLOB_MOUNTING from 6.29 (CHANGELOG 6.29.0).
PULL_TIME_UPDATE_EXCLUSION = ("[registry] pull_time_update_exclusions", (6, 28))
BLOB_MOUNTING = ("[registry] blob_mounting", (6, 29))
# An S3 object key is at most 1,024 bytes: https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html
S3_KEY_LENGTH = 1024
DYNAMODB_TABLE = re.compile(r"[A-Za-z0-9_.-]{3,255}")
S3_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
S3_RESERVED = (("xn--", "sthree-", "amzn-s3-demo-"), ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"))
# A term of a constraint: (operator, version padded to three parts, number of parts given).
Term = tuple[str, tuple[int, ...], int]


def _terms(constraint: str) -> list[Term] | None:
    """(operator, version padded to three parts, parts given) per term, or None if not a constraint."""
    terms = []
    for term in constraint.split(","):
        match = CONSTRAINT.fullmatch(term)
        if not match:
            return None
        parts = tuple(int(p) for p in match.group(2).split("."))
        terms.append((match.group(1) or "=", parts + (0,) * (3 - len(parts)), len(parts)))
    return terms


def check_constraint(constraint: str) -> Found:
    """A Terraform version constraint, as `required_version` accepts it."""
    return (
        []
        if _terms(constraint) is not None
        else [("", f"{show(constraint)} is not a Terraform version constraint ({CONSTRAINT_RULE})")]
    )


def _admits_below(terms: list[Term], floor: tuple[int, ...]) -> bool:
    """Whether a version below `floor` satisfies every term (versions compared as (major, minor, patch))."""
    low: tuple[int, ...] = (0, 0, 0)
    low_open = False
    for op, version, _ in terms:
        if op in (">=", "=", "~>") and version > low:
            low, low_open = version, False
        elif op == ">" and version >= low:
            low, low_open = version, True
    return low < floor and not (low_open and low == floor)


def _admits_from(terms: list[Term], floor: tuple[int, ...]) -> bool:
    """Whether some version at or above `floor` can satisfy the upper bounds of the terms."""
    for op, version, given in terms:
        if op == "<" and version <= floor or op == "<=" and version < floor or op == "=" and version < floor:
            return False
        if op == "~>":  # ~> 1.5 allows < 2.0; ~> 1.5.0 allows < 1.6.0
            top = (version[0] + 1, 0, 0) if given <= 2 else (version[0], version[1] + 1, 0)
            if top <= floor:
                return False
    return True


def required_version(
    constraint: str, needs: tuple[tuple[str, tuple[int, int, int], str], ...]
) -> tuple[str, Found]:
    """The `required_version` to emit: the user's constraint, plus `>= X` for the newest Terraform that a
    feature in use needs (LOCKFILE, IMPORT, REMOVED) when the constraint admits older versions."""
    terms = _terms(constraint)
    if terms is None:
        return constraint, check_constraint(constraint)
    found: Found = []
    floors = []
    for feature, floor, other in needs:
        if not _admits_below(terms, floor):
            continue
        text = ".".join(map(str, floor))
        if _admits_from(terms, floor):
            floors.append(floor)
        else:
            found.append(
                (
                    "",
                    f"{show(constraint)} admits no Terraform version from {text}, which {feature} needs; "
                    f"allow >= {text}, {other}",
                )
            )
    if found or not floors:
        return constraint, found
    return f"{constraint}, >= {'.'.join(map(str, max(floors)))}", []


def aws_provider(needs: list[tuple[str, tuple[int, int]]]) -> dict[str, str]:
    """The `required_providers.aws` to emit: hashicorp/aws `~> 6.N`, N the newest minor that the
    provider floor or a feature in use (`needs`, such as CREATE_ON_PUSH) asks for."""
    major, minor = max([AWS_PROVIDER_FLOOR, *(floor for _, floor in needs)])
    return {"source": AWS_PROVIDER_SOURCE, "version": f"~> {major}.{minor}"}


def check_s3_key(key: str) -> Found:
    """The S3 backend's `key`: a relative object path."""
    if not key or len(key) > S3_KEY_LENGTH or key.startswith("/") or key.endswith("/") or "//" in key:
        return [
            (
                "",
                f"{show(key)} is not a valid S3 backend key "
                f"(1-{S3_KEY_LENGTH} chars, not starting or ending with '/', no '//')",
            )
        ]
    return []


def check_s3_bucket(name: str) -> Found:
    """The S3 backend's `bucket`: a name S3 accepts for a new bucket."""
    if (
        S3_BUCKET.fullmatch(name)
        and ".." not in name
        and not re.fullmatch(r"\d+\.\d+\.\d+\.\d+", name)
        and not name.startswith(S3_RESERVED[0])
        and not name.endswith(S3_RESERVED[1])
    ):
        return []
    return [
        (
            "",
            f"{show(name)} is not a valid S3 bucket name (3-63 chars: lowercase letters, digits, . and -; "
            "starting and ending with a letter or digit; no '..', no IP address, "
            "no reserved prefix or suffix)",
        )
    ]


def check_dynamodb_table(name: str) -> Found:
    """The S3 backend's `dynamodb_table` (the lock table): a DynamoDB table name."""
    return (
        []
        if DYNAMODB_TABLE.fullmatch(name)
        else [("", f"{show(name)} is not a valid DynamoDB table name (3-255 chars: letters, digits, _ . -)")]
    )
