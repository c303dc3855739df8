"""The scan-findings alert routes what it should and nothing else, checked with an EventBridge pattern
engine that is faithful to arrays of objects (LocalStack's), on events shaped as AWS documents them;
and one end-to-end run in moto from the synthesized JSON."""

import copy
import json
from pathlib import Path

import boto3
import pytest
from localstack.services.events.event_rule_engine import EventPatternCompiler, EventRuleEngine
from moto import mock_aws

from ecrgen.rules.events import check_alerts, check_rule, pattern_text, scan_pattern

EVENTS = Path(__file__).parents[1] / "events"
SCAN = json.loads((EVENTS / "ecr_image_scan.json").read_text())
FINDING = json.loads((EVENTS / "inspector2_finding.json").read_text())


def routed(pattern: str, event: dict) -> bool:
    return EventRuleEngine().evaluate_pattern_on_event(
        EventPatternCompiler().compile_event_pattern(pattern), event
    )


def scan(counts=None, status="COMPLETE", **changes):
    event = copy.deepcopy(SCAN)
    event["detail"]["scan-status"] = status
    if counts is not None:
        event["detail"]["finding-severity-counts"] = counts
    event.update(changes)
    return event


def finding(severity="HIGH", status="ACTIVE", resource_type="AWS_ECR_CONTAINER_IMAGE"):
    event = copy.deepcopy(FINDING)
    event["detail"].update(severity=severity, status=status)
    event["detail"]["resources"][0]["type"] = resource_type
    return event


BASIC = pattern_text(scan_pattern(("HIGH", "CRITICAL"), enhanced=False))
ENHANCED = pattern_text(scan_pattern(("HIGH", "CRITICAL"), enhanced=True))


@pytest.mark.parametrize(
    "event, expected",
    [
        (scan(), True),  # the documented sample: CRITICAL 10, MEDIUM 9
        (scan({"HIGH": 1}), True),
        (scan({"HIGH": 3, "CRITICAL": 2, "LOW": 1}), True),
        (scan({"MEDIUM": 9, "LOW": 4}), False),  # other severities only
        (scan({}), False),  # a clean image: AWS omits zero counts
        (scan({"HIGH": 0, "CRITICAL": 0}), False),
        (scan({"CRITICAL": 5}, status="FAILED"), False),  # a failed scan
        (scan({"CRITICAL": 5}, source="aws.inspector2"), False),
        (finding(), False),  # enhanced findings never match the basic rule
    ],
)
def test_basic_routing(event, expected):
    assert routed(BASIC, event) is expected


@pytest.mark.parametrize(
    "event, expected",
    [
        (finding(), True),  # the documented sample: HIGH, ACTIVE, ECR image
        (finding("CRITICAL"), True),
        (finding("MEDIUM"), False),
        (finding("UNTRIAGED"), False),
        (finding(status="CLOSED"), False),  # closed findings
        (finding(status="SUPPRESSED"), False),
        (finding(resource_type="AWS_EC2_INSTANCE"), False),  # findings on other resource types
        (finding(resource_type="AWS_LAMBDA_FUNCTION"), False),
        (scan({"CRITICAL": 1}), False),  # basic scan events do not fire with enhanced scanning
    ],
)
def test_enhanced_routing(event, expected):
    assert routed(ENHANCED, event) is expected


def test_single_severity_needs_no_or():
    assert scan_pattern(("CRITICAL",), False)["detail"] == {
        "scan-status": ["COMPLETE"],
        "finding-severity-counts": {"CRITICAL": [{"numeric": [">", 0]}]},
    }
    assert routed(pattern_text(scan_pattern(("CRITICAL",), False)), scan({"CRITICAL": 1}))
    assert not routed(pattern_text(scan_pattern(("CRITICAL",), False)), scan({"HIGH": 1}))


def test_emitted_patterns_route(synthesized):
    basic = synthesized["example_account"]["resource"]["aws_cloudwatch_event_rule"]["scan_findings"][
        "event_pattern"
    ]
    enhanced = synthesized["example_nonprod"]["resource"]["aws_cloudwatch_event_rule"]["scan_findings"][
        "event_pattern"
    ]
    assert routed(basic, scan()) and not routed(basic, scan({"LOW": 2}))
    assert routed(enhanced, finding("CRITICAL")) and not routed(enhanced, finding("HIGH"))


