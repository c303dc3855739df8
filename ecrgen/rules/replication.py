"""Replication rules of a registry.

- https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ReplicationConfiguration.html (at most
  10 rules) and https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ReplicationRule.html
  (destinations; at most 100 repository filters per rule); the quota of 25 unique destinations across all
  rules: https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html (considerations) and
  https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html
- Destinations: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ReplicationDestination.html
  (a region and a 12-digit registry id); ECR refuses the source registry itself as a destination
  ("Replication destination cannot be the same as the source registry"), and replication stays within
  one partition: https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html
- Repository filters: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_RepositoryFilter.html
  (PREFIX_MATCH; 2-256 chars; ^(?:[a-z0-9]+(?:[._-][a-z0-9]*)*/)*[a-z0-9]*(?:[._-][a-z0-9]*)*$)
"""

from __future__ import annotations

import re

from ecrgen.errors import duplicates, show
from ecrgen.rules import Found, names
from ecrgen.rules.arns import partition
from ecrgen.rules.names import REGION_RULE, REGIONS

MAX_RULES, MAX_DESTINATIONS, MAX_FILTERS = 10, 25, 100
FILTER = re.compile(r"(?:[a-z0-9]+(?:[._-][a-z0-9]*)*/)*[a-z0-9]*(?:[._-][a-z0-9]*)*")
FILTER_RULE = "a repository name prefix: 2-256 chars of lowercase letters, digits, and . _ - / separators"


Destination = tuple[
    str, str | None, str
]  # (region, account_id as written or None, the account replicated to)


def check_replication(
    rules: list[tuple[list[Destination], list[str]]], account_id: str, region: str
) -> Found:
    """The replication rules of registry `account_id` in `region`: (destinations, prefixes) each."""
    found: Found = []
    if len(rules) > MAX_RULES:
        found.append(("", f"has {len(rules)} rules; ECR allows at most {MAX_RULES} per registry"))
    unique: set[tuple[str, str]] = set()
    for i, (destinations, prefixes) in enumerate(rules):
        here = f"[{i}]"
        if not destinations:
            found.append(
                (f"{here}.destinations", "is empty; a replication rule needs at least one destination")
            )
        seen: set[tuple[str, str]] = set()
        for j, destination in enumerate(destinations):
            where = f"{here}.destinations[{j}]"
            target = (destination[0], destination[2])
            found += _destination(where, destination, account_id, region)
            if target in seen:
                found.append((where, f"repeats the destination {target[1]} {target[0]} of this rule"))
            seen.add(target)
        unique |= seen
        found += _filters(here, prefixes)
    if len(unique) > MAX_DESTINATIONS:
        found.append(
            (
                "",
                f"has {len(unique)} unique destinations across its rules; "
                f"ECR allows at most {MAX_DESTINATIONS}",
            )
        )
    return found


def _destination(where: str, destination: Destination, account_id: str, region: str) -> Found:
    """One destination: a region of this partition, a valid account id, not this registry itself."""
    dest_region, written, dest_account = destination
    found: Found = []
    if dest_region not in REGIONS:
        found.append((f"{where}.region", f"{show(dest_region)} is {REGION_RULE}"))
    elif partition(dest_region) != partition(region):
        found.append(
            (
                f"{where}.region",
                f"{show(dest_region)} is in another partition "
                f"than this registry's region {region!r}; "
                "ECR replicates within a partition only",
            )
        )
    if written is not None:
        found += [(f"{where}.account_id", message) for _, message in names.account_id(written)]
    if (dest_region, dest_account) == (region, account_id):
        found.append(
            (
                where,
                f"is this registry itself (account {account_id}, region {region}); "
                "ECR replicates to another region or another account only",
            )
        )
    return found


def _filters(here: str, prefixes: list[str]) -> Found:
    """A rule's repository filters: at most MAX_FILTERS prefixes, each of the filter's form, no repeats."""
    found: Found = []
    if len(prefixes) > MAX_FILTERS:
        found.append(
            (
                f"{here}.prefixes",
                f"has {len(prefixes)} filters; ECR allows at most {MAX_FILTERS} per rule",
            )
        )
    for j, prefix in enumerate(prefixes):
        if not (2 <= len(prefix) <= 256 and FILTER.fullmatch(prefix)):
            found.append((f"{here}.prefixes[{j}]", f"{show(prefix)} is not {FILTER_RULE}"))
    if repeated := duplicates(prefixes):
        found.append((f"{here}.prefixes", repeated))
    return found
