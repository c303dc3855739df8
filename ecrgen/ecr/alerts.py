"""The scan-findings alert (parity with the alerts module's ecr-alerts.tf): an EventBridge rule for
HIGH/CRITICAL findings, delivered to SQS and optionally to CloudWatch Logs."""

from __future__ import annotations

from ecrgen import documents
from ecrgen.ecr import pin, ref
from ecrgen.ecr.data import EcrData
from ecrgen.model import Account
from ecrgen.rules.events import pattern_text, rule_name, scan_pattern
from ecrgen.synthesis import engine

LOG_RETENTION_DAYS = 365
RULE_NAME = ref("aws_cloudwatch_event_rule", "scan_findings", "name")
RULE_ARN = ref("aws_cloudwatch_event_rule", "scan_findings", "arn")


class EcrScanAlerts(engine.construct_base()):
    """EventBridge rule -> SQS queue (looked up, or created with its policy) and CloudWatch Logs."""

    def __init__(self, scope, account: Account, data: EcrData):
        super().__init__(scope, "alerts")
        alerts = account.alerts
        pattern = scan_pattern(alerts.severities, account.enhanced_scanning)
        kind = "Amazon Inspector findings" if account.enhanced_scanning else "basic scan findings"
        self.rule_name = rule_name(account.name)
        pin(
            engine.aws("cloudwatch_event_rule").CloudwatchEventRule(
                self,
                "rule",
                name=self.rule_name,
                event_pattern=pattern_text(pattern),
                description=f"ECR {kind} of severity {', '.join(alerts.severities)}",
            ),
            "scan_findings",
        )
        if data.queue is None:
            self._queue(alerts)
        queue_arn = ref("data.aws_sqs_queue" if data.queue is not None else "aws_sqs_queue", "alerts", "arn")
        target = {"sqs_target": {"message_group_id": "ecr-scan-findings"}} if alerts.fifo else {}
        # No role_arn: EventBridge delivers to SQS through the queue policy, and may fail with a role.
        pin(
            engine.aws("cloudwatch_event_target").CloudwatchEventTarget(
                self, "sqs", rule=RULE_NAME, target_id="sqs", arn=queue_arn, **target
            ),
            "scan_findings_sqs",
        )
        if alerts.cloudwatch_log_group:
            self._logs(alerts.cloudwatch_log_group)

    def _queue(self, alerts) -> None:
        pin(
            engine.aws("sqs_queue").SqsQueue(
                self,
                "queue",
                name=alerts.sqs_queue_name,
                sqs_managed_sse_enabled=True,
                fifo_queue=alerts.fifo or None,
                # EventBridge sends no deduplication id: a FIFO target needs content-based deduplication.
                content_based_deduplication=alerts.fifo or None,
            ),
            "alerts",
        )
        queue_arn = ref("aws_sqs_queue", "alerts", "arn")
        pin(
            engine.aws("sqs_queue_policy").SqsQueuePolicy(
                self,
                "queue-policy",
                queue_url=ref("aws_sqs_queue", "alerts", "url"),
                policy=documents.text(documents.queue_policy(queue_arn, RULE_ARN)),
            ),
            "alerts",
        )

    def _logs(self, name: str) -> None:
        pin(
            engine.aws("cloudwatch_log_group").CloudwatchLogGroup(
                self, "log-group", name=name, retention_in_days=LOG_RETENTION_DAYS
            ),
            "scan_findings",
        )
        group_arn = ref("aws_cloudwatch_log_group", "scan_findings", "arn")
        pin(
            engine.aws("cloudwatch_log_resource_policy").CloudwatchLogResourcePolicy(
                self,
                "log-policy",
                policy_name=f"{self.rule_name}-logs",
                policy_document=documents.text(documents.log_resource_policy(group_arn)),
            ),
            "scan_findings",
        )
        pin(
            engine.aws("cloudwatch_event_target").CloudwatchEventTarget(
                self, "logs", rule=RULE_NAME, target_id="logs", arn=group_arn
            ),
            "scan_findings_logs",
        )
