"""The registry scanning configuration: its type, continuous scanning and repository filters.

https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutRegistryScanningConfiguration.html
  (BASIC supports SCAN_ON_PUSH only; at most 2 rules; filters match
  ^[a-z0-9*](?:[._\\-/a-z0-9*]?[a-z0-9*]+)*$, at most 100 per rule)
- https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_RegistryScanningRule.html (a rule: a scan
  frequency, SCAN_ON_PUSH or CONTINUOUS_SCAN for ecrgen, and its repository filters)
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ecrgen.errors import each_matching
from ecrgen.rules import Found

SCAN_FILTER = re.compile(r"[a-z0-9*](?:[._\-/a-z0-9*]?[a-z0-9*]+)*")
MAX_SCAN_FILTERS = 100


def check_scanning(kind: str, continuous: bool, filters: list[str]) -> Found:
    """The registry scanning configuration: its type, continuous scanning and repository filters."""
    found: Found = []
    if kind == "BASIC" and continuous:
        found.append(
            (
                "continuous",
                "true is not allowed with type 'BASIC': "
                "basic scanning supports SCAN_ON_PUSH only (use type 'ENHANCED')",
            )
        )
    if not filters or len(filters) > MAX_SCAN_FILTERS:
        found.append(
            ("repository_filters", f"has {len(filters)} filters; ECR allows 1 to {MAX_SCAN_FILTERS}")
        )
    return found + each_matching(
        "repository_filters",
        filters,
        SCAN_FILTER,
        "a repository filter (lowercase name characters and * wildcards)",
    )


MAX_RULES = 2


def check_rules(kind: str, rules: Sequence[tuple[str, list[str]]]) -> Found:
    """[[scanning.rule]] tables: at most 2, continuous scanning only with ENHANCED, filters as above."""
    found: Found = []
    if len(rules) > MAX_RULES:
        found.append(("rule", f"has {len(rules)} rules; ECR allows at most {MAX_RULES}"))
    for index, (frequency, filters) in enumerate(rules):
        here = f"rule[{index}]"
        if kind == "BASIC" and frequency == "CONTINUOUS_SCAN":
            found.append(
                (
                    f"{here}.frequency",
                    "'CONTINUOUS_SCAN' is not allowed with type 'BASIC': "
                    "basic scanning supports SCAN_ON_PUSH only (use type 'ENHANCED')",
                )
            )
        if not filters or len(filters) > MAX_SCAN_FILTERS:
            found.append(
                (f"{here}.filters", f"has {len(filters)} filters; ECR allows 1 to {MAX_SCAN_FILTERS}")
            )
        found += each_matching(
            f"{here}.filters",
            filters,
            SCAN_FILTER,
            "a repository filter (lowercase name characters and * wildcards)",
        )
    return found
