"""The scan-findings alert (parity with the alerts module's ecr-alerts.tf): an EventBridge rule for scan
findings of the configured severities (HIGH and CRITICAL by default; basic scan or Amazon Inspector
events, as the registry scans), delivered to an SQS queue (another module's, looked up, or made here
with its policy) and optionally to a CloudWatch Logs group made here with its resource policy."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecrgen import addresses
from ecrgen.addresses import ALERT_RULE
from ecrgen.ecr.construct import Construct
from ecrgen.rules import policy_documents
from ecrgen.rules.events import pattern_text, scan_pattern

if TYPE_CHECKING:  # the model is only read: no import at run time
    from ecrgen.config.model import Account, Alerts

LOG_RETENTION_DAYS = 365


class EcrScanAlerts(Construct):
    """EventBridge rule -> SQS queue (looked up by `EcrData`, or created with its policy) and
    CloudWatch Logs."""

    def __init__(self, scope, account: Account, alerts: Alerts):
        super().__init__(scope, "alerts")
        pattern = scan_pattern(alerts.severities, account.enhanced_scanning)
        kind = "Amazon Inspector findings" if account.enhanced_scanning else "basic scan findings"
        self.rule_name = alerts.rule_name
        self.declare(
            ALERT_RULE,
            {
                "name": self.rule_name,
                "event_pattern": pattern_text(pattern),
                "description": f"ECR {kind} of severity {', '.join(alerts.severities)}",
            },
        )
        queue = addresses.alert_queue(alerts)
        if not queue.kind.data:
            self._queue(alerts)
        # No role_arn: EventBridge delivers to SQS through the queue policy, and may fail with a role.
        self.declare(
            addresses.ALERT_QUEUE_TARGET,
            {
                "rule": ALERT_RULE.ref("name"),
                "target_id": alerts.target_id,
                "arn": queue.ref("arn"),
                "sqs_target": {"message_group_id": "ecr-scan-findings"} if alerts.fifo else None,
            },
        )
        if alerts.cloudwatch_log_group:
            self._logs(alerts.cloudwatch_log_group)

    def _queue(self, alerts: Alerts) -> None:
        queue = addresses.alert_queue(alerts)
        self.declare(
            queue,
            {
                "name": alerts.sqs_queue_name,
                "sqs_managed_sse_enabled": True,
                "fifo_queue": alerts.fifo or None,
                # EventBridge sends no deduplication id: a FIFO target needs content-based deduplication.
                "content_based_deduplication": alerts.fifo or None,
            },
        )
        policy = policy_documents.queue_policy(queue.ref("arn"), ALERT_RULE.ref("arn"))
        self.declare(
            addresses.ALERT_QUEUE_POLICY,
            {"queue_url": queue.ref("url"), "policy": policy_documents.text(policy)},
        )

    def _logs(self, name: str) -> None:
        self.declare(addresses.ALERT_LOG_GROUP, {"name": name, "retention_in_days": LOG_RETENTION_DAYS})
        group_arn = addresses.ALERT_LOG_GROUP.ref("arn")
        self.declare(
            addresses.ALERT_LOG_POLICY,
            {
                "policy_name": f"{self.rule_name}-logs",
                "policy_document": policy_documents.text(policy_documents.log_resource_policy(group_arn)),
            },
        )
        self.declare(
            addresses.ALERT_LOGS_TARGET,
            {"rule": ALERT_RULE.ref("name"), "target_id": "logs", "arn": group_arn},
        )
