"""EventBridge patterns for the scan-findings alert, and the limits AWS puts on them.

- Basic scanning emits "ECR Image Scan" events; `finding-severity-counts` omits severities with no
  findings: https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-eventbridge.html
- Enhanced scanning (Amazon Inspector) emits "Inspector2 Finding" events instead; basic scan events
  never fire then: https://docs.aws.amazon.com/inspector/latest/user/eventbridge-integration.html
- Numeric matching and `$or`: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
- A pattern is at most 4,096 characters: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
- Rule names: 1-64 chars of [.-_A-Za-z0-9]: https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html
- Target ids (PutTargets' Id): 1-64 chars of [.-_A-Za-z0-9]:
  https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Target.html
- A FIFO queue target needs a message group id, and the queue content-based deduplication (EventBridge
  sends no deduplication id): https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-targets.html
"""

from __future__ import annotations

import json
import re

from ecrgen.errors import duplicates, show
from ecrgen.rules import Found

SEVERITIES = ("INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL", "UNDEFINED")
# Inspector's severities: https://docs.aws.amazon.com/inspector/latest/user/findings-understanding-severity.html
INSPECTOR_SEVERITIES = ("INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL", "UNTRIAGED")
MAX_PATTERN = 4096
RULE_NAME = re.compile(r"[.\-_A-Za-z0-9]{1,64}")
TARGET_ID = re.compile(r"[.\-_A-Za-z0-9]{1,64}")
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html (QueueName)
QUEUE_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}|[A-Za-z0-9_-]{1,75}\.fifo")
# EventBridge writes only to log groups named /aws/events/...:
# https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-cloudwatchlogs-permissions
LOG_GROUP = re.compile(r"/aws/events/[.\-_/#A-Za-z0-9]{1,500}")


def scan_pattern(severities: tuple[str, ...], enhanced: bool) -> dict:
    """The event pattern that matches findings of the chosen severities."""
    if enhanced:
        return {
            "source": ["aws.inspector2"],
            "detail-type": ["Inspector2 Finding"],
            "detail": {
                "severity": list(severities),
                "status": ["ACTIVE"],
                "resources": {"type": ["AWS_ECR_CONTAINER_IMAGE"]},
            },
        }
    counts = [{"finding-severity-counts": {s: [{"numeric": [">", 0]}]}} for s in severities]
    detail: dict = {"scan-status": ["COMPLETE"]}
    if len(counts) == 1:
        detail.update(counts[0])
    else:
        detail["$or"] = counts
    return {"source": ["aws.ecr"], "detail-type": ["ECR Image Scan"], "detail": detail}


def rule_name(account: str) -> str:
    """The scan-findings rule's default name, when `[alerts] rule_name` is not given (the log resource
    policy's name adds '-logs' to the rule's name)."""
    return f"{account}-ecr-scan-findings"


def pattern_text(pattern: dict) -> str:
    """The pattern's JSON as the rule carries it; sorted keys keep the output deterministic."""
    return json.dumps(pattern, sort_keys=True, separators=(",", ":"))


def check_rule(rule: str | None, target_id: str, account: str) -> Found:
    """The rule's name (configured, or derived from the account's name) and the SQS target's id."""
    found: Found = []
    name = rule_name(account) if rule is None else rule
    if rule is None and not RULE_NAME.fullmatch(name):
        found.append(
            (
                "",
                f"the account name gives the EventBridge rule name {show(name)} ({len(name)} chars); "
                f"EventBridge allows 64: shorten the account file's name "
                f"to at most {64 - len(rule_name(''))} characters, or name the rule with rule_name",
            )
        )
    elif not RULE_NAME.fullmatch(name):
        found.append(
            (
                "rule_name",
                f"{show(name)} is not a valid EventBridge rule name (1-64 chars: letters, digits, . - and _)",
            )
        )
    if not TARGET_ID.fullmatch(target_id):
        found.append(
            (
                "target_id",
                f"{show(target_id)} is not a valid EventBridge target id "
                "(1-64 chars: letters, digits, . - and _)",
            )
        )
    return found


def check_alerts(queue: str, severities: list[str], log_group: str | None, enhanced: bool) -> Found:
    """Queue name, severities, log group and the pattern's size."""
    found: Found = []
    if not QUEUE_NAME.fullmatch(queue):
        found.append(
            (
                "sqs_queue_name",
                f"{show(queue)} is not a valid SQS queue name "
                "(1-80 chars: letters, digits, - and _; FIFO queues end in .fifo)",
            )
        )
    allowed = INSPECTOR_SEVERITIES if enhanced else SEVERITIES
    if not severities:
        found.append(("severities", f"must name at least one severity (allowed: {', '.join(allowed)})"))
    for index, severity in enumerate(severities):
        if severity not in allowed:
            found.append(
                (f"severities[{index}]", f"{show(severity)} is not allowed (allowed: {', '.join(allowed)})")
            )
    if repeated := duplicates(severities):
        found.append(("severities", repeated))
    if log_group is not None and not LOG_GROUP.fullmatch(log_group):
        found.append(
            (
                "cloudwatch_log_group",
                f"{show(log_group)} is not allowed: EventBridge delivers only to log groups named "
                "/aws/events/... (letters, digits, . - _ / #)",
            )
        )
    if not found and len(pattern_text(scan_pattern(tuple(severities), enhanced))) > MAX_PATTERN:
        found.append(
            ("severities", f"make an event pattern over EventBridge's {MAX_PATTERN}-character limit")
        )
    return found
