"""The scan-findings alert (parity with the alerts module's ecr-alerts.tf): an EventBridge rule for
HIGH/CRITICAL findings, delivered to SQS and optionally to CloudWatch Logs."""

from __future__ import annotations

from ecrgen import documents, engine
from ecrgen.ecr import pin
from ecrgen.ecr.data import EcrData
from ecrgen.model import Account
from ecrgen.rules.events import pattern_text, scan_pattern

LOG_RETENTION_DAYS = 365


class EcrScanAlerts(engine.construct_base()):
    """EventBridge rule -> SQS queue (looked up, or created with its policy) and CloudWatch Logs."""

    def __init__(self, scope, account: Account, data: EcrData):
        super().__init__(scope, "alerts")
        alerts = account.alerts
        pattern = scan_pattern(alerts.severities, account.enhanced_scanning)
        kind = "Amazon Inspector findings" if account.enhanced_scanning else "basic scan findings"
        self.rule_name = f"{account.name}-ecr-scan-findings"
        rule = pin(engine.aws("cloudwatch_event_rule").CloudwatchEventRule(
            self, "rule", name=self.rule_name, event_pattern=pattern_text(pattern),
            description=f"ECR {kind} of severity {', '.join(alerts.severities)}"), "scan_findings")
        queue_arn = data.queue.arn if data.queue is not None else self._queue(alerts, rule).arn
        target = {"sqs_target": {"message_group_id": "ecr-scan-findings"}} if alerts.fifo else {}
        # No role_arn: EventBridge delivers to SQS through the queue policy, and may fail with a role.
        pin(engine.aws("cloudwatch_event_target").CloudwatchEventTarget(
            self, "sqs", rule=rule.name, target_id="sqs", arn=queue_arn, **target), "scan_findings_sqs")
        if alerts.cloudwatch_log_group:
            self._logs(alerts.cloudwatch_log_group, rule)

    def _queue(self, alerts, rule):
        queue = pin(engine.aws("sqs_queue").SqsQueue(
            self, "queue", name=alerts.sqs_queue_name, sqs_managed_sse_enabled=True,
            fifo_queue=alerts.fifo or None), "alerts")
        pin(engine.aws("sqs_queue_policy").SqsQueuePolicy(
            self, "queue-policy", queue_url=queue.url,
            policy=documents.text(documents.queue_policy(queue.arn, rule.arn))), "alerts")
        return queue

    def _logs(self, name: str, rule) -> None:
        group = pin(engine.aws("cloudwatch_log_group").CloudwatchLogGroup(
            self, "log-group", name=name, retention_in_days=LOG_RETENTION_DAYS), "scan_findings")
        pin(engine.aws("cloudwatch_log_resource_policy").CloudwatchLogResourcePolicy(
            self, "log-policy", policy_name=f"{self.rule_name}-logs",
            policy_document=documents.text(documents.log_resource_policy(group.arn))), "scan_findings")
        pin(engine.aws("cloudwatch_event_target").CloudwatchEventTarget(
            self, "logs", rule=rule.name, target_id="logs", arn=group.arn), "scan_findings_logs")
