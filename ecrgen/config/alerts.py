"""`[alerts]` and `[scanning]` -> `Alerts` and `Scanning`, each checked by its AWS rules."""

from __future__ import annotations

from ecrgen.config import schema
from ecrgen.config.findings import Findings
from ecrgen.config.model import Alerts, Scanning
from ecrgen.rules import events
from ecrgen.rules.scanning import check_rules, check_scanning


def alerts(table: schema.AlertsTable | None, enhanced: bool, account: str, found: Findings) -> Alerts | None:
    """The scan-findings alert (None without [alerts]); `enhanced`: the registry scans with Inspector."""
    if table is None:
        return None
    found.add(
        "alerts",
        events.check_alerts(table.sqs_queue_name, table.severities, table.cloudwatch_log_group, enhanced),
    )
    found.add("alerts", events.check_rule(table.rule_name, table.target_id, account))
    return Alerts(
        table.sqs_queue_name,
        table.create_queue,
        tuple(table.severities),
        table.cloudwatch_log_group,
        rule_name=events.rule_name(account) if table.rule_name is None else table.rule_name,
        target_id=table.target_id,
        adopt=table.adopt,
    )


def scanning(table: schema.ScanningTable | None, found: Findings) -> Scanning | None:
    """The registry scanning configuration (None without [scanning])."""
    if table is None:
        return None
    rules = [(rule.frequency, rule.filters) for rule in table.rule]
    if not rules:
        found.add("scanning", check_scanning(table.type, table.continuous, table.repository_filters))
    elif given := [key for key in ("continuous", "repository_filters") if key in table.model_fields_set]:
        found.add(
            "scanning.rule",
            [
                (
                    "",
                    f"is not allowed with {' and '.join(given)}: [[scanning.rule]] tables give every rule "
                    "(frequency and filters); move them into a rule",
                )
            ],
        )
    found.add("scanning", check_rules(table.type, rules))
    return Scanning(
        table.type,
        table.continuous,
        tuple(table.repository_filters),
        tuple((frequency, tuple(filters)) for frequency, filters in rules),
    )
