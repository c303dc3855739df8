"""IAM policy documents built from plain values (ARNs may be Terraform references): the role's trust
and inline policies, the alert queue's and log group's resource policies. Pure, no CDKTF import: the
config wing measures the role's documents against IAM's size limits with the same builders the
constructs emit."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ecrgen.rules.actions import PULL_ACTIONS, PUSH_ACTIONS
from ecrgen.rules.role import github_subject

if TYPE_CHECKING:  # the model is only read
    from ecrgen.config.model import Role

GITHUB_AUDIENCE = "sts.amazonaws.com"
GITHUB_HOST = "token.actions.githubusercontent.com"


def text(document: dict) -> str:
    """A policy document as the JSON text AWS stores: keys sorted, no spaces."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


def trust_policy(role: Role, github_provider_arn: str | None) -> dict:
    """Who may assume the role: GitHub Actions for the listed repositories (audience sts.amazonaws.com),
    the listed principals and the listed services."""
    statements = []
    if role.github_repositories:
        statements.append(
            {
                "Sid": "GitHubActions",
                "Effect": "Allow",
                "Principal": {"Federated": github_provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {f"{GITHUB_HOST}:aud": GITHUB_AUDIENCE},
                    "StringLike": {
                        f"{GITHUB_HOST}:sub": [github_subject(r) for r in role.github_repositories]
                    },
                },
            }
        )
    if role.trusted_principals:
        statements.append(
            {
                "Sid": "TrustedPrincipals",
                "Effect": "Allow",
                "Principal": {"AWS": list(role.trusted_principals)},
                "Action": "sts:AssumeRole",
            }
        )
    if role.trusted_services:
        statements.append(
            {
                "Sid": "TrustedServices",
                "Effect": "Allow",
                "Principal": {"Service": list(role.trusted_services)},
                "Action": "sts:AssumeRole",
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


def role_policy(access: str, repository_arns: list[str]) -> dict:
    """GetAuthorizationToken on * (it has no resource), push or pull on this account's repositories only."""
    statements: list[dict] = [
        {"Sid": "Login", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}
    ]
    if repository_arns:
        statements.append(
            {
                "Sid": "PushPull" if access == "push" else "Pull",
                "Effect": "Allow",
                "Action": PUSH_ACTIONS if access == "push" else PULL_ACTIONS,
                "Resource": repository_arns,
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


def queue_policy(queue_arn: str, rule_arn: str) -> dict:
    """EventBridge may send to the queue, only on behalf of the scan-findings rule.
    https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sqs-permissions"""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "EventBridgeScanFindings",
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}},
            }
        ],
    }


def log_resource_policy(log_group_arn: str) -> dict:
    """EventBridge may write the findings to the log group.
    https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-cloudwatchlogs-permissions"""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "EventBridgeScanFindings",
                "Effect": "Allow",
                "Principal": {"Service": ["events.amazonaws.com", "delivery.logs.amazonaws.com"]},
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": f"{log_group_arn}:*",
            }
        ],
    }