def test_severities_are_checked():
    assert check_alerts("q", ["HIGH", "HIGH"], None, False) == [("severities", "has duplicates: 'HIGH'")]
    assert check_alerts("q", [], None, False) == [
        (
            "severities",
            "must name at least one severity (allowed: INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL, UNDEFINED)",
        )
    ]
    assert check_alerts("q.fifo", ["UNTRIAGED"], None, True) == []
    assert check_alerts("a" * 81, ["HIGH"], None, False) == [
        (
            "sqs_queue_name",
            f"'{'a' * 76}... is not a valid SQS queue name (1-80 chars: letters, digits, - and _; FIFO queues end in .fifo)",
        )
    ]


def test_the_rule_name_and_target_id_are_checked():
    assert check_rule(None, "sqs", "a" * 46) == []
    assert check_rule(None, "sqs", "a" * 47) == [
        (
            "",
            f"the account name gives the EventBridge rule name '{'a' * 47}-ecr-scan-findings' (65 chars); EventBridge allows 64: shorten the account file's name to at most 46 characters, or name the rule with rule_name",
        )
    ]
    # A rule_name of its own frees the account's name from the limit.
    assert check_rule("legacy.ecr_scan-findings", "SendToSQS", "a" * 47) == []
    assert check_rule("r" * 64, "t" * 64, "a") == []
    assert check_rule("ecr findings", "sqs/1", "a") == [
        (
            "rule_name",
            "'ecr findings' is not a valid EventBridge rule name (1-64 chars: letters, digits, . - and _)",
        ),
        (
            "target_id",
            "'sqs/1' is not a valid EventBridge target id (1-64 chars: letters, digits, . - and _)",
        ),
    ]
    assert check_rule("", "", "a") == [
        ("rule_name", "'' is not a valid EventBridge rule name (1-64 chars: letters, digits, . - and _)"),
        ("target_id", "'' is not a valid EventBridge target id (1-64 chars: letters, digits, . - and _)"),
    ]
    assert [path for path, _ in check_rule("r" * 65, "t" * 65, "a")] == ["rule_name", "target_id"]


def test_end_to_end_in_moto(synthesized):
    """The rule and target from the synthesized JSON, the queue, an event on the bus, the message out."""
    resources = synthesized["example_account"]["resource"]
    rule = resources["aws_cloudwatch_event_rule"]["scan_findings"]
    target = resources["aws_cloudwatch_event_target"]["scan_findings_sqs"]
    assert "role_arn" not in target
    pattern = json.loads(rule["event_pattern"])  # as written, $or and numeric matching included
    assert "$or" in pattern["detail"]
    with mock_aws():
        sqs, events = (boto3.client(n, region_name="us-east-1") for n in ("sqs", "events"))
        url = sqs.create_queue(QueueName="security-alerts")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        events.put_rule(Name=rule["name"], EventPattern=json.dumps(pattern))
        events.put_targets(Rule=rule["name"], Targets=[{"Id": target["target_id"], "Arn": arn}])
        for detail in (
            {"scan-status": "COMPLETE", "finding-severity-counts": {"LOW": 1}},
            {"scan-status": "COMPLETE", "finding-severity-counts": {"HIGH": 0, "MEDIUM": 3}},
            {"scan-status": "FAILED", "finding-severity-counts": {"HIGH": 2}},
            SCAN["detail"],
            {"scan-status": "COMPLETE", "finding-severity-counts": {"HIGH": 1}},
        ):
            events.put_events(
                Entries=[{"Source": "aws.ecr", "DetailType": "ECR Image Scan", "Detail": json.dumps(detail)}]
            )
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get(
            "Messages", []
        )
        assert [json.loads(m["Body"])["detail"]["finding-severity-counts"] for m in messages] == [
            {"CRITICAL": 10, "MEDIUM": 9},
            {"HIGH": 1},
        ]
